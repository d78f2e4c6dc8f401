//! Digests and HMACs for templates that sign a request (`{{ text | hmac_sha256(key) }}`), as
//! APIs that sign their query or body ask, and as Postman scripts compute with CryptoJS.
//! Pure functions: text in, text out.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Digest;

/// The hash functions the template filters offer, by filter name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

/// How a digest is written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Lowercase hexadecimal, what CryptoJS's `toString()` writes.
    Hex,
    /// Standard base64 with padding (`CryptoJS.enc.Base64`).
    Base64,
    /// URL-safe base64 without padding (RFC 4648 §5; PKCE's `code_challenge`).
    Base64Url,
}

impl Encoding {
    /// The encoding a filter's argument names; `None` for a name it does not know.
    pub fn named(name: &str) -> Option<Encoding> {
        match name {
            "hex" => Some(Encoding::Hex),
            "base64" => Some(Encoding::Base64),
            "base64url" => Some(Encoding::Base64Url),
            _ => None,
        }
    }

    /// Every name [`Encoding::named`] knows, for an error message.
    pub const NAMES: &'static str = "\"hex\" (the default), \"base64\" or \"base64url\"";
}

/// The digest of `data`.
pub fn digest(algorithm: Algorithm, data: &[u8]) -> Vec<u8> {
    match algorithm {
        Algorithm::Md5 => md5::Md5::digest(data).to_vec(),
        Algorithm::Sha1 => sha1::Sha1::digest(data).to_vec(),
        Algorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
        Algorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
        Algorithm::Sha512 => sha2::Sha512::digest(data).to_vec(),
    }
}

/// The HMAC of `data` under `key` (RFC 2104).
pub fn hmac(algorithm: Algorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    fn keyed<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
        let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
    match algorithm {
        Algorithm::Md5 => keyed::<Hmac<md5::Md5>>(key, data),
        Algorithm::Sha1 => keyed::<Hmac<sha1::Sha1>>(key, data),
        Algorithm::Sha256 => keyed::<Hmac<sha2::Sha256>>(key, data),
        Algorithm::Sha384 => keyed::<Hmac<sha2::Sha384>>(key, data),
        Algorithm::Sha512 => keyed::<Hmac<sha2::Sha512>>(key, data),
    }
}

/// `bytes` written as text.
pub fn encode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Hex => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(bytes),
        Encoding::Base64Url => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
    }
}

/// Why [`jwt_hmac`] made no token.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JwtError {
    #[error(
        "no JWT algorithm `{0}`: HS256, HS384 or HS512 (keys of other kinds are not supported)"
    )]
    Algorithm(String),
    #[error("the JWT header is no JSON object: {0}")]
    Header(String),
}

/// A JSON Web Token signed with an HMAC (RFC 7519, JWS compact form): `alg` is `HS256`,
/// `HS384` or `HS512`; `header` the header's other members as JSON (`{"typ":"JWT"}`), to
/// which `alg` is added or set; `claims` the payload as JSON text, written as given.
pub fn jwt_hmac(alg: &str, header: &str, claims: &str, key: &[u8]) -> Result<String, JwtError> {
    let algorithm = match alg {
        "HS256" => Algorithm::Sha256,
        "HS384" => Algorithm::Sha384,
        "HS512" => Algorithm::Sha512,
        other => return Err(JwtError::Algorithm(other.to_string())),
    };
    let mut members: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(header).map_err(|e| JwtError::Header(e.to_string()))?;
    members.insert("alg".into(), alg.into());
    let header = serde_json::Value::Object(members).to_string();
    let part = |text: &str| encode(text.as_bytes(), Encoding::Base64Url);
    let signed = format!("{}.{}", part(&header), part(claims));
    let signature = encode(
        &hmac(algorithm, key, signed.as_bytes()),
        Encoding::Base64Url,
    );
    Ok(format!("{signed}.{signature}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(algorithm: Algorithm, text: &str) -> String {
        encode(&digest(algorithm, text.as_bytes()), Encoding::Hex)
    }

    #[test]
    fn digests_match_the_published_test_vectors() {
        assert_eq!(
            hex(Algorithm::Md5, "abc"),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            hex(Algorithm::Sha1, "abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(Algorithm::Sha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(hex(Algorithm::Sha512, "abc").starts_with("ddaf35a193617aba"));
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac(Algorithm::Sha256, b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            encode(&mac, Encoding::Hex),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            encode(&mac, Encoding::Base64),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
        );
    }

    #[test]
    fn base64url_is_rfc_7636_s_code_challenge() {
        // RFC 7636, appendix B.
        let challenge = digest(
            Algorithm::Sha256,
            b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        );
        assert_eq!(
            encode(&challenge, Encoding::Base64Url),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn a_jwt_is_signed_as_rfc_7515_appendix_a_1_signs_it() {
        // RFC 7515 A.1's payload and key; its header is written with a line break there,
        // so the signature differs: checked against the same HMAC made by hand instead.
        let claims = r#"{"iss":"joe","exp":1300819380,"http://example.com/is_root":true}"#;
        let token = jwt_hmac("HS256", r#"{"typ":"JWT"}"#, claims, b"k3y").expect("signed");
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |p: &str| {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p);
            String::from_utf8(bytes.expect("base64url")).expect("utf-8")
        };
        assert_eq!(decode(parts[0]), r#"{"alg":"HS256","typ":"JWT"}"#);
        assert_eq!(decode(parts[1]), claims);
        let mac = hmac(
            Algorithm::Sha256,
            b"k3y",
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
        );
        assert_eq!(parts[2], encode(&mac, Encoding::Base64Url));
        assert!(jwt_hmac("HS384", "{}", "{}", b"k").is_ok());
        assert!(
            jwt_hmac("RS256", "{}", "{}", b"k").is_err_and(|e| e.to_string().contains("HS256"))
        );
        assert!(jwt_hmac("HS256", "[1]", "{}", b"k").is_err());
    }
}
