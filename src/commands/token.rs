//! `yarc token`: fetches a token with a collection's OAuth2 block and describes it (masked
//! unless `--show`, which prints only the token, for piping).

use super::args::Inputs;
use super::{CommandError, lower, prepare};
use crate::auth::{TokenCache, TokenRequest, token_client};
use crate::clock::Clock;
use crate::model::AuthSpec;
use crate::outcome::{Exit, RunError};
use crate::plan::Selection;
use crate::secret::{MASK, Redactor};
use crate::session::{Prepared, Purpose};
use clap::Args;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(flatten)]
    pub inputs: Inputs,
    /// Use the auth of this request (name or `group / name`) instead of every distinct OAuth2 block.
    #[arg(long, value_name = "NAME", add = clap_complete::engine::ArgValueCompleter::new(super::shell::requests))]
    pub request: Option<String>,
    /// Print only the raw access token, for piping into other tools.
    #[arg(long)]
    pub show: bool,
    /// Timeout of the token request.
    #[arg(long, value_parser = humantime::parse_duration, default_value = "30s")]
    pub timeout: Duration,
}

pub(crate) async fn execute(a: TokenArgs, clock: Clock) -> super::Outcome {
    let config = lower(&a.inputs, None, Selection::default(), Purpose::Send, clock)?;
    let Prepared {
        plan,
        redactor,
        net,
        sandbox: _sandbox,
        ..
    } = prepare(&config).await?;
    let blocks = token_requests(&plan, a.request.as_deref())?;
    if a.show && blocks.len() > 1 {
        let names: Vec<String> = blocks.iter().map(|b| format!("`{}`", b.users[0])).collect();
        return Err(CommandError::stopped(
            format!(
                "--show prints one token, and these collections use {} different oauth2 blocks: name one with --request ({})",
                blocks.len(),
                names.join(", ")
            ),
            Exit::Invalid,
        ));
    }
    let client = crate::http::net::Net::new(&net).and_then(|n| token_client(&n))?;
    let store = config
        .token_cache
        .clone()
        .map(crate::auth::token_store::TokenStore::new);
    let cache = TokenCache::with(a.timeout, store, config.max_token_body);
    let mut exit = Exit::Ok;
    for (i, block) in blocks.iter().enumerate() {
        if blocks.len() > 1 {
            let more = match block.users.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            let heading = format!(
                "auth block {} of {}, used by `{}`{more}\n",
                i + 1,
                blocks.len(),
                block.users[0]
            );
            crate::out!(
                "{}{}",
                if i > 0 { "\n" } else { "" },
                crate::untrusted::visible(&redactor.redact(&heading))
            );
        }
        if let Err(e) = fetch_and_describe(&cache, &client, &block.request, &redactor, a.show).await
        {
            let text = redactor.clip(&e.to_string(), 4_000);
            crate::errln!("error: {}", crate::untrusted::visible(&text));
            if exit == Exit::Ok {
                exit = e.exit();
            }
        }
    }
    Ok(exit)
}

/// Fetches one token and prints it (`--show`) or its description.
async fn fetch_and_describe(
    cache: &TokenCache,
    client: &crate::auth::TokenClient,
    tr: &TokenRequest,
    redactor: &Redactor,
    show: bool,
) -> Result<(), RunError> {
    let url = cache.token_url(client, &tr.endpoint, redactor).await?;
    if let Some((_, warning)) = crate::auth::plain_http_warning(&url, "token endpoint") {
        crate::errln!("{warning}");
    }
    let token = cache.token(client, tr, None, redactor).await?;
    if show {
        crate::outln!("{}", token.access_token);
    } else {
        // The scope and token type come from the server: shown, never executed.
        let text = describe(&url, tr, &token);
        crate::out!("{}", crate::untrusted::visible(&redactor.redact(&text)));
    }
    Ok(())
}

/// One distinct oauth2 block (same endpoint, client, scope and parameters) and the requests
/// that use it, in collection order.
struct Block {
    request: TokenRequest,
    users: Vec<String>,
}

/// The rendered token requests of the named request's oauth2 block, or of every distinct block
/// of the collections (a folder whose files use two clients describes both).
fn token_requests(
    plan: &crate::plan::Plan,
    request: Option<&str>,
) -> Result<Vec<Block>, CommandError> {
    let mut blocks: Vec<Block> = Vec::new();
    let chosen = plan
        .collections
        .iter()
        .flat_map(|c| &c.requests)
        .filter(|r| {
            matches!(r.auth.as_deref(), Some(AuthSpec::OAuth2(_)))
                && request.is_none_or(|n| n == r.req.name || n == r.full_name())
        });
    for pr in chosen {
        let Some(AuthSpec::OAuth2(spec)) = pr.auth.as_deref() else {
            continue;
        };
        let tr = crate::run::render::token_request(spec, &plan.templates, &pr.scope.base)?;
        match blocks.iter_mut().find(|b| b.request.key() == tr.key()) {
            Some(b) => b.users.push(pr.full_name()),
            None => blocks.push(Block {
                request: tr,
                users: vec![pr.full_name()],
            }),
        }
        if request.is_some() {
            break;
        }
    }
    if blocks.is_empty() {
        let what = match request {
            Some(n) => format!("request `{n}` has no oauth2 auth block"),
            None => "no request in these collections uses an oauth2 auth block".to_string(),
        };
        return Err(CommandError::stopped(what, Exit::Invalid));
    }
    Ok(blocks)
}

/// The token described, without the token itself.
fn describe(url: &str, tr: &TokenRequest, token: &crate::auth::Token) -> String {
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
        claims(&token.access_token),
        String::new(),
    ]
    .join("\n")
}

/// The token's claims, read from it (a JWT) without verifying it; never the token itself.
fn claims(token: &str) -> String {
    use crate::auth::claims::{Read, read};
    let Read::Jwt(c) = read(token) else {
        return "claims          none: the token is opaque (not a JWT), only its issuer knows what it carries".into();
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let mut out = vec!["claims          (read from the token, not verified)".to_string()];
    out.extend(
        c.lines(now)
            .into_iter()
            .map(|(label, v)| format!("  {label:<14}{v}")),
    );
    out.join("\n")
}
