//! Token requests a script sends (`pm.sendRequest` to a token URL, a login when a token is
//! unset) read as yarc's `auth:`, and a request's basic credentials.

use super::*;

impl Converter {
    /// `if (!token || expired) { pm.sendRequest(<token request>, ...); ... }`: yarc fetches,
    /// caches and renews the token itself, so the condition and the script's own bookkeeping of
    /// the token (its expiry) go with the request.
    pub(super) fn renewal(&mut self, then: &[Stmt], otherwise: &[Stmt]) -> Option<Done> {
        if self.phase != Phase::PreRequest || self.out.oauth2.is_some() || !otherwise.is_empty() {
            return None;
        }
        let call = then.iter().find_map(|s| match &s.kind {
            StmtKind::Expr(e @ Expr::Call(callee, _))
                if path(callee).as_deref() == Some("pm.sendRequest") =>
            {
                Some(e)
            }
            _ => None,
        })?;
        let Expr::Call(_, args) = call else {
            return None;
        };
        let objects = block_objects(&self.objects, then);
        let Some(found) = self.token_request_with(args, &objects) else {
            return self.login_when_unset(then);
        };
        let bookkeeping = then.iter().all(|s| match &s.kind {
            StmtKind::Expr(e) if std::ptr::eq(e, call) => true,
            StmtKind::Expr(e) => is_console(e) || set_call(e).is_some(),
            StmtKind::Let(_) | StmtKind::Assign(..) => true,
            _ => false,
        });
        if !bookkeeping {
            return None;
        }
        self.out.sets_seen += 1;
        self.out.variables_set += 1;
        self.out.oauth2 = Some(found);
        Some(Done::Converted)
    }

    /// `if (!token || expired) { const options = {...}; pm.sendRequest(options, (err, res) =>
    /// ... set("token", ...)) }` of a login that is no client-credentials grant: a run starts
    /// without the token, so Newman sends it; the block is converted as it stands (the login
    /// becomes a request before this one).
    pub(super) fn login_when_unset(&mut self, then: &[Stmt]) -> Option<Done> {
        let plain = then.iter().all(|s| match &s.kind {
            StmtKind::Expr(e) => {
                is_console(e)
                    || matches!(e, Expr::Call(c, _) if path(c).as_deref() == Some("pm.sendRequest"))
            }
            StmtKind::Let(_) => true,
            _ => false,
        });
        if !plain {
            return None;
        }
        Some(match self.statements(then) {
            true => Done::Converted,
            false => Done::Kept(KEPT_AROUND),
        })
    }

    /// `pm.sendRequest({ url, method: 'POST', body: { mode: 'urlencoded', urlencoded: [...] } },
    /// (err, res) => pm.environment.set('access_token', res.json().access_token))` with
    /// `grant_type=client_credentials`: the `oauth2` block (token URL, client, scope, the other
    /// fields as `params`) and the variable the token goes into.
    pub(super) fn token_request(&self, args: &[Expr]) -> Option<(Y, String)> {
        self.token_request_with(args, &self.objects)
    }

    /// [`Self::token_request`] with the objects in scope (a block's own, with what it
    /// assigned to their fields after).
    pub(super) fn token_request_with(
        &self,
        args: &[Expr],
        objects: &HashMap<String, Expr>,
    ) -> Option<(Y, String)> {
        let (first, Some(Expr::Func(_, callback))) = (args.first()?, args.get(1)) else {
            return None;
        };
        let request = match first {
            Expr::Object(o) => o,
            Expr::Ident(n) => match objects.get(n) {
                Some(Expr::Object(o)) => o,
                _ => return None,
            },
            _ => return None,
        };
        let method = match field(request, "method") {
            Some(Expr::Str(m)) => m.to_ascii_uppercase(),
            _ => return None,
        };
        let url = self.value(field(request, "url")?)?;
        if method != "POST" {
            return None;
        }
        let Some(Expr::Object(body)) = field(request, "body") else {
            return None;
        };
        let mut form = self.token_form(body, objects)?;
        // The client in the request's own basic auth: `credentials: basic`.
        let basic = self.basic_auth(field(request, "auth"))?;
        if let Some((id, secret)) = &basic {
            form.push(("client_id".into(), id.clone()));
            form.push(("client_secret".into(), secret.clone()));
        }
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        // The client-credentials grant, or the resource owner's password grant (a public
        // client has no secret).
        let user = match get("grant_type")? {
            Y::Str(g) if g == "client_credentials" => None,
            Y::Str(g) if g == "password" => Some((get("username")?, get("password")?)),
            _ => return None,
        };
        // Checks of the token's answer (`pm.test("token scope", ...)` in the callback): yarc's
        // own token fetch checks nothing, so the request stays one of the script's own, sent
        // and checked each time as in Newman.
        let checks = ["pm.test(", "pm.expect(", "pm.response.to.", "tests["];
        if callback.iter().any(|s| self.lines_with(s, &checks) > 0) {
            return None;
        }
        let var = token_variable(callback)?;
        let mut o = Y::map();
        o.set("token_url", url);
        o.set("client_id", get("client_id")?);
        match (get("client_secret"), &user) {
            (Some(secret), _) => o.set("client_secret", secret),
            (None, Some(_)) => {}
            (None, None) => return None,
        }
        if let Some((username, password)) = user {
            o.set("username", username);
            o.set("password", password);
        }
        if let Some(scope) = get("scope") {
            o.set("scope", scope);
        }
        if basic.is_some() {
            o.set("credentials", Y::str("basic"));
        }
        let mut params = Y::map();
        for (k, v) in &form {
            let own = [
                "grant_type",
                "client_id",
                "client_secret",
                "scope",
                "username",
                "password",
            ];
            if !own.contains(&k.as_str()) {
                params.set(k.clone(), v.clone());
            }
        }
        if !params.is_empty_map() {
            o.set("params", params);
        }
        Some((Y::Map(vec![("oauth2".into(), o)]), var))
    }

