//! The opt-in persisted token cache (`--token-cache`), for local loops against rate-limited
//! token endpoints: tokens in the user's cache folder, owner-only, one file per hash of the
//! token request (the secret included, so a rotated secret never reuses an old token), read
//! only while the token is still valid. Nothing is written unless asked for.

use crate::auth::{Token, TokenRequest};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone)]
pub struct TokenStore {
    dir: PathBuf,
}

impl TokenStore {
    pub fn new(dir: PathBuf) -> TokenStore {
        TokenStore { dir }
    }

    /// `$YARC_CACHE_DIR`, else the platform's cache directory + `yarc` (`$XDG_CACHE_HOME` or
    /// `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows); tokens go
    /// in `tokens/`.
    pub fn default_dir() -> Option<PathBuf> {
        let base = std::env::var_os("YARC_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| dirs::cache_dir().map(|d| d.join("yarc")))?;
        Some(base.join("tokens"))
    }

    fn file(&self, req: &TokenRequest, url: &str) -> PathBuf {
        let mut params = req.params.clone();
        params.sort();
        let mut h = Sha256::new();
        let (user, password) = req
            .user
            .as_ref()
            .map_or(("", ""), |(u, p)| (u.as_str(), p.as_str()));
        for part in [
            url,
            &req.client_id,
            &req.client_secret,
            req.scope.as_deref().unwrap_or(""),
            user,
            password,
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        for (k, v) in &params {
            h.update(k.as_bytes());
            h.update([b'=']);
            h.update(v.as_bytes());
            h.update([0]);
        }
        let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.json"))
    }

    pub fn load(&self, req: &TokenRequest, url: &str) -> Option<Token> {
        let text = std::fs::read_to_string(self.file(req, url)).ok()?;
        let v: Value = serde_json::from_str(&text).ok()?;
        let renew_unix = v.get("renew_at_unix")?.as_u64()?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
        if renew_unix <= now {
            return None;
        }
        Some(Token {
            access_token: v.get("access_token")?.as_str()?.to_string(),
            token_type: v
                .get("token_type")
                .and_then(Value::as_str)
                .unwrap_or("Bearer")
                .to_string(),
            scope: v.get("scope").and_then(Value::as_str).map(str::to_string),
            expires_in: v.get("expires_in").and_then(Value::as_u64),
            renew_at: Instant::now().checked_add(Duration::from_secs(renew_unix - now)),
        })
    }

    /// Saves a token whose lifetime is known; failures only cost a later token request.
    pub fn save(&self, req: &TokenRequest, url: &str, token: &Token) {
        let Some(renew_at) = token.renew_at else {
            return;
        };
        let left = renew_at.saturating_duration_since(Instant::now()).as_secs();
        let Ok(now) = SystemTime::now().duration_since(UNIX_EPOCH) else {
            return;
        };
        let doc = json!({
            "access_token": token.access_token,
            "token_type": token.token_type,
            "scope": token.scope,
            "expires_in": token.expires_in,
            "renew_at_unix": now.as_secs() + left,
        });
        let _ = write_private(&self.dir, &self.file(req, url), &doc.to_string());
    }
}

/// Writes a file only its owner can read, in a folder only its owner can enter.
fn write_private(dir: &Path, path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension("tmp");
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
    }
    #[cfg(not(unix))]
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}
