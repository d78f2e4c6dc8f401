//! `fake('kind')`: random test data of a kind, one new value per call — every `{{$random…}}`
//! dynamic variable Postman has, under its name in snake case (`$randomFirstName` is
//! `fake('first_name')`, `$randomIPV6` is `fake('ipv6')`). Values are text, as Postman's are.
//! Names, places, companies, words and internet values come from the `fake` crate (English);
//! the few kinds it has no generator for use short word lists of our own.

use chrono::{DateTime, Duration, Utc};
use fake::Fake;
use fake::faker::{
    address::en as address, company::en as company, currency::en as currency,
    filesystem::en as files, finance::en as finance, internet::en as internet, job::en as job,
    lorem::en as lorem, name::en as name,
};
use rand::RngExt;
use rand::seq::IndexedRandom;

/// Every kind, with what it gives (`yarc` docs and the error for an unknown kind list them).
pub const KINDS: &[(&str, &str)] = &[
    ("abbreviation", "an abbreviation (TCP, JSON)"),
    ("abstract_image", "a URL of an abstract image"),
    ("adjective", "an adjective"),
    ("alpha_numeric", "one letter or digit"),
    ("animals_image", "a URL of an animal image"),
    ("avatar_image", "a URL of an avatar image"),
    ("bank_account", "an 8-digit bank account number"),
    ("bank_account_bic", "a BIC"),
    ("bank_account_iban", "an IBAN with valid check digits"),
    ("bank_account_name", "a bank account name (Savings Account)"),
    ("bitcoin", "a bitcoin address"),
    ("boolean", "true or false"),
    ("bs", "a phrase of business speak"),
    ("bs_adjective", "a business speak adjective"),
    ("bs_buzz", "a business speak buzzword"),
    ("bs_noun", "a business speak noun"),
    ("business_image", "a URL of a business image"),
    ("catch_phrase", "a catchphrase"),
    ("catch_phrase_adjective", "a catchphrase adjective"),
    ("catch_phrase_descriptor", "a catchphrase descriptor"),
    ("catch_phrase_noun", "a catchphrase noun"),
    ("cats_image", "a URL of a cat image"),
    ("city", "a city name"),
    ("city_image", "a URL of a city image"),
    ("color", "a color name"),
    ("common_file_ext", "a common file extension (pdf, png)"),
    ("common_file_name", "a file name with a common extension"),
    ("common_file_type", "a common file type (image, video)"),
    ("company_name", "a company name"),
    ("company_suffix", "a company suffix (Inc, LLC)"),
    ("country", "a country name"),
    ("country_code", "a two-letter country code"),
    ("credit_card_mask", "a masked card number, (...1234)"),
    ("currency_code", "a three-letter currency code"),
    ("currency_name", "a currency name"),
    ("currency_symbol", "a currency symbol"),
    ("database_collation", "a database collation"),
    ("database_column", "a database column name"),
    ("database_engine", "a database engine"),
    ("database_type", "a database column type"),
    ("date_future", "a date within the next year"),
    ("date_past", "a date within the last year"),
    ("date_recent", "a date within the last day"),
    ("department", "a shop department"),
    ("directory_path", "a directory path"),
    ("domain_name", "a domain name"),
    ("domain_suffix", "a domain suffix (com, org)"),
    ("domain_word", "a domain name without its suffix"),
    ("email", "an email address"),
    ("example_email", "an email address at an example domain"),
    ("fashion_image", "a URL of a fashion image"),
    ("file_ext", "a file extension"),
    ("file_name", "a file name"),
    ("file_path", "a file path"),
    ("file_type", "a file type (application, audio)"),
    ("first_name", "a first name"),
    ("food_image", "a URL of a food image"),
    ("full_name", "a first and last name"),
    ("hex_color", "a color as #rrggbb"),
    ("image_data_uri", "an image as a data: URI"),
    ("image_url", "a URL of an image"),
    ("ingverb", "a verb ending in -ing"),
    ("ip", "an IPv4 address"),
    ("ipv6", "an IPv6 address"),
    ("job_area", "a job area"),
    ("job_descriptor", "a job descriptor (Senior)"),
    ("job_title", "a job title"),
    ("job_type", "a job type"),
    ("last_name", "a last name"),
    ("latitude", "a latitude"),
    ("locale", "a two-letter language code"),
    ("longitude", "a longitude"),
    ("lorem_lines", "1 to 5 lines of lorem ipsum"),
    ("lorem_paragraph", "a paragraph of lorem ipsum"),
    ("lorem_paragraphs", "3 paragraphs of lorem ipsum"),
    ("lorem_sentence", "a sentence of lorem ipsum"),
    ("lorem_sentences", "2 to 6 sentences of lorem ipsum"),
    ("lorem_slug", "a lorem ipsum URL slug"),
    ("lorem_text", "some lorem ipsum"),
    ("lorem_word", "a lorem ipsum word"),
    ("lorem_words", "some lorem ipsum words"),
    ("mac_address", "a MAC address"),
    ("mime_type", "a MIME type"),
    ("month", "a month name"),
    ("name_prefix", "a name prefix (Mr., Dr.)"),
    ("name_suffix", "a name suffix (Jr., PhD)"),
    ("nature_image", "a URL of a nature image"),
    ("nightlife_image", "a URL of a nightlife image"),
    ("noun", "a noun"),
    ("password", "a 15-character password"),
    ("people_image", "a URL of an image of people"),
    ("phone_number", "a 10-digit phone number"),
    ("phone_number_ext", "a phone number with an extension"),
    ("phrase", "a phrase"),
    ("price", "a price from 0.00 to 1000.00"),
    ("product", "a product (Chair)"),
    ("product_adjective", "a product adjective"),
    ("product_material", "a product material"),
    ("product_name", "a product name"),
    ("protocol", "http or https"),
    ("semver", "a semantic version"),
    ("sports_image", "a URL of a sports image"),
    ("street_address", "a street address"),
    ("street_name", "a street name"),
    ("transaction_type", "a transaction type (payment)"),
    ("transport_image", "a URL of a transport image"),
    ("url", "a URL"),
    ("user_agent", "a browser's User-Agent"),
    ("user_name", "a user name"),
    ("uuid", "a UUID (v4)"),
    ("verb", "a verb"),
    ("weekday", "a weekday name"),
    ("word", "a word"),
    ("words", "2 to 5 words"),
];