    /// A token request's form fields: `urlencoded` or `formdata` pairs, or a raw
    /// `grant_type=client_credentials&client_id=...` text (joined with `+` from locals).
    pub(super) fn token_form(
        &self,
        body: &[(String, Expr)],
        objects: &HashMap<String, Expr>,
    ) -> Option<Vec<(String, Y)>> {
        let mut form: Vec<(String, Y)> = Vec::new();
        // `raw: JSON.stringify(create)` (or `refresh ? refreshRequest : createRequest`): an
        // identity server that takes its fields as JSON; yarc sends them as RFC 6749's form.
        if let Some(Expr::Call(callee, args)) = field(body, "raw")
            && path(callee).as_deref() == Some("JSON.stringify")
            && let [fields] = args.as_slice()
        {
            for (k, v) in granting_object(fields, objects)? {
                form.push((k.clone(), self.value(v)?));
            }
            return Some(form);
        }
        match field(body, "mode") {
            Some(Expr::Str(m)) if m == "urlencoded" || m == "formdata" => {
                let Some(Expr::Array(pairs)) = field(body, m) else {
                    return None;
                };
                for p in pairs {
                    let Expr::Object(kv) = p else { return None };
                    if matches!(field(kv, "disabled"), Some(Expr::Bool(true))) {
                        continue;
                    }
                    let Some(Expr::Str(k)) = field(kv, "key") else {
                        return None;
                    };
                    form.push((k.clone(), self.value(field(kv, "value")?)?));
                }
            }
            Some(Expr::Str(m)) if m == "raw" => {
                let Y::Str(text) = self.value(field(body, "raw")?)? else {
                    return None;
                };
                for pair in text.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=')?;
                    // A literal value may be form-encoded; a template is the variable's.
                    let v = match v.contains("{{") {
                        true => v.to_string(),
                        false => form_decoded(v),
                    };
                    form.push((form_decoded(k), Y::str(v)));
                }
            }
            _ => return None,
        }
        Some(form)
    }

    /// `auth: { type: "basic", basic: [{ key: "username", value }, { key: "password", value }] }`
    /// of a script's request: the two values; `Some(None)` without one, `None` when it cannot
    /// be read.
    #[allow(clippy::option_option)]
    pub(super) fn basic_auth(&self, auth: Option<&Expr>) -> Option<Option<(Y, Y)>> {
        let Some(Expr::Object(auth)) = auth else {
            return Some(None);
        };
        if !matches!(field(auth, "type"), Some(Expr::Str(t)) if t == "basic") {
            return None;
        }
        // `basic: [{ key: "username", value: ... }, ...]`, or (as the SDK takes it too)
        // `basic: { username: ..., password: ... }`.
        let get = |name: &str| match field(auth, "basic")? {
            Expr::Array(pairs) => pairs.iter().find_map(|p| match p {
                Expr::Object(kv) if matches!(field(kv, "key"), Some(Expr::Str(k)) if k == name) => {
                    self.value(field(kv, "value")?)
                }
                _ => None,
            }),
            Expr::Object(fields) => self.value(field(fields, name)?),
            _ => None,
        };
        Some(Some((get("username")?, get("password")?)))
    }
}
