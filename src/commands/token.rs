//! `yarc token`: fetches a token with a collection's OAuth2 block and describes it (masked
//! unless `--show`, which prints only the token, for piping).

use super::args::Inputs;
use super::{invalid, lower, prepare};
use crate::auth::{TokenCache, token_client};
use crate::clock::Clock;
use crate::model::AuthSpec;
use crate::outcome::{Exit, RunError};
use crate::plan::Selection;
use crate::secret::MASK;
use crate::session::{Prepared, Purpose};
use clap::Args;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Use the auth of this request (name or `group / name`) instead of the first OAuth2 block.
    #[arg(long, value_name = "NAME")]
    pub request: Option<String>,
    /// Print only the raw access token, for piping into other tools.
    #[arg(long)]
    pub show: bool,
    /// Timeout of the token request.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub timeout: Duration,
}

pub async fn execute(a: TokenArgs, clock: Clock) -> i32 {
    let config = match lower(&a.inputs, None, Selection::default(), Purpose::Send, clock) {
        Ok(c) => c,
        Err(d) => return invalid(&d),
    };
    let Prepared {
        plan,
        redactor,
        net,
        sandbox: _sandbox,
        ..
    } = match prepare(&config).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    let tr = match token_request(&plan, a.request.as_deref()) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let client = match crate::net::Net::new(&net).and_then(|n| token_client(&n)) {
        Ok(c) => c,
        Err(e) => {
            crate::errln!("error: {e}");
            return e.exit().code();
        }
    };
    let store = config
        .token_cache
        .clone()
        .map(crate::token_store::TokenStore::new);
    let cache = TokenCache::with(a.timeout, store, config.max_token_body);
    let failed = |e: RunError| {
        let text = redactor.clip(&e.to_string(), 4_000);
        crate::errln!("error: {}", crate::untrusted::visible(&text));
        e.exit().code()
    };
    let url = match cache.token_url(&client, &tr.endpoint, &redactor).await {
        Ok(u) => u,
        Err(e) => return failed(e),
    };
    if let Some((_, warning)) = crate::auth::plain_http_warning(&url, "token endpoint") {
        crate::errln!("{warning}");
    }
    let token = match cache.token(&client, &tr, None, &redactor).await {
        Ok(t) => t,
        Err(e) => return failed(e),
    };
    if a.show {
        crate::outln!("{}", token.access_token);
    } else {
        // The scope and token type come from the server: shown, never executed.
        let text = describe(&url, &tr, &token);
        crate::out!("{}", crate::untrusted::visible(&redactor.redact(&text)));
    }
    Exit::Ok.code()
}

/// The rendered token request of the named request's oauth2 block (or the first one's).
fn token_request(
    plan: &crate::plan::Plan,
    request: Option<&str>,
) -> Result<crate::auth::TokenRequest, i32> {
    let found = plan.collections.iter().flat_map(|c| &c.requests).find(|r| {
        matches!(r.auth, Some(AuthSpec::OAuth2(_)))
            && request.is_none_or(|n| n == r.req.name || n == r.full_name())
    });
    let Some(pr) = found else {
        let what = match request {
            Some(n) => format!("request `{n}` has no oauth2 auth block"),
            None => "no request in these collections uses an oauth2 auth block".to_string(),
        };
        crate::errln!("error: {what}");
        return Err(Exit::Invalid.code());
    };
    let Some(AuthSpec::OAuth2(spec)) = &pr.auth else {
        return Err(Exit::Invalid.code());
    };
    crate::run::render::token_request(spec, &plan.templates, &pr.scope.base)
        .map_err(|d| invalid(&d.into()))
}

/// The token described, without the token itself.
fn describe(url: &str, tr: &crate::auth::TokenRequest, token: &crate::auth::Token) -> String {
    let expiry = match token.expires_in {
        Some(s) => format!(
            "{s} s ({})",
            humantime::format_duration(Duration::from_secs(s))
        ),
        None => "not given (the token is renewed only after a 401)".to_string(),
    };
    let asked = tr.scope.as_deref().filter(|s| !s.is_empty());
    [
        format!("token endpoint  {url}"),
        format!("client id       {}", tr.client_id),
        format!("scope asked     {}", asked.unwrap_or("(none)")),
        format!(
            "scope granted   {}",
            token.scope.as_deref().unwrap_or("(not said)")
        ),
        format!("token type      {}", token.token_type),
        format!("expires in      {expiry}"),
        format!(
            "access token    {MASK} ({} characters; --show prints it)",
            token.access_token.chars().count()
        ),
        String::new(),
    ]
    .join("\n")
}