/// The kind for a Postman dynamic variable's name: `$randomFirstName` → `first_name`,
/// `$randomMACAddress` → `mac_address`, `$randomIPV6` → `ipv6`.
pub fn kind_of_postman(name: &str) -> Option<String> {
    let camel = name.strip_prefix("$random")?;
    let chars: Vec<char> = camel.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        let after_lower =
            i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
        let acronym_end = i > 0
            && chars[i - 1].is_ascii_uppercase()
            && chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
        if c.is_ascii_uppercase() && (after_lower || acronym_end) {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    KINDS.iter().any(|(k, _)| *k == out).then_some(out)
}

/// A value of `kind`, or `None` for a kind that does not exist. `now` anchors the dates.
pub fn generate<R: RngExt + ?Sized>(kind: &str, rng: &mut R, now: DateTime<Utc>) -> Option<String> {
    if let Some(v) = people_and_places(kind, rng) {
        return Some(v);
    }
    if let Some(v) = business(kind, rng) {
        return Some(v);
    }
    if let Some(v) = internet_and_files(kind, rng) {
        return Some(v);
    }
    if let Some(v) = words(kind, rng) {
        return Some(v);
    }
    Some(match kind {
        "date_past" => js_date(now - span(rng, 365 * 86_400)),
        "date_future" => js_date(now + span(rng, 365 * 86_400)),
        "date_recent" => js_date(now - span(rng, 86_400)),
        "month" => pick(rng, MONTHS),
        "weekday" => pick(rng, WEEKDAYS),
        "boolean" => rng.random_bool(0.5).to_string(),
        "uuid" => uuid::Builder::from_random_bytes(rng.random())
            .into_uuid()
            .to_string(),
        "hex_color" => format!("#{:06x}", rng.random_range(0..0x100_0000u32)),
        "color" => pick(rng, COLORS),
        "image_data_uri" => image_data_uri(rng),
        _ => image(kind, rng)?,
    })
}

fn people_and_places<R: RngExt + ?Sized>(kind: &str, rng: &mut R) -> Option<String> {
    Some(match kind {
        "first_name" => name::FirstName().fake_with_rng(rng),
        "last_name" => name::LastName().fake_with_rng(rng),
        "full_name" => name::Name().fake_with_rng(rng),
        "name_prefix" => name::Title().fake_with_rng(rng),
        "name_suffix" => name::Suffix().fake_with_rng(rng),
        "job_title" => job::Title().fake_with_rng(rng),
        "job_descriptor" => job::Seniority().fake_with_rng(rng),
        "job_area" => job::Field().fake_with_rng(rng),
        "job_type" => job::Position().fake_with_rng(rng),
        "phone_number" => phone(rng),
        "phone_number_ext" => format!("{}-{}", rng.random_range(1..100), phone(rng)),
        "city" => address::CityName().fake_with_rng(rng),
        "street_name" => address::StreetName().fake_with_rng(rng),
        "street_address" => {
            let number: String = address::BuildingNumber().fake_with_rng(rng);
            let street: String = address::StreetName().fake_with_rng(rng);
            format!("{number} {street}")
        }
        "country" => address::CountryName().fake_with_rng(rng),
        "country_code" => address::CountryCode().fake_with_rng(rng),
        "latitude" => format!("{:.4}", rng.random_range(-90.0..90.0)),
        "longitude" => format!("{:.4}", rng.random_range(-180.0..180.0)),
        "locale" => pick(rng, LOCALES),
        _ => return None,
    })
}

fn business<R: RngExt + ?Sized>(kind: &str, rng: &mut R) -> Option<String> {
    Some(match kind {
        "company_name" => company::CompanyName().fake_with_rng(rng),
        "company_suffix" => company::CompanySuffix().fake_with_rng(rng),
        "catch_phrase" => company::CatchPhrase().fake_with_rng(rng),
        "catch_phrase_adjective" => company::Buzzword().fake_with_rng(rng),
        "catch_phrase_descriptor" => company::BuzzwordMiddle().fake_with_rng(rng),
        "catch_phrase_noun" => company::BuzzwordTail().fake_with_rng(rng),
        "bs" => company::Bs().fake_with_rng(rng),
        "bs_adjective" => company::BsAdj().fake_with_rng(rng),
        "bs_buzz" => company::BsVerb().fake_with_rng(rng),
        "bs_noun" => company::BsNoun().fake_with_rng(rng),
        "department" => pick(rng, DEPARTMENTS),
        "product" => pick(rng, PRODUCTS),
        "product_adjective" => pick(rng, PRODUCT_ADJECTIVES),
        "product_material" => pick(rng, MATERIALS),
        "product_name" => format!(
            "{} {} {}",
            pick(rng, PRODUCT_ADJECTIVES),
            pick(rng, MATERIALS),
            pick(rng, PRODUCTS)
        ),
        "price" => format!("{:.2}", rng.random_range(0..=100_000) as f64 / 100.0),
        "bank_account" => digits(rng, 8),
        "bank_account_name" => format!("{} Account", pick(rng, ACCOUNT_KINDS)),
        "bank_account_iban" => iban(rng),
        "bank_account_bic" => finance::Bic().fake_with_rng(rng),
        "credit_card_mask" => format!("(...{})", digits(rng, 4)),
        "transaction_type" => pick(rng, TRANSACTIONS),
        "currency_code" => currency::CurrencyCode().fake_with_rng(rng),
        "currency_name" => currency::CurrencyName().fake_with_rng(rng),
        "currency_symbol" => currency::CurrencySymbol().fake_with_rng(rng),
        "bitcoin" => bitcoin(rng),
        _ => return None,
    })
}

fn internet_and_files<R: RngExt + ?Sized>(kind: &str, rng: &mut R) -> Option<String> {
    Some(match kind {
        "email" => internet::FreeEmail().fake_with_rng(rng),
        "example_email" => internet::SafeEmail().fake_with_rng(rng),
        "user_name" => internet::Username().fake_with_rng(rng),
        "password" => (0..15)
            .map(|_| *PASSWORD_CHARS.choose(rng).unwrap_or(&'x'))
            .collect(),
        "ip" => internet::IPv4().fake_with_rng(rng),
        "ipv6" => internet::IPv6().fake_with_rng(rng),
        // Lower-case hex, as Postman's `{{$randomMACAddress}}` gives it.
        "mac_address" => internet::MACAddress()
            .fake_with_rng::<String, _>(rng)
            .to_ascii_lowercase(),
        "user_agent" => internet::UserAgent().fake_with_rng(rng),
        "protocol" => pick(rng, &["http", "https"]),
        "domain_suffix" => internet::DomainSuffix().fake_with_rng(rng),
        "domain_word" => domain_word(rng),
        "domain_name" => domain_name(rng),
        "url" => format!("{}://{}", pick(rng, &["http", "https"]), domain_name(rng)),
        "directory_path" => files::DirPath().fake_with_rng(rng),
        "file_path" => {
            let dir: String = files::DirPath().fake_with_rng(rng);
            format!("{dir}/{}", file_name(rng))
        }
        "file_name" => file_name(rng),
        "file_ext" => files::FileExtension().fake_with_rng(rng),
        "file_type" => pick(rng, FILE_TYPES),
        "common_file_name" => format!("{}.{}", word(rng), pick(rng, COMMON_EXTENSIONS)),
        "common_file_ext" => pick(rng, COMMON_EXTENSIONS),
        "common_file_type" => pick(rng, COMMON_FILE_TYPES),
        "mime_type" => files::MimeType().fake_with_rng(rng),
        "semver" => format!(
            "{}.{}.{}",
            rng.random_range(0..10),
            rng.random_range(0..10),
            rng.random_range(0..10)
        ),
        "database_column" => pick(rng, DB_COLUMNS),
        "database_type" => pick(rng, DB_TYPES),
        "database_collation" => pick(rng, DB_COLLATIONS),
        "database_engine" => pick(rng, DB_ENGINES),
        _ => return None,
    })
}

fn words<R: RngExt + ?Sized>(kind: &str, rng: &mut R) -> Option<String> {
    let sentences = |rng: &mut R, n: std::ops::Range<usize>| -> Vec<String> {
        let list: Vec<String> = lorem::Sentences(n).fake_with_rng(rng);
        list.iter().map(|s| capitalized(s)).collect()
    };
    Some(match kind {
        "word" | "lorem_word" => word(rng),
        "words" => {
            let list: Vec<String> = lorem::Words(2..6).fake_with_rng(rng);
            list.join(" ")
        }
        "lorem_words" => {
            let list: Vec<String> = lorem::Words(3..4).fake_with_rng(rng);
            list.join(" ")
        }
        "lorem_sentence" => sentences(rng, 1..2).join(" "),
        "lorem_sentences" => sentences(rng, 2..7).join(" "),
        "lorem_paragraph" | "lorem_text" => sentences(rng, 3..7).join(" "),
        "lorem_paragraphs" => (0..3)
            .map(|_| sentences(rng, 3..7).join(" "))
            .collect::<Vec<_>>()
            .join("\n \r"),
        "lorem_lines" => sentences(rng, 1..6).join("\n"),
        "lorem_slug" => {
            let list: Vec<String> = lorem::Words(3..4).fake_with_rng(rng);
            list.join("-")
        }
        "alpha_numeric" => pick(rng, &ALPHANUMERIC),
        "abbreviation" => pick(rng, ABBREVIATIONS),
        "adjective" => pick(rng, TECH_ADJECTIVES),
        "noun" => pick(rng, TECH_NOUNS),
        "verb" => pick(rng, TECH_VERBS),
        "ingverb" => pick(rng, TECH_INGVERBS),
        "phrase" => format!(
            "Try to {} the {} {}, maybe it will {} the {} {}!",
            pick(rng, TECH_VERBS),
            pick(rng, TECH_ADJECTIVES),
            pick(rng, TECH_NOUNS),
            pick(rng, TECH_VERBS),
            pick(rng, ABBREVIATIONS),
            pick(rng, TECH_NOUNS)
        ),
        _ => return None,
    })
}

fn image<R: RngExt + ?Sized>(kind: &str, rng: &mut R) -> Option<String> {
    let topic = match kind {
        "image_url" => return Some("http://placeimg.com/640/480".into()),
        "avatar_image" => {
            return Some(format!(
                "http://placeimg.com/128/128/people?{}",
                rng.random_range(0..1000)
            ));
        }
        "abstract_image" => "abstract",
        "animals_image" => "animals",
        "business_image" => "business",
        "cats_image" => "cats",
        "city_image" => "city",
        "food_image" => "food",
        "nightlife_image" => "nightlife",
        "fashion_image" => "fashion",
        "people_image" => "people",
        "nature_image" => "nature",
        "sports_image" => "sports",
        "transport_image" => "transport",
        _ => return None,
    };
    Some(format!("http://placeimg.com/640/480/{topic}"))
}

/// A small SVG of a random colour, as a data: URI.
fn image_data_uri<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"480\"><rect width=\"100%\" height=\"100%\" fill=\"#{:06x}\"/></svg>",
        rng.random_range(0..0x100_0000u32)
    );
    let encoded: String =
        percent_encoding::utf8_percent_encode(&svg, percent_encoding::NON_ALPHANUMERIC).collect();
    format!("data:image/svg+xml;charset=UTF-8,{encoded}")
}

