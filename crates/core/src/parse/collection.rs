//! Decoding a collection file: collection, groups, requests, bodies and auth blocks.

use super::fields::{Decoder, Fields};
use super::node::{Node, NodeKind};
use crate::model::*;
use crate::source::Span;
use std::collections::HashMap;

use super::keys::{
    ANY_PART, API_KEY, AUTH_KINDS, BASIC, BODIES as BODY_KEYS, COLLECTION as COLLECTION_KEYS,
    DEFAULTS as DEFAULTS_KEYS, GRAPHQL, GROUP as GROUP_KEYS, METHODS, OAUTH2 as OAUTH2_KEYS,
    OTHER_METHODS, REPEAT as REPEAT_KEYS, REQUEST as REQUEST_KEYS, SNAPSHOT,
};

/// The parts of a collection file, before the file and path are attached.
pub(super) struct CollectionParts {
    pub name: String,
    pub tags: Vec<String>,
    pub variables: Vec<Variable>,
    pub auth: Option<AuthSpec>,
    pub defaults: Defaults,
    pub items: Vec<Item>,
    pub cookie_jar: bool,
    pub openapi: Option<OpenApiRef>,
    pub contract: Option<ContractMode>,
}

impl Decoder {
    pub(super) fn collection(
        &mut self,
        mut root: Node,
        default_name: &str,
    ) -> Option<CollectionParts> {
        let requests = root.take_value("requests");
        let root = &root;
        let f = self.fields(root, "the collection", COLLECTION_KEYS)?;
        let name = match f.get("name") {
            Some(n) => self.string(n, "`name`").unwrap_or_default(),
            None => default_name.to_string(),
        };
        let tags = f
            .get("tags")
            .map(|n| self.string_list(n, "`tags`"))
            .unwrap_or_default();
        let variables = f
            .get("variables")
            .map(|n| self.variables(n))
            .unwrap_or_default();
        let auth = f.get("auth").and_then(|n| self.auth(n));
        let defaults = f
            .get("defaults")
            .map(|n| self.defaults(n))
            .unwrap_or_default();
        let items = match requests {
            Some(n) => self.items(n),
            None => {
                self.error(
                    root.error("the collection has no `requests`")
                        .with_help("add `requests:` with a list of requests"),
                );
                Vec::new()
            }
        };
        let mut seen = HashMap::new();
        self.check_unique_names(&items, &mut seen);
        let cookie_jar = f
            .get("cookie_jar")
            .and_then(|n| self.bool(n, "`cookie_jar`"))
            .unwrap_or(true);
        let openapi = f.get("openapi").and_then(|n| self.openapi(n));
        let contract = f.get("contract").and_then(|n| self.contract(n));
        Some(CollectionParts {
            name,
            tags,
            variables,
            auth,
            defaults,
            items,
            cookie_jar,
            openapi,
            contract,
        })
    }

    /// `openapi: api.yaml` or `openapi: { file: api.yaml, requests: true }`: a file path
    /// (relative to the file that names it).
    pub(super) fn openapi(&mut self, node: &Node) -> Option<OpenApiRef> {
        let (file, requests) = match &node.kind {
            NodeKind::Map(_) => {
                let f = self.fields(node, "`openapi`", super::keys::OPENAPI)?;
                let Some(file) = f.get("file") else {
                    self.error(node.error("`openapi` names no `file`"));
                    return None;
                };
                let requests = f.get("requests").and_then(|n| self.bool(n, "`requests`"));
                (file, requests)
            }
            _ => (node, None),
        };
        let written = self.string(file, "`openapi`")?;
        Some(OpenApiRef {
            written,
            span: file.span.clone(),
            requests,
        })
    }

    /// `contract: error`, `warn` or `off`.
    fn contract(&mut self, node: &Node) -> Option<ContractMode> {
        match self.string(node, "`contract`")?.as_str() {
            "error" => Some(ContractMode::Error),
            "warn" => Some(ContractMode::Warn),
            "off" => Some(ContractMode::Off),
            other => {
                self.error(
                    node.error(format!("`contract: {other}` is not a mode"))
                        .with_help(
                            "use `error` (an undocumented response fails), `warn` (it is reported) or `off`",
                        ),
                );
                None
            }
        }
    }

