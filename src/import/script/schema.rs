//! JSON Schema checks: a schema written in the script or held by a variable, validated with
//! tv4, ajv or `pm.response.to.have.jsonSchema`.

use super::*;

impl Converter {
    /// A name for a JSON Schema validator (`new Ajv()`), a schema it compiled
    /// (`ajv.compile(schema)`) or a validation (`tv4.validate(data, schema)`): read where it
    /// is used.
    pub(super) fn schema_name(&mut self, name: &str, value: &Expr) -> bool {
        if let Expr::Unary("new", inner) = value
            && let Expr::Call(class, _) = &**inner
            && matches!(&**class, Expr::Ident(c) if c.eq_ignore_ascii_case("ajv"))
        {
            // `var ajv = new Ajv({ logger: console })`: its `validate` is read where it is.
            self.validators.insert(name.to_string());
            return true;
        }
        if let Expr::Call(c, args) = value
            && let (Expr::Member(v, m), [schema]) = (&**c, args.as_slice())
            && m == "compile"
            && matches!(&**v, Expr::Ident(v) if self.validators.contains(v))
        {
            // `const validate = ajv.compile(schema)`: `validate(data)` checks data against it.
            self.compiled.insert(name.to_string(), schema.clone());
            return true;
        }
        if self.schema_check(value).is_some() && self.phase != Phase::PreRequest {
            // `var valid = tv4.validate(data, schema)`: said where `valid` is checked.
            self.bindings.insert(name.to_string(), value.clone());
            return true;
        }
        false
    }

    /// `tv4.validate(data, schema)` or `ajv.validate(schema, data)` of the whole body, with a
    /// schema written in the script: the schema, with the draft Postman validates it by.
    pub(crate) fn schema_check(&self, e: &Expr) -> Option<Y> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let (schema, data, draft) = match (path(callee)?.as_str(), args.as_slice()) {
            ("tv4.validate", [data, schema, ..]) => (schema, data, DRAFT_4),
            (f, [data]) if self.compiled.contains_key(f) => (self.compiled.get(f)?, data, DRAFT_7),
            (p, [schema, data, ..])
                if p.strip_suffix(".validate")
                    .is_some_and(|v| self.validators.contains(v)) =>
            {
                // `ajv.validate(body, schema)`: the arguments the wrong way round.
                let body = matches!(self.subject(schema), Some(Subject::Json(p)) if p == "$");
                if body && self.schema_literal(data, DRAFT_7).is_some() {
                    self.reversed_schema.set(true);
                    (data, schema, DRAFT_7)
                } else {
                    (schema, data, DRAFT_7)
                }
            }
            _ => return None,
        };
        match self.subject(data)? {
            // tv4 knows no formats (unless a script adds one): `format: email` checks nothing.
            Subject::Json(p) if p == "$" && draft == DRAFT_4 => {
                self.schema_literal(schema, draft).map(without_formats)
            }
            Subject::Json(p) if p == "$" => self.schema_literal(schema, draft),
            _ => None,
        }
    }

    /// A schema written in the script (an object literal, or a name bound to one), as the
    /// output's mapping; `$schema` added when absent. None when it is not a schema yarc can
    /// compile: the line is then left as it is.
    pub(crate) fn schema_literal(&self, e: &Expr, draft: &str) -> Option<Y> {
        let literal = match e {
            Expr::Ident(n) => match self.objects.get(n) {
                Some(o) => o,
                None => return self.schema_of_variable(e, draft),
            },
            Expr::Member(..) | Expr::Call(..) => return self.schema_of_variable(e, draft),
            other => other,
        };
        let Y::Map(mut fields) = plain(&self.with_stored(literal))? else {
            return None;
        };
        if !fields.iter().any(|(k, _)| k == "$schema") {
            fields.insert(0, ("$schema".into(), Y::str(draft)));
        }
        let schema = Y::Map(fields);
        yarc_core::plan::is_usable_schema(&json_of(&schema)).then_some(schema)
    }

    /// `JSON.parse(pm.variables.get("schema_projects"))` (or a local bound to it, or to the
    /// text): the JSON Schema the export keeps in that variable; `pm.globals.get("schemas")
    /// .Notification`: one a script stored there (see [`objects_set`]).
    /// A schema literal whose members read schemas an earlier script stored
    /// (`"items": JSON.parse(pm.globals.get("item_schema"))`) holding them.
    fn with_stored(&self, e: &Expr) -> Expr {
        match e {
            Expr::Object(fields) => Expr::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), self.with_stored(v)))
                    .collect(),
            ),
            Expr::Array(items) => Expr::Array(items.iter().map(|i| self.with_stored(i)).collect()),
            _ => match stored_read(e).and_then(|n| self.known_stored.get(&n)) {
                Some(v) => json_expr(v),
                None => e.clone(),
            },
        }
    }

    pub(super) fn schema_of_variable(&self, e: &Expr, draft: &str) -> Option<Y> {
        // `JSON.parse(pm.globals.get("item_schema"))` of one an earlier script stored.
        if let Some(stored) = stored_read(e).and_then(|n| self.known_stored.get(&n)) {
            return self.schema_stored(stored, draft);
        }
        // `const schema = JSON.parse(raw)`: the variable it parses.
        let bound = match e {
            Expr::Ident(n) => (self.parsed_vars.get(n))
                .filter(|(_, steps)| steps.is_empty())
                .map(|(var, _)| var),
            _ => None,
        };
        if let Some(var) = bound {
            let stored = self.known_json.get(var)?;
            return self.schema_stored(stored, draft);
        }
        let parsed = match e {
            Expr::Ident(n) => &self.computed.get(n)?.0,
            other => other,
        };
        let mut members = Vec::new();
        let mut read = parsed;
        while let Expr::Member(inner, m) = read {
            members.insert(0, m.as_str());
            read = inner;
        }
        let Expr::Call(callee, args) = read else {
            return None;
        };
        let [text] = args.as_slice() else { return None };
        let found = match (path(callee).as_deref(), members.is_empty(), text) {
            (Some("JSON.parse"), true, _) => match self.value(text) {
                Some(Y::Str(t)) => self
                    .known_json
                    .get(crate::import::vars::one_expression(&t)?),
                _ => None,
            },
            (Some(p), _, Expr::Str(n)) if p.starts_with("pm.") && p.ends_with(".get") => {
                self.known_stored.get(&crate::import::vars::ident(n))
            }
            _ => None,
        };
        let stored = members.iter().try_fold(found?, |v, m| v.get(m))?;
        self.schema_stored(stored, draft)
    }

    /// A schema the export stores (a variable's JSON), as the output's mapping with `$schema`;
    /// None when yarc cannot compile it.
    fn schema_stored(&self, stored: &serde_json::Value, draft: &str) -> Option<Y> {
        let mut schema = match Y::from_json(stored) {
            Y::Map(fields) => fields,
            _ => return None,
        };
        if !schema.iter().any(|(k, _)| k == "$schema") {
            schema.insert(0, ("$schema".into(), Y::str(draft)));
        }
        let schema = Y::Map(schema);
        yarc_core::plan::is_usable_schema(&json_of(&schema)).then_some(schema)
    }
}