/// A sentence as lorem ipsum writes one: its first letter in capitals.
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn pick<R: RngExt + ?Sized>(rng: &mut R, list: &[&str]) -> String {
    list.choose(rng).copied().unwrap_or_default().to_string()
}

fn digits<R: RngExt + ?Sized>(rng: &mut R, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

fn phone<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let area = rng.random_range(2..10);
    format!(
        "{area}{}-{}-{}",
        digits(rng, 2),
        digits(rng, 3),
        digits(rng, 4)
    )
}

fn word<R: RngExt + ?Sized>(rng: &mut R) -> String {
    lorem::Word().fake_with_rng(rng)
}

fn domain_word<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let first: String = name::FirstName().fake_with_rng(rng);
    first
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

fn domain_name<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let suffix: String = internet::DomainSuffix().fake_with_rng(rng);
    format!("{}.{suffix}", domain_word(rng))
}

fn file_name<R: RngExt + ?Sized>(rng: &mut R) -> String {
    files::FileName().fake_with_rng(rng)
}

fn span<R: RngExt + ?Sized>(rng: &mut R, seconds: i64) -> Duration {
    Duration::seconds(rng.random_range(1..=seconds))
}

/// A date as JavaScript's `Date.toString()` writes it (what Postman sends), in UTC.
fn js_date(t: DateTime<Utc>) -> String {
    t.format("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)")
        .to_string()
}

