//! Token helpers vendors ship inside their collections. PayPal's collections `eval` a script
//! kept in a collection variable (`paypal_postman_scripts`) and call
//! `PayPalPostmanUtils.refreshAccessToken({ accessTokenVar, clientIdVar, clientSecretVar,
//! baseUrlVar })` from the collection's pre-request script when the token is missing or old.
//! The helper posts `grant_type=client_credentials` to `<base_url>/v1/oauth2/token` with the
//! client's id and secret as HTTP Basic auth and keeps the token in `accessTokenVar` — what an
//! `oauth2` block with `credentials: basic` does, renewal included.

use super::js::{Expr, Stmt, StmtKind};
use super::{Converter, Done, Phase, path};
use crate::import::yaml_out::Y;
use std::collections::HashMap;

/// The helper calls that renew a token, by the last two names of their path.
const REFRESH_CALLS: &[&str] = &["PayPalPostmanUtils.refreshAccessToken"];

/// The helper's own bookkeeping, which decides nothing on the wire (`needsNewAccessToken`
/// only asks whether to renew, which yarc decides itself).
const BOOKKEEPING_CALLS: &[&str] = &[
    "PayPalPostmanUtils.needsNewAccessToken",
    "PayPalPostmanUtils.getPayPalDebugId",
    "PayPalPostmanUtils.isSandbox",
];

impl Converter {
    /// `if (Utils.needsNewAccessToken(cfg)) { Utils.refreshAccessToken({...cfg, ...}) }`, or
    /// the refresh alone: the `oauth2` block.
    pub(super) fn helper_renewal(&mut self, s: &Stmt) -> Option<Done> {
        if self.phase != Phase::PreRequest || self.out.oauth2.is_some() {
            return None;
        }
        let call = match &s.kind {
            StmtKind::Expr(e) => e,
            StmtKind::If(cond, then, otherwise)
                if otherwise.is_empty() && helper_call(cond, BOOKKEEPING_CALLS) =>
            {
                match then.as_slice() {
                    [
                        Stmt {
                            kind: StmtKind::Expr(e),
                            ..
                        },
                    ] => e,
                    _ => return None,
                }
            }
            _ => return None,
        };
        if !helper_call(call, REFRESH_CALLS) {
            return None;
        }
        let Expr::Call(_, args) = call else {
            return None;
        };
        let config = self.spread(args.first()?)?;
        let name = |k: &str| match config.get(k) {
            Some(Expr::Str(v)) if !v.is_empty() => Some(super::var_ref(v)),
            _ => None,
        };
        let Y::Str(base) = name("baseUrlVar")? else {
            return None;
        };
        let mut o = Y::map();
        o.set("token_url", Y::str(format!("{base}/v1/oauth2/token")));
        o.set("client_id", name("clientIdVar")?);
        o.set("client_secret", name("clientSecretVar")?);
        o.set("credentials", Y::str("basic"));
        let Some(Expr::Str(token)) = config.get("accessTokenVar") else {
            return None;
        };
        self.out.sets_seen += 1;
        self.out.variables_set += 1;
        self.out.oauth2 = Some((Y::Map(vec![("oauth2".into(), o)]), token.clone()));
        self.helpers_loaded();
        Some(Done::Converted)
    }

    /// `Utils.getPayPalDebugId()` and the like, alone or bound to a name: nothing on the wire.
    pub(super) fn helper_bookkeeping(&self, e: &Expr) -> bool {
        self.out.oauth2.is_some() && helper_call(e, BOOKKEEPING_CALLS)
    }

    /// The object a helper is given, its `...spread` names read from earlier `const`s.
    fn spread(&self, e: &Expr) -> Option<HashMap<String, Expr>> {
        let fields = match e {
            Expr::Object(f) => f,
            Expr::Ident(n) => match self.objects.get(n) {
                Some(Expr::Object(f)) => f,
                _ => return None,
            },
            _ => return None,
        };
        let mut out = HashMap::new();
        for (k, v) in fields {
            match k.as_str() {
                "..." => out.extend(self.spread(v)?),
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
        Some(out)
    }

    /// The `eval(pm.collectionVariables.get("paypal_postman_scripts"))` that loaded the helper
    /// is part of the conversion once the helper's renewal is.
    fn helpers_loaded(&mut self) {
        let loads: Vec<(usize, String)> = self
            .reasons
            .keys()
            .filter_map(|l| {
                let line = self.lines.get(l.wrapping_sub(1))?;
                Some((*l, evaluated_variable(line.trim())?))
            })
            .collect();
        for (l, name) in loads {
            self.reasons.remove(&l);
            self.converted.insert(l);
            self.out.helpers.push(name);
        }
    }
}

/// A call whose path ends in one of `calls` (`this.PayPalPostmanUtils.isSandbox()`).
fn helper_call(e: &Expr, calls: &[&str]) -> bool {
    let Expr::Call(callee, _) = e else {
        return false;
    };
    path(callee).is_some_and(|p| {
        calls
            .iter()
            .any(|c| p == *c || p.ends_with(&format!(".{c}")))
    })
}

/// `eval(pm.collectionVariables.get("paypal_postman_scripts"));`: the variable's name.
fn evaluated_variable(line: &str) -> Option<String> {
    let inner = line.strip_prefix("eval(")?.trim_end_matches(';').trim_end();
    const GETTERS: &[&str] = &[
        "pm.collectionVariables.get(",
        "pm.environment.get(",
        "pm.globals.get(",
        "pm.variables.get(",
    ];
    let rest = GETTERS.iter().find_map(|g| inner.strip_prefix(g))?;
    // One quoted name, then the two closing parentheses.
    let mut chars = rest.chars();
    let q @ ('"' | '\'') = chars.next()? else {
        return None;
    };
    let rest = chars.as_str();
    let end = rest.find(q)?;
    let name = &rest[..end];
    (rest[end + 1..] == *"))" && !name.contains(['(', ')'])).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::evaluated_variable;

    #[test]
    fn an_eval_of_a_variable_is_told_from_other_evals() {
        assert_eq!(
            evaluated_variable("eval(pm.collectionVariables.get(\"paypal_postman_scripts\"));")
                .as_deref(),
            Some("paypal_postman_scripts")
        );
        assert_eq!(
            evaluated_variable("eval(pm.globals.get('utils'))").as_deref(),
            Some("utils")
        );
        assert_eq!(evaluated_variable("eval(responseBody);"), None);
        assert_eq!(
            evaluated_variable("eval(pm.collectionVariables.get('a') + x);"),
            None
        );
    }
}