/// The schema with no `format` keyword in it, wherever a schema stands (a property named
/// `format` stays).
fn without_formats(schema: Y) -> Y {
    let Y::Map(fields) = schema else {
        return match schema {
            Y::Seq(items) => Y::Seq(items.into_iter().map(without_formats).collect()),
            other => other,
        };
    };
    let fields = fields
        .into_iter()
        .filter(|(k, v)| !(k == "format" && matches!(v, Y::Str(_))));
    let fields = fields.map(|(k, v)| {
        let v = match k.as_str() {
            "properties" | "patternProperties" | "definitions" | "dependencies" => match v {
                Y::Map(named) => Y::Map(
                    named
                        .into_iter()
                        .map(|(n, s)| (n, without_formats(s)))
                        .collect(),
                ),
                other => other,
            },
            "items"
            | "additionalItems"
            | "additionalProperties"
            | "not"
            | "allOf"
            | "anyOf"
            | "oneOf" => without_formats(v),
            _ => v,
        };
        (k, v)
    });
    Y::Map(fields.collect())
}

/// A JSON value as the literal a script would write for it.
fn json_expr(v: &serde_json::Value) -> Expr {
    use serde_json::Value;
    match v {
        Value::Null => Expr::Null,
        Value::Bool(b) => Expr::Bool(*b),
        Value::Number(n) => Expr::Num(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(t) => Expr::Str(t.clone()),
        Value::Array(items) => Expr::Array(items.iter().map(json_expr).collect()),
        Value::Object(fields) => Expr::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), json_expr(v)))
                .collect(),
        ),
    }
}