/// A German IBAN (bank code and account number) with its ISO 7064 check digits.
fn iban<R: RngExt + ?Sized>(rng: &mut R) -> String {
    let bban = digits(rng, 18);
    // Check digits: the BBAN, then the country as numbers (D=13, E=14) and 00, modulo 97.
    let numeric = format!("{bban}131400");
    let rest = numeric
        .bytes()
        .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
    format!("DE{:02}{bban}", 98 - rest)
}

/// A legacy (P2PKH) bitcoin address: `1` and 25 to 33 base58 characters.
fn bitcoin<R: RngExt + ?Sized>(rng: &mut R) -> String {
    const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let n = rng.random_range(25..34);
    let tail: String = (0..n)
        .map(|_| char::from(*BASE58.choose(rng).unwrap_or(&b'1')))
        .collect();
    format!("1{tail}")
}

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const COLORS: &[&str] = &[
    "red", "green", "blue", "yellow", "purple", "orange", "black", "white", "grey", "pink", "cyan",
    "teal", "olive", "navy", "maroon", "silver", "gold", "indigo", "violet",
];
const LOCALES: &[&str] = &[
    "ar", "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "he", "hi", "hr", "hu", "id",
    "is", "it", "ja", "ko", "lt", "lv", "ms", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sr",
    "sv", "th", "tr", "uk", "vi", "zh",
];
const DEPARTMENTS: &[&str] = &[
    "Books",
    "Electronics",
    "Garden",
    "Grocery",
    "Health",
    "Home",
    "Kids",
    "Music",
    "Outdoors",
    "Shoes",
    "Sports",
    "Tools",
    "Toys",
    "Clothing",
    "Beauty",
    "Automotive",
    "Computers",
    "Jewelry",
    "Movies",
    "Games",
];
const PRODUCTS: &[&str] = &[
    "Chair", "Table", "Lamp", "Keyboard", "Mouse", "Bike", "Ball", "Gloves", "Pants", "Shirt",
    "Shoes", "Hat", "Towels", "Soap", "Cheese", "Bread", "Pizza", "Salad", "Chips", "Computer",
];
const PRODUCT_ADJECTIVES: &[&str] = &[
    "Small",
    "Ergonomic",
    "Rustic",
    "Intelligent",
    "Gorgeous",
    "Practical",
    "Sleek",
    "Generic",
    "Handcrafted",
    "Handmade",
    "Refined",
    "Unbranded",
    "Tasty",
    "Modern",
    "Compact",
];
const MATERIALS: &[&str] = &[
    "Steel", "Wooden", "Concrete", "Plastic", "Cotton", "Granite", "Rubber", "Metal", "Bronze",
    "Glass", "Leather", "Bamboo",
];
const ACCOUNT_KINDS: &[&str] = &[
    "Checking",
    "Savings",
    "Money Market",
    "Investment",
    "Home Loan",
    "Credit Card",
    "Auto Loan",
    "Personal Loan",
];
const TRANSACTIONS: &[&str] = &["deposit", "withdrawal", "payment", "invoice"];
const FILE_TYPES: &[&str] = &[
    "application",
    "audio",
    "font",
    "image",
    "message",
    "model",
    "multipart",
    "text",
    "video",
];
const COMMON_FILE_TYPES: &[&str] = &["video", "audio", "image", "text", "application"];
const COMMON_EXTENSIONS: &[&str] = &[
    "pdf", "mpeg", "wav", "png", "jpeg", "gif", "mp4", "mp2", "htm", "html", "txt", "csv",
];
const DB_COLUMNS: &[&str] = &[
    "id",
    "title",
    "name",
    "email",
    "phone",
    "token",
    "group",
    "category",
    "password",
    "comment",
    "avatar",
    "status",
    "createdAt",
    "updatedAt",
];
const DB_TYPES: &[&str] = &[
    "int",
    "varchar",
    "text",
    "date",
    "datetime",
    "tinyint",
    "time",
    "timestamp",
    "smallint",
    "bigint",
    "decimal",
    "float",
    "double",
    "bit",
    "boolean",
    "serial",
    "blob",
    "binary",
    "enum",
    "point",
];
const DB_COLLATIONS: &[&str] = &[
    "utf8_unicode_ci",
    "utf8_general_ci",
    "utf8_bin",
    "ascii_bin",
    "ascii_general_ci",
    "cp1250_bin",
    "cp1250_general_ci",
];
const DB_ENGINES: &[&str] = &["InnoDB", "MyISAM", "MEMORY", "CSV", "BLACKHOLE", "ARCHIVE"];
const ABBREVIATIONS: &[&str] = &[
    "TCP", "HTTP", "SSD", "RAM", "GB", "CSS", "SSL", "SQL", "FTP", "PCI", "AI", "RSS", "XML",
    "EXE", "HDD", "SMTP", "SMS", "USB", "PNG", "JSON", "XSS",
];
const TECH_ADJECTIVES: &[&str] = &[
    "auxiliary",
    "primary",
    "back-end",
    "digital",
    "open-source",
    "virtual",
    "cross-platform",
    "redundant",
    "online",
    "haptic",
    "multi-byte",
    "wireless",
    "neural",
    "optical",
    "solid state",
    "mobile",
];
const TECH_NOUNS: &[&str] = &[
    "driver",
    "protocol",
    "bandwidth",
    "panel",
    "microchip",
    "program",
    "port",
    "card",
    "array",
    "interface",
    "system",
    "sensor",
    "firewall",
    "hard drive",
    "pixel",
    "alarm",
    "feed",
    "monitor",
    "application",
    "transmitter",
    "bus",
    "circuit",
    "capacitor",
    "matrix",
];
const TECH_VERBS: &[&str] = &[
    "back up",
    "bypass",
    "hack",
    "override",
    "compress",
    "copy",
    "navigate",
    "index",
    "connect",
    "generate",
    "quantify",
    "calculate",
    "synthesize",
    "input",
    "transmit",
    "program",
    "reboot",
    "parse",
];
const TECH_INGVERBS: &[&str] = &[
    "backing up",
    "bypassing",
    "hacking",
    "overriding",
    "compressing",
    "copying",
    "navigating",
    "indexing",
    "connecting",
    "generating",
    "quantifying",
    "calculating",
    "synthesizing",
    "transmitting",
    "programming",
    "parsing",
];
const ALPHANUMERIC: [&str; 36] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
    "t", "u", "v", "w", "x", "y", "z", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
];
const PASSWORD_CHARS: &[char] = &[
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'm', 'n', 'p', 'q', 'r', 's', 't', 'u',
    'v', 'w', 'x', 'y', 'z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P',
    'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', '2', '3', '4', '5', '6', '7', '8', '9', '_',
    '-',
];

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn all(seed: u64) -> Vec<(&'static str, String)> {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let now = DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
        KINDS
            .iter()
            .map(|(k, _)| {
                let v = generate(k, &mut rng, now).unwrap_or_else(|| panic!("no `{k}`"));
                (*k, v)
            })
            .collect()
    }

    #[test]
    fn every_kind_gives_a_value_and_no_other_kind_does() {
        for seed in 0..20 {
            for (k, v) in all(seed) {
                assert!(!v.is_empty(), "{k}");
                assert!(!v.contains("{{"), "{k}: {v}");
            }
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(0);
        assert_eq!(generate("nope", &mut rng, Utc::now()), None);
        let mut sorted: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), KINDS.len(), "kinds are unique");
    }

    #[test]
    fn values_have_the_shape_servers_check() {
        let re = |p: &str| regex::Regex::new(p).expect("regex");
        let shapes = [
            ("ip", re(r"^\d{1,3}(\.\d{1,3}){3}$")),
            ("email", re(r"^[^@\s]+@[^@\s]+\.[a-z]+$")),
            ("example_email", re(r"^[^@\s]+@example\.(com|org|net)$")),
            (
                "uuid",
                re(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"),
            ),
            ("phone_number", re(r"^[2-9]\d{2}-\d{3}-\d{4}$")),
            ("boolean", re(r"^(true|false)$")),
            ("price", re(r"^\d{1,4}\.\d{2}$")),
            ("hex_color", re(r"^#[0-9a-f]{6}$")),
            ("bank_account", re(r"^\d{8}$")),
            ("password", re(r"^[A-Za-z0-9_-]{15}$")),
            ("latitude", re(r"^-?\d{1,2}\.\d{4}$")),
            (
                "date_past",
                re(
                    r"^\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT\+0000 \(Coordinated Universal Time\)$",
                ),
            ),
            ("semver", re(r"^\d\.\d\.\d$")),
            ("mac_address", re(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$")),
            ("url", re(r"^https?://[a-z0-9]+\.[a-z]+$")),
        ];
        for seed in 0..50 {
            let values = all(seed);
            for (kind, shape) in &shapes {
                let v = &values.iter().find(|(k, _)| k == kind).expect("kind").1;
                assert!(shape.is_match(v), "{kind}: {v:?}");
            }
        }
    }

    /// Every `$random…` variable Postman's runtime knows (besides `$randomInt`, which is
    /// `random_int(0, 1000)`) has its kind.
    #[test]
    fn every_postman_dynamic_variable_has_a_kind() {
        let names = "Abbreviation AbstractImage Adjective AlphaNumeric AnimalsImage AvatarImage \
            BankAccount BankAccountBic BankAccountIban BankAccountName Bitcoin Boolean Bs \
            BsAdjective BsBuzz BsNoun BusinessImage CatchPhrase CatchPhraseAdjective \
            CatchPhraseDescriptor CatchPhraseNoun CatsImage City CityImage Color CommonFileExt \
            CommonFileName CommonFileType CompanyName CompanySuffix Country CountryCode \
            CreditCardMask CurrencyCode CurrencyName CurrencySymbol DatabaseCollation \
            DatabaseColumn DatabaseEngine DatabaseType DateFuture DatePast DateRecent Department \
            DirectoryPath DomainName DomainSuffix DomainWord Email ExampleEmail FashionImage \
            FileExt FileName FilePath FileType FirstName FoodImage FullName HexColor \
            ImageDataUri ImageUrl Ingverb IP IPV6 JobArea JobDescriptor JobTitle JobType \
            LastName Latitude Locale Longitude LoremLines LoremParagraph LoremParagraphs \
            LoremSentence LoremSentences LoremSlug LoremText LoremWord LoremWords MACAddress \
            MimeType Month NamePrefix NameSuffix NatureImage NightlifeImage Noun Password \
            PeopleImage PhoneNumber PhoneNumberExt Phrase Price Product ProductAdjective \
            ProductMaterial ProductName Protocol Semver SportsImage StreetAddress StreetName \
            TransactionType TransportImage Url UserAgent UserName UUID Verb Weekday Word Words";
        let mut kinds = std::collections::BTreeSet::new();
        for n in names.split_whitespace() {
            let kind = kind_of_postman(&format!("$random{n}"));
            assert!(kind.is_some(), "$random{n}");
            kinds.extend(kind);
        }
        assert_eq!(kinds.len(), KINDS.len(), "every kind is a Postman one");
        assert_eq!(
            kind_of_postman("$randomMACAddress").as_deref(),
            Some("mac_address")
        );
        assert_eq!(kind_of_postman("$randomIPV6").as_deref(), Some("ipv6"));
        assert_eq!(kind_of_postman("$randomNope"), None);
    }

    #[test]
    fn an_iban_has_valid_check_digits() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..100 {
            let iban = iban(&mut rng);
            // ISO 13616: move the first four characters to the end, letters as numbers, mod 97 = 1.
            let moved = format!("{}{}", &iban[4..], &iban[..4]);
            let numeric: String = moved
                .chars()
                .map(|c| match c {
                    'A'..='Z' => (c as u32 - 'A' as u32 + 10).to_string(),
                    d => d.to_string(),
                })
                .collect();
            let rest = numeric
                .bytes()
                .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
            assert_eq!(rest, 1, "{iban}");
        }
    }
}
