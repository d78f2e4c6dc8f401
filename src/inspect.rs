//! `yarc vars` and `yarc token`: look at what a run would use before running it. Variables
//! with their values (secrets masked) and where each comes from; a token fetched with the
//! collection's auth, described, masked unless `--show`.

use crate::auth::{TokenCache, token_client};
use crate::cli::{self, EXIT_INCOMPLETE, EXIT_INVALID, EXIT_OK, Prepared, TokenArgs, VarsArgs};
use crate::model::AuthSpec;
use crate::model::Template;
use crate::plan::{Selection, VarSource};
use crate::secret::MASK;
use crate::template::literal_secret_names;
use serde_json::Value;
use std::time::Duration;

fn source_name(s: VarSource) -> &'static str {
    match s {
        VarSource::Builtin => "built-in",
        VarSource::Collection => "collection",
        VarSource::Group => "group",
        VarSource::Environment => "environment",
        VarSource::VarFile => "--var-file",
        VarSource::CommandLine => "--var",
    }
}

pub async fn vars(a: VarsArgs) -> i32 {
    let rows = match &a.data {
        Some(path) => match crate::data::load(path) {
            Ok(rows) => Some(rows),
            Err(d) => return cli::invalid(&d.into()),
        },
        None => None,
    };
    let Prepared {
        plan,
        redactor,
        sandbox: _sandbox,
        ..
    } = match cli::prepare(&a.inputs, rows.as_deref(), Selection::default()).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut out = String::new();
    for c in &plan.collections {
        out.push_str(&format!("{} — {}\n", c.shown_path, c.name));
        let mut lines: Vec<[String; 3]> = Vec::new();
        for info in &c.var_info {
            let value = c.scope.base.get(&info.name).cloned().unwrap_or(Value::Null);
            let shown = redactor.redact(&show(&value));
            let mut source = source_name(info.source).to_string();
            if let Some(span) = &info.span {
                source.push_str(&format!(" {span}"));
            }
            if let Value::String(raw) = &info.raw {
                let names = literal_secret_names(&Template::new(
                    raw.clone(),
                    info.span.as_ref().unwrap_or(&c_span(c)),
                ));
                for n in names {
                    let from = plan.secrets.origin(&n).unwrap_or_else(|| "not set".into());
                    source.push_str(&format!(", secret {n} from {from}"));
                }
            }
            if !info.overrides.is_empty() {
                let over: Vec<&str> = info.overrides.iter().map(|s| source_name(*s)).collect();
                source.push_str(&format!(" (overrides {})", over.join(", ")));
            }
            lines.push([info.name.clone(), shown, source]);
        }
        if let Some(row) = rows.as_ref().and_then(|r| r.first()) {
            let total = rows.as_ref().map_or(0, Vec::len);
            for (k, v) in row {
                lines.push([
                    k.clone(),
                    redactor.redact(&show(v)),
                    format!(
                        "data row 1 of {total} (above the environment, below --var-file and --var)"
                    ),
                ]);
            }
        }
        let w0 = lines
            .iter()
            .map(|l| l[0].chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        let w1 = lines
            .iter()
            .map(|l| l[1].chars().count().min(60))
            .max()
            .unwrap_or(5)
            .max(5);
        out.push_str(&format!("  {:<w0$}  {:<w1$}  SOURCE\n", "NAME", "VALUE"));
        for [n, v, s] in lines {
            out.push_str(&format!("  {n:<w0$}  {v:<w1$}  {s}\n"));
        }
        out.push('\n');
    }
    out.push_str("Captured values are added during a run, above all of these.\n");
    print!("{out}");
    EXIT_OK
}

fn c_span(c: &crate::plan::PlannedCollection) -> crate::source::Span {
    crate::source::Span::file_start(&crate::source::SourceFile::new(c.shown_path.clone(), ""))
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub async fn token(a: TokenArgs) -> i32 {
    let Prepared {
        plan,
        redactor,
        net,
        sandbox: _sandbox,
    } = match cli::prepare(&a.inputs, None, Selection::default()).await {
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
        return EXIT_INVALID;
    };
    let Some(AuthSpec::OAuth2(spec)) = &pr.auth else {
        return EXIT_INVALID;
    };
    let tr = match crate::run::render::token_request(spec, &plan.templates, &pr.scope.base) {
        Ok(t) => t,
        Err(d) => return cli::invalid(&d.into()),
    };
    let client = match crate::net::Net::new(&net).and_then(|n| token_client(&n)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_INCOMPLETE;
        }
    };
    let cache = TokenCache::with(
        a.timeout,
        cli::token_cache_dir(&a.inputs).map(crate::token_store::TokenStore::new),
        a.inputs.max_token_body,
    );
    let url = match cache.token_url(&client, &tr.endpoint, &redactor).await {
        Ok(u) => u,
        Err(e) => {
            eprintln!(
                "error: {}",
                crate::untrusted::visible(&redactor.clip(&e, 4_000))
            );
            return EXIT_INCOMPLETE;
        }
    };
    let token = match cache.token(&client, &tr, None, &redactor).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: {}",
                crate::untrusted::visible(&redactor.clip(&e, 4_000))
            );
            return EXIT_INCOMPLETE;
        }
    };
    if a.show {
        println!("{}", token.access_token);
        return EXIT_OK;
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
    EXIT_OK
}
