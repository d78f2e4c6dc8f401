//! Digests and signatures a script makes with CryptoJS (which Postman's sandbox has):
//! `CryptoJS.HmacSHA256(text, key).toString()`, `CryptoJS.SHA256(v).toString(CryptoJS.enc.Base64)`,
//! `CryptoJS.enc.Base64.stringify(CryptoJS.HmacSHA1(text, key))` — as yarc's `sha256` and
//! `hmac_sha256` template filters, so the signature is made when the request is sent.

use super::js::Expr;
use super::{Converter, path};

/// CryptoJS's hash functions and HMACs, by the filter that makes the same bytes.
const FUNCTIONS: &[(&str, &str)] = &[
    ("CryptoJS.MD5", "md5"),
    ("CryptoJS.SHA1", "sha1"),
    ("CryptoJS.SHA256", "sha256"),
    ("CryptoJS.SHA384", "sha384"),
    ("CryptoJS.SHA512", "sha512"),
    ("CryptoJS.HmacMD5", "hmac_md5"),
    ("CryptoJS.HmacSHA1", "hmac_sha1"),
    ("CryptoJS.HmacSHA256", "hmac_sha256"),
    ("CryptoJS.HmacSHA384", "hmac_sha384"),
    ("CryptoJS.HmacSHA512", "hmac_sha512"),
];

impl Converter {
    /// A digest written as text (CryptoJS's `toString()` is hex), as a template expression.
    pub(super) fn digest_jinja(&self, e: &Expr) -> Option<String> {
        if let Some(url_safe) = self.base64url_jinja(e) {
            return Some(url_safe);
        }
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let (digest, encoding) = match (&**callee, args.as_slice()) {
            (Expr::Member(d, m), []) if m == "toString" => (&**d, "hex"),
            (Expr::Member(d, m), [enc]) if m == "toString" => (&**d, encoding(enc)?),
            (c, [d]) => match path(c).as_deref()? {
                "CryptoJS.enc.Hex.stringify" => (d, "hex"),
                "CryptoJS.enc.Base64.stringify" => (d, "base64"),
                _ => return None,
            },
            _ => return None,
        };
        self.digest_of(digest, encoding)
    }

    /// A base64 digest made URL-safe by hand, as PKCE's `code_challenge` is:
    /// `.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")` in any order (the padding
    /// also as `/=/g`): the digest written `"base64url"`.
    fn base64url_jinja(&self, e: &Expr) -> Option<String> {
        let (mut plus, mut slash, mut pad) = (false, false, false);
        let mut inner = e;
        while let Expr::Call(callee, args) = inner
            && let (Expr::Member(target, m), [Expr::Regex(body, flags), Expr::Str(to)]) =
                (&**callee, args.as_slice())
            && m == "replace"
        {
            let global = flags.contains('g');
            match (body.as_str(), to.as_str()) {
                ("\\+", "-") if global => plus = true,
                ("\\/" | "/", "_") if global => slash = true,
                ("=+$" | "=*$" | "={1,2}$", "") => pad = true,
                ("=" | "=+", "") if global => pad = true,
                _ => return None,
            }
            inner = target;
        }
        if !(plus && slash && pad) {
            return None;
        }
        if let Some(n) = base64_of_random(inner) {
            return Some(format!("random_bytes({n}, \"base64url\")"));
        }
        let base64 = self.jinja(inner)?;
        let (digest, filter) = base64.strip_suffix("(\"base64\"))")?.rsplit_once(" | ")?;
        let known = FUNCTIONS
            .iter()
            .any(|(_, f)| *f == filter && !f.starts_with("hmac_"));
        known.then(|| format!("{digest} | {filter}(\"base64url\"))"))
    }

    /// `CryptoJS.SHA256(text)` or `CryptoJS.HmacSHA256(text, key)`, written in `encoding`.
    fn digest_of(&self, e: &Expr, encoding: &str) -> Option<String> {
        if let Some(n) = random_words(e) {
            return Some(format!("random_bytes({n}, {encoding:?})"));
        }
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let name = path(callee)?;
        let (_, filter) = FUNCTIONS.iter().find(|(f, _)| *f == name)?;
        let text = |x: &Expr| -> Option<String> {
            Some(format!("({} | string)", self.jinja(utf8_words(x))?))
        };
        let written = match encoding {
            "hex" => String::new(),
            other => format!(", {other:?}"),
        };
        match (filter.starts_with("hmac_"), args.as_slice()) {
            (false, [x]) => Some(match written.is_empty() {
                true => format!("({} | {filter})", text(x)?),
                false => format!("({} | {filter}({:?}))", text(x)?, encoding),
            }),
            (true, [x, key]) => Some(format!(
                "({} | {filter}({}{written}))",
                text(x)?,
                text(key)?
            )),
            _ => None,
        }
    }
}

/// `CryptoJS.lib.WordArray.random(32)`: how many random bytes (1 to 256).
fn random_words(e: &Expr) -> Option<usize> {
    let Expr::Call(callee, args) = e else {
        return None;
    };
    match (path(callee).as_deref()?, args.as_slice()) {
        ("CryptoJS.lib.WordArray.random", [Expr::Num(n)])
            if n.fract() == 0.0 && (1.0..=256.0).contains(n) =>
        {
            Some(*n as usize)
        }
        _ => None,
    }
}

/// The random bytes of `x.toString(CryptoJS.enc.Base64)` or `CryptoJS.enc.Base64.stringify(x)`.
fn base64_of_random(e: &Expr) -> Option<usize> {
    let Expr::Call(callee, args) = e else {
        return None;
    };
    match (&**callee, args.as_slice()) {
        (Expr::Member(x, m), [enc]) if m == "toString" && encoding(enc) == Some("base64") => {
            random_words(x)
        }
        (c, [x]) if path(c).as_deref() == Some("CryptoJS.enc.Base64.stringify") => random_words(x),
        _ => None,
    }
}

/// Whether `e` calls one of CryptoJS's hash functions or HMACs, or makes random bytes: bytes
/// whose `toString()` is hex text.
pub(super) fn is_digest(e: &Expr) -> bool {
    random_words(e).is_some()
        || matches!(e, Expr::Call(c, _) if path(c).is_some_and(|p| FUNCTIONS.iter().any(|(f, _)| *f == p)))
}

/// `CryptoJS.enc.Utf8.parse(x)` is the bytes of `x`, as a string argument is.
fn utf8_words(e: &Expr) -> &Expr {
    match e {
        Expr::Call(c, a)
            if a.len() == 1 && path(c).as_deref() == Some("CryptoJS.enc.Utf8.parse") =>
        {
            &a[0]
        }
        _ => e,
    }
}

/// The filter argument for `CryptoJS.enc.Hex` or `CryptoJS.enc.Base64`.
fn encoding(e: &Expr) -> Option<&'static str> {
    match path(e).as_deref()? {
        "CryptoJS.enc.Hex" => Some("hex"),
        "CryptoJS.enc.Base64" => Some("base64"),
        _ => None,
    }
}