    pub(super) fn variables(&mut self, node: &Node) -> Vec<Variable> {
        let Some(f) = self.fields(node, "`variables`", &[]) else {
            return Vec::new();
        };
        f.iter()
            .map(|(name, key, value)| Variable {
                name: name.to_string(),
                value: value.to_json(),
                span: key.span.clone(),
            })
            .collect()
    }

    /// `set: { name: value }`, in the order written (a later entry sees the earlier ones).
    fn sets(&mut self, node: &Node) -> Vec<SetVar> {
        let Some(f) = self.fields(node, "`set`", &[]) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, key, value) in f.iter() {
            out.push(SetVar {
                name: name.to_string(),
                value: self.tvalue(value),
                span: key.span.clone(),
            });
        }
        out
    }

    /// Each request is decoded from its part of the YAML tree, which is then dropped: the
    /// tree and the decoded requests are never both whole in memory.
    fn items(&mut self, node: Node) -> Vec<Item> {
        let NodeKind::Seq(list) = node.kind else {
            self.error(node.error(format!(
                "`requests` must be a list, found {}",
                node.type_name()
            )));
            return Vec::new();
        };
        list.into_iter().filter_map(|n| self.item(n)).collect()
    }

    fn item(&mut self, mut node: Node) -> Option<Item> {
        let is_group = matches!(&node.kind, NodeKind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some("group")));
        if is_group {
            let requests = node.take_value("requests");
            let node = &node;
            let f = self.fields(node, "a group", GROUP_KEYS)?;
            let name = self.string(f.get("group")?, "`group`")?;
            let items = match requests {
                Some(n) => self.items(n),
                None => {
                    self.error(node.error(format!("group `{name}` has no `requests`")));
                    Vec::new()
                }
            };
            return Some(Item::Group(Box::new(Group {
                span: f
                    .key_span("group")
                    .cloned()
                    .unwrap_or_else(|| node.span.clone()),
                tags: f
                    .get("tags")
                    .map(|n| self.string_list(n, "`tags`"))
                    .unwrap_or_default(),
                variables: f
                    .get("variables")
                    .map(|n| self.variables(n))
                    .unwrap_or_default(),
                auth: f.get("auth").and_then(|n| self.auth(n)),
                defaults: f
                    .get("defaults")
                    .map(|n| self.defaults(n))
                    .unwrap_or_default(),
                skip: f.get("skip").and_then(|n| self.template(n, "`skip`")),
                openapi: f.get("openapi").and_then(|n| self.openapi(n)),
                contract: f.get("contract").and_then(|n| self.contract(n)),
                name,
                items,
            })));
        }
        self.request(&node)
            .map(|r| Item::Request(std::sync::Arc::new(r)))
    }

    fn request(&mut self, node: &Node) -> Option<Request> {
        let f = self.fields(node, "a request", REQUEST_KEYS)?;
        let name = match f.get("name") {
            Some(n) => self.string(n, "`name`")?,
            None => {
                self.error(node.error("this request has no `name`").with_help(
                    "every request needs a unique name: it appears in reports and snapshot file names",
                ));
                return None;
            }
        };
        let Some(url_node) = f.get("url") else {
            self.error(node.error(format!("request `{name}` has no `url`")));
            return None;
        };
        let url = self.template(url_node, "`url`")?;
        let method = match f.get("method") {
            Some(m) => self.method(m)?,
            None => "GET".to_string(),
        };
        Some(Request {
            span: f
                .key_span("name")
                .cloned()
                .unwrap_or_else(|| node.span.clone()),
            method,
            url,
            query: f
                .get("query")
                .map(|n| self.template_map(n, "`query`"))
                .unwrap_or_default(),
            headers: f
                .get("headers")
                .map(|n| self.template_map(n, "`headers`"))
                .unwrap_or_default(),
            body: self.body(&f, &name).map(Box::new),
            timeout: f.get("timeout").and_then(|n| self.duration(n, "`timeout`")),
            follow_redirects: self.flag(&f, "follow_redirects"),
            cookie_jar: self.flag(&f, "cookie_jar"),
            max_redirects: f
                .get("max_redirects")
                .and_then(|n| self.u32(n, "`max_redirects`")),
            tags: f
                .get("tags")
                .map(|n| self.string_list(n, "`tags`"))
                .unwrap_or_default(),
            marks: self.marks(&f),
            auth: f.get("auth").and_then(|n| self.auth(n)).map(Box::new),
            expect: f
                .get("expect")
                .map(|n| self.expect(n, "`expect`"))
                .unwrap_or_default(),
            captures: f
                .get("capture")
                .map(|n| self.captures(n))
                .unwrap_or_default(),
            sets: f.get("set").map(|n| self.sets(n)).unwrap_or_default(),
            retry: f.get("retry").and_then(|n| self.retry(n)).map(Box::new),
            snapshot: f
                .get("snapshot")
                .and_then(|n| self.snapshot(n))
                .map(Box::new),
            variables: f
                .get("variables")
                .map(|n| self.variables(n))
                .unwrap_or_default(),
            cookies: f
                .get("cookies")
                .map(|n| self.template_map(n, "`cookies`"))
                .unwrap_or_default(),
            delay: f.get("delay").and_then(|n| self.duration(n, "`delay`")),
            contract: f.get("contract").and_then(|n| self.contract(n)),
            inherit: self.flag(&f, "inherit").unwrap_or(true),
            name,
        })
    }

    /// A method of the registry in any case (sent in capitals), or any other token as written
    /// in capitals (`PURGE`, `X-SYNC`): HTTP allows extension methods. A lower-case word that
    /// is no known method is a typo until shown otherwise.
    fn method(&mut self, node: &Node) -> Option<String> {
        let written = self.string(node, "`method`")?;
        let upper = written.to_ascii_uppercase();
        if METHODS.contains(&upper.as_str()) || OTHER_METHODS.contains(&upper.as_str()) {
            return Some(upper);
        }
        let token = !written.is_empty()
            && written
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if token && written == upper {
            return Some(written);
        }
        let mut d = node.error(format!("unknown method `{written}`"));
        if upper.len() <= 32 {
            d = d.suggest(&upper, METHODS.iter().chain(OTHER_METHODS).copied());
        }
        self.error(d.with_help(format!(
            "methods: {}; another method HTTP allows is written in capitals, as it is sent (`PURGE`)",
            METHODS.join(", ")
        )));
        None
    }

    fn body(&mut self, f: &Fields, name: &str) -> Option<Body> {
        let given: Vec<&str> = BODY_KEYS.iter().copied().filter(|k| f.has(k)).collect();
        if given.len() > 1 {
            let span = f
                .key_span(given[1])
                .cloned()
                .unwrap_or_else(|| f.node.span.clone());
            self.error(crate::diagnostic::Diagnostic::at(
                format!(
                    "request `{name}` has more than one body (`{}`): keep one",
                    given.join("`, `")
                ),
                &span,
            ));
            return None;
        }
        let kind = *given.first()?;
        let node = f.get(kind)?;
        Some(match kind {
            "json" => Body::Json(self.tvalue(node)),
            "form" => Body::Form(self.keyed_template_map(node, "`form`")),
            "multipart" => Body::Multipart(self.multipart(node)),
            "text" => Body::Text(self.template(node, "`text`")?),
            "graphql" => self.graphql(node)?,
            _ => Body::File(self.template(node, "`file`")?),
        })
    }

    /// `graphql: { query, variables, operation_name }`, or just the query as a string.
    fn graphql(&mut self, node: &Node) -> Option<Body> {
        if matches!(node.kind, NodeKind::Str(_)) {
            return Some(Body::Graphql {
                query: self.template(node, "`graphql`")?,
                variables: None,
                operation_name: None,
            });
        }
        let f = self.fields(node, "`graphql`", GRAPHQL)?;
        let Some(q) = f.get("query") else {
            self.error(node.error("`graphql` needs a `query`"));
            return None;
        };
        Some(Body::Graphql {
            query: self.template(q, "`query`")?,
            variables: f.get("variables").map(|v| self.tvalue(v)),
            operation_name: f
                .get("operation_name")
                .and_then(|n| self.template(n, "`operation_name`")),
        })
    }

    /// `{ file: path }` or `{ content: text, filename: name }`, each with an optional
    /// `content_type` (and `filename` for a file).
    fn file_part(&mut self, value: &Node) -> Option<PartValue> {
        let pf = self.fields(value, "a file part", ANY_PART)?;
        let content_type = pf
            .get("content_type")
            .and_then(|n| self.string(n, "`content_type`"));
        let filename = pf
            .get("filename")
            .and_then(|n| self.template(n, "`filename`"));
        match (pf.get("file"), pf.get("content")) {
            (Some(f), None) => Some(PartValue::File {
                path: self.template(f, "`file`")?,
                filename,
                content_type,
            }),
            (None, Some(c)) => Some(PartValue::Inline {
                content: self.template(c, "`content`")?,
                filename,
                content_type,
            }),
            (Some(_), Some(_)) => {
                self.error(
                    value.error("a file part takes `file: path` or `content: text`, not both"),
                );
                None
            }
            (None, None) => {
                self.error(value.error(
                    "a multipart map needs `file: path` (or `content: text` with a `filename`)",
                ));
                None
            }
        }
    }

    /// A request's `skip:` and `fail:`, if it has either.
    fn marks(&mut self, f: &Fields<'_>) -> Option<Box<Marks>> {
        let marks = Marks {
            skip: f.get("skip").and_then(|n| self.template(n, "`skip`")),
            fail: f.get("fail").and_then(|n| self.string(n, "`fail`")),
            repeat: f.get("repeat").and_then(|n| self.repeat(n)),
        };
        let any = marks.skip.is_some() || marks.fail.is_some() || marks.repeat.is_some();
        any.then(|| Box::new(marks))
    }

    /// `repeat: 3` or `repeat: { while: "{{ ... }}", max: 1000 }`.
    fn repeat(&mut self, node: &Node) -> Option<Repeat> {
        let at_least_one = |me: &mut Self, n: &Node, what: &str| {
            let v = me.u32(n, what)?;
            if v == 0 {
                me.error(n.error(format!("{what} must be at least 1")));
                return None;
            }
            Some(v)
        };
        if let NodeKind::Int(_) = node.kind {
            let times = at_least_one(self, node, "`repeat`")?;
            return Some(Repeat {
                span: node.span.clone(),
                times: Some(times),
                while_: None,
                max: times,
            });
        }
        if !matches!(node.kind, NodeKind::Map(_)) {
            self.error(node.error("`repeat` is a number of sends (`repeat: 3`) or `{ while: \"{{ ... }}\", max: 1000 }`"));
            return None;
        }
        let f = self.fields(node, "`repeat`", REPEAT_KEYS)?;
        let Some(cond) = f.get("while") else {
            self.error(node.error("`repeat` needs `while:` (or is a number: `repeat: 3`)"));
            return None;
        };
        Some(Repeat {
            span: node.span.clone(),
            times: None,
            while_: Some(self.template(cond, "`repeat.while`")?),
            max: match f.get("max") {
                Some(n) => at_least_one(self, n, "`repeat.max`")?,
                None => crate::model::REPEAT_MAX,
            },
        })
    }

    fn multipart(&mut self, node: &Node) -> Vec<Part> {
        let Some(f) = self.fields(node, "`multipart`", &[]) else {
            return Vec::new();
        };
        let mut parts = Vec::new();
        for (name, key, value) in f.iter() {
            // A list sends one part per item under the one name (`files: [{file: a}, {file: b}]`).
            let Some(values) = self.one_or_list(name, "`multipart`", value) else {
                continue;
            };
            for value in values {
                let part = if matches!(value.kind, NodeKind::Map(_)) {
                    self.file_part(value)
                } else {
                    (self.template(value, &format!("part `{name}`"))).map(PartValue::Text)
                };
                parts.extend(part.map(|value| Part {
                    name: Template::new(name, &key.span),
                    value,
                }));
            }
        }
        parts
    }

    fn defaults(&mut self, node: &Node) -> Defaults {
        let Some(f) = self.fields(node, "`defaults`", DEFAULTS_KEYS) else {
            return Defaults::default();
        };
        Defaults {
            headers: f
                .get("headers")
                .map(|n| self.template_map(n, "`headers`"))
                .unwrap_or_default(),
            query: f
                .get("query")
                .map(|n| self.template_map(n, "`query`"))
                .unwrap_or_default(),
            timeout: f.get("timeout").and_then(|n| self.duration(n, "`timeout`")),
            follow_redirects: f
                .get("follow_redirects")
                .and_then(|n| self.bool(n, "`follow_redirects`")),
            max_redirects: f
                .get("max_redirects")
                .and_then(|n| self.u32(n, "`max_redirects`")),
            snapshot: f.get("snapshot").and_then(|n| self.snapshot(n)),
            expect: f
                .get("expect")
                .map(|n| self.expect(n, "`defaults.expect`"))
                .unwrap_or_default(),
            sets: f.get("set").map(|n| self.sets(n)).unwrap_or_default(),
        }
    }

    fn snapshot(&mut self, node: &Node) -> Option<SnapshotSpec> {
        if let NodeKind::Bool(enabled) = node.kind {
            return Some(SnapshotSpec {
                enabled,
                ignore: Vec::new(),
                headers: Vec::new(),
                span: node.span.clone(),
            });
        }
        let f = self.fields(node, "`snapshot`", SNAPSHOT)?;
        let ignore = match f.get("ignore") {
            Some(n) => match &n.kind {
                NodeKind::Seq(items) => items
                    .iter()
                    .filter_map(|i| {
                        self.string(i, "an `ignore` path").map(|p| Selector {
                            source: p,
                            span: i.span.clone(),
                        })
                    })
                    .collect(),
                _ => {
                    self.error(n.error("`ignore` is a list of JSONPaths"));
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        Some(SnapshotSpec {
            enabled: true,
            ignore,
            headers: f
                .get("headers")
                .map(|n| self.string_list(n, "`headers`"))
                .unwrap_or_default(),
            span: node.span.clone(),
        })
    }

    pub(super) fn auth(&mut self, node: &Node) -> Option<AuthSpec> {
        if let Some(s) = node.as_str() {
            if s == "none" {
                return Some(AuthSpec::None);
            }
            self.error(
                node.error(format!("unknown auth `{s}`"))
                    .suggest(s, AUTH_KINDS.iter().copied())
                    .with_help("write `auth: none`, or a block such as `auth: { bearer: \"{{ token }}\" }`"),
            );
            return None;
        }
        let f = self.fields(node, "`auth`", AUTH_KINDS)?;
        let kinds: Vec<(&str, &Node)> = f.iter().map(|(k, _, v)| (k, v)).collect();
        if kinds.len() != 1 {
            self.error(node.error(
                "`auth` must name exactly one kind: oauth2, bearer, basic, api_key or none",
            ));
            return None;
        }
        let (kind, value) = kinds[0];
        match kind {
            "oauth2" => self.oauth2(value).map(|o| AuthSpec::OAuth2(Box::new(o))),
            "bearer" => self.template(value, "`bearer`").map(AuthSpec::Bearer),
            "basic" => {
                let b = self.fields(value, "`basic`", BASIC)?;
                Some(AuthSpec::Basic {
                    username: self.required_template(&b, "username", "`basic`")?,
                    password: self.required_template(&b, "password", "`basic`")?,
                })
            }
            "api_key" => {
                let a = self.fields(value, "`api_key`", API_KEY)?;
                let location = match (a.get("header"), a.get("query")) {
                    (Some(h), None) => ApiKeyLocation::Header(self.string(h, "`header`")?),
                    (None, Some(q)) => ApiKeyLocation::Query(self.string(q, "`query`")?),
                    _ => {
                        self.error(value.error(
                            "`api_key` needs exactly one of `header: Name` or `query: name`",
                        ));
                        return None;
                    }
                };
                Some(AuthSpec::ApiKey {
                    location,
                    value: self.required_template(&a, "value", "`api_key`")?,
                })
            }
            _ => Some(AuthSpec::None),
        }
    }

    fn required_template(&mut self, f: &Fields, key: &str, what: &str) -> Option<Template> {
        match f.get(key) {
            Some(n) => self.template(n, &format!("`{key}`")),
            None => {
                self.error(f.node.error(format!("{what} needs `{key}`")));
                None
            }
        }
    }

    fn oauth2(&mut self, node: &Node) -> Option<OAuth2Spec> {
        let f = self.fields(node, "`oauth2`", OAUTH2_KEYS)?;
        let credentials = match f.get("credentials") {
            None => ClientCredentials::Body,
            Some(n) => {
                match n.as_str() {
                    Some("body") => ClientCredentials::Body,
                    Some("basic") => ClientCredentials::Basic,
                    _ => {
                        self.error(n.error("`credentials` must be `body` (client_secret_post) or `basic` (HTTP Basic)"));
                        return None;
                    }
                }
            }
        };
        let endpoint = match (f.get("token_url"), f.get("issuer")) {
            (Some(t), None) => TokenEndpoint::Url(self.template(t, "`token_url`")?),
            (None, Some(i)) => TokenEndpoint::Issuer(self.template(i, "`issuer`")?),
            _ => {
                self.error(node.error("`oauth2` needs exactly one of `token_url` or `issuer`").with_help(
                    "`issuer: https://connect.visma.com` reads the token endpoint from its /.well-known/openid-configuration",
                ));
                return None;
            }
        };
        let user = match (f.get("username"), f.get("password")) {
            (None, None) => None,
            (Some(u), Some(p)) => Some((
                self.template(u, "`username`")?,
                self.template(p, "`password`")?,
            )),
            _ => {
                self.error(node.error("`oauth2` needs both `username` and `password` (the password grant), or neither"));
                return None;
            }
        };
        // A public client of the password grant has no secret.
        let client_secret = match (&user, f.get("client_secret")) {
            (Some(_), None) => Template::new("", &node.span),
            _ => self.required_template(&f, "client_secret", "`oauth2`")?,
        };
        Some(OAuth2Spec {
            span: node.span.clone(),
            endpoint,
            refresh_before: f
                .get("refresh_before")
                .and_then(|n| self.duration(n, "`refresh_before`")),
            client_id: self.required_template(&f, "client_id", "`oauth2`")?,
            client_secret,
            user,
            scope: f.get("scope").and_then(|n| self.template(n, "`scope`")),
            credentials,
            params: f
                .get("params")
                .map(|n| self.template_map(n, "`params`"))
                .unwrap_or_default(),
            variable: f.get("variable").and_then(|n| self.string(n, "`variable`")),
        })
    }

    fn check_unique_names<'a>(&mut self, items: &'a [Item], seen: &mut HashMap<&'a str, Span>) {
        for item in items {
            match item {
                Item::Request(r) => {
                    if let Some(first) = seen.get(r.name.as_str()) {
                        self.error(
                            crate::diagnostic::Diagnostic::at(
                                format!("duplicate request name `{}`", r.name),
                                &r.span,
                            )
                            .with_help(format!(
                                "the first is at {first}; names must be unique in a collection"
                            )),
                        );
                    } else {
                        seen.insert(&r.name, r.span.clone());
                    }
                }
                Item::Group(g) => self.check_unique_names(&g.items, seen),
            }
        }
    }
}
