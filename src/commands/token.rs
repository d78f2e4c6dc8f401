//! `yarc token`: fetches a token with a collection's OAuth2 block and describes it (masked
//! unless `--show`, which prints only the token, for piping).

use super::args::Inputs;
use super::{invalid, lower, prepare};
use crate::auth::{TokenCache, token_client};
use crate::model::AuthSpec;
use crate::outcome::Exit;
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

pub async fn execute(a: TokenArgs) -> i32 {
    let config = match lower(&a.inputs, None, Selection::default(), Purpose::Send) {
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
    let found = plan.collections.iter().flat_map(|c| &c.requests).find(|r| {
        matches!(r.auth, Some(AuthSpec::OAuth2(_)))
            && a.request
                .as_ref()
                .is_none_or(|n| *n == r.req.name || *n == r.full_name())
    });
    let Some(pr) = found else {
        let what = match &a.request {
            Some(n) => format!("request `{n}` has no oauth2 auth block"),
            None => "no request in these collections uses an oauth2 auth block".to_string(),
        };
        eprintln!("error: {what}");
        return Exit::Invalid.code();
    };
    let Some(AuthSpec::OAuth2(spec)) = &pr.auth else {
        return Exit::Invalid.code();
    };
    let tr = match crate::run::render::token_request(spec, &plan.templates, &pr.scope.base) {
        Ok(t) => t,
        Err(d) => return invalid(&d.into()),
    };
    let client = match crate::net::Net::new(&net).and_then(|n| token_client(&n)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return e.exit().code();
        }
    };
    let cache = TokenCache::with(
        a.timeout,
        config
            .token_cache
            .clone()
            .map(crate::token_store::TokenStore::new),
        config.max_token_body,
    );
    let url = match cache.token_url(&client, &tr.endpoint, &redactor).await {
        Ok(u) => u,
        Err(e) => {
            eprintln!(
                "error: {}",
                crate::untrusted::visible(&redactor.clip(&e.to_string(), 4_000))
            );
            return e.exit().code();
        }
    };
    if let Some((_, warning)) = crate::auth::plain_http_warning(&url, "token endpoint") {
        eprintln!("{warning}");
    }
    let token = match cache.token(&client, &tr, None, &redactor).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: {}",
                crate::untrusted::visible(&redactor.clip(&e.to_string(), 4_000))
            );
            return e.exit().code();
        }
    };
    if a.show {
        println!("{}", token.access_token);
        return Exit::Ok.code();
    }
    let expiry = match token.expires_in {
        Some(s) => format!(
            "{s} s ({})",
            humantime::format_duration(Duration::from_secs(s))
        ),
        None => "not given (the token is renewed only after a 401)".to_string(),
    };
    let mut out = String::new();
    out.push_str(&format!("token endpoint  {url}\n"));
    out.push_str(&format!(
        "client id       {}\n",
        redactor.redact(&tr.client_id)
    ));
    out.push_str(&format!(
        "scope asked     {}\n",
        tr.scope
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("(none)")
    ));
    out.push_str(&format!(
        "scope granted   {}\n",
        token.scope.as_deref().unwrap_or("(not said)")
    ));
    out.push_str(&format!("token type      {}\n", token.token_type));
    out.push_str(&format!("expires in      {expiry}\n"));
    out.push_str(&format!(
        "access token    {MASK} ({} characters; --show prints it)\n",
        token.access_token.chars().count()
    ));
    // The scope and token type come from the server: shown, never executed.
    print!("{}", crate::untrusted::visible(&redactor.redact(&out)));
    Exit::Ok.code()
}
