//! The cookie jar of a collection run: reqwest's, except that a cookie whose `Domain=` is a
//! public suffix (`co.uk`, `github.io`) is dropped, as browsers drop it (RFC 6265 §5.3, step 5).
//! Without that, one site under a shared suffix could set cookies every other site under it
//! receives — a stranger's server fixing the session of the API a collection calls next.

use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::HeaderValue;

#[derive(Default)]
pub struct CookieJar {
    inner: Jar,
}

impl CookieStore for CookieJar {
    fn set_cookies(&self, headers: &mut dyn Iterator<Item = &HeaderValue>, url: &url::Url) {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let mut kept = headers.filter(|h| !for_a_public_suffix(h, &host));
        self.inner.set_cookies(&mut kept, url);
    }

    fn cookies(&self, url: &url::Url) -> Option<HeaderValue> {
        self.inner.cookies(url)
    }
}

/// Whether a `Set-Cookie` value names a public suffix as its domain (one the list knows; a
/// suffix a server names as itself is its own host-only cookie and stays).
fn for_a_public_suffix(header: &HeaderValue, host: &str) -> bool {
    let Some(domain) = header
        .to_str()
        .ok()
        .and_then(|text| cookie::Cookie::parse(text).ok())
        .and_then(|c| {
            c.domain()
                .map(|d| d.trim_start_matches('.').to_ascii_lowercase())
        })
    else {
        return false;
    };
    domain != host
        && psl::suffix(domain.as_bytes())
            .is_some_and(|s| s.is_known() && s.as_bytes() == domain.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(set_by: &str, cookie: &str, asked_by: &str) -> Option<String> {
        let jar = CookieJar::default();
        let header = HeaderValue::from_str(cookie).unwrap();
        jar.set_cookies(&mut [&header].into_iter(), &set_by.parse().unwrap());
        jar.cookies(&asked_by.parse().unwrap())
            .map(|h| h.to_str().unwrap().to_string())
    }

    #[test]
    fn a_cookie_for_a_public_suffix_is_dropped() {
        for (host, suffix) in [
            ("https://evil.github.io/", "github.io"),
            ("https://evil.co.uk/", ".co.uk"),
            ("https://evil.example.com/", "com"),
            ("https://a.b.azurewebsites.net/", "AzureWebsites.NET"),
        ] {
            let cookie = format!("session=fixed; Domain={suffix}; Path=/");
            let victim = host.replacen("evil", "victim", 1);
            assert_eq!(after(host, &cookie, &victim), None, "{cookie} from {host}");
            assert_eq!(after(host, &cookie, host), None, "{cookie} from {host}");
        }
    }

    #[test]
    fn a_cookie_for_a_registrable_domain_or_its_own_host_stays() {
        let shared = "s=1; Domain=example.co.uk; Path=/";
        let got = after(
            "https://api.example.co.uk/",
            shared,
            "https://www.example.co.uk/",
        );
        assert_eq!(got.as_deref(), Some("s=1"));
        let own = "s=2; Domain=github.io; Path=/";
        let got = after("https://github.io/", own, "https://github.io/x");
        assert_eq!(got.as_deref(), Some("s=2"));
        let plain = "s=3; Path=/";
        let got = after("http://127.0.0.1:8080/", plain, "http://127.0.0.1:8080/");
        assert_eq!(got.as_deref(), Some("s=3"));
        // An intranet name the list does not know is no public suffix.
        let corp = "s=4; Domain=corp; Path=/";
        let got = after("https://api.corp/", corp, "https://api.corp/");
        assert_eq!(got.as_deref(), Some("s=4"));
    }
}
