//! A value a test script joins from the response and text: `set("JWT", "JWT " +
//! data.access_token)`, `set("name", data.first + " " + data.last)`. yarc captures values as
//! they are, so each part read from the response is captured under a name of its own
//! (`JWT_from_response`) and the joined text is given before the next request (`set:` there),
//! when Postman's set has happened too. A value the script computes from a response field
//! (`data.code.toUpperCase()`, `data.created.substring(0, 10)`,
//! `headers.get("Authorization").split(" ")[1]`) is given the same way: the field captured as
//! it is, the computation a template of it.

use super::js::Expr;
use super::{Converter, Done, Phase, Subject, adds, unwrap_conversion};
use crate::import::yaml_out::Y;

/// Parts one joined value may have (a longer chain stays a comment).
const PARTS_MAX: usize = 8;

impl Converter {
    /// `set(name, a + b + ...)` in a test script where some parts are read from the JSON body
    /// and the others are text known before the run.
    pub(super) fn joined_capture(&mut self, name: &str, value: &Expr) -> Option<Done> {
        if self.phase != Phase::Test {
            return None;
        }
        let mut parts = Vec::new();
        flatten(value, &mut parts);
        if parts.len() < 2 || parts.len() > PARTS_MAX {
            return None;
        }
        let mut captures: Vec<(String, Y)> = Vec::new();
        let mut pieces = Vec::new();
        for part in &parts {
            let piece = match self.subject(unwrap_conversion(part)) {
                Some(Subject::Json(p)) => {
                    let helper = match captures.len() {
                        0 => format!("{name}_from_response"),
                        n => format!("{name}_from_response_{}", n + 1),
                    };
                    // `"x" + undefined` is "xundefined" in JavaScript.
                    let missing = ("default".into(), Y::str("undefined"));
                    captures.push((
                        helper.clone(),
                        Y::Map(vec![("json".into(), Y::str(p)), missing]),
                    ));
                    format!("({helper} | string)")
                }
                _ => format!("({} | string)", self.jinja(part)?),
            };
            pieces.push(piece);
        }
        if captures.is_empty() {
            return None;
        }
        // Under a status condition (`when:`) the helpers may take nothing: the variable then
        // keeps what it had, as in Postman where the set does not run.
        let there: Vec<String> = captures
            .iter()
            .map(|(helper, _)| format!("{helper} is defined"))
            .collect();
        for (helper, capture) in captures {
            self.out.capture.set(helper, capture);
        }
        self.out.captures += 1;
        let template = pieces.join(" ~ ");
        let ident = super::super::vars::ident(name);
        let value = match self.when.is_some() {
            false => format!("{{{{ {template} }}}}"),
            true => format!(
                "{{{{ ({template}) if {} else ({ident} if {ident} is defined else \"\") }}}}",
                there.join(" and ")
            ),
        };
        self.out.after.set(name, Y::str(value));
        Some(Done::Converted)
    }
}

impl Converter {
    /// `set(name, f(data.x))` in a test script, where `f` is what templates can compute
    /// (text methods, `split(sep)[i]`, arithmetic, conversions): each response field read is
    /// captured as it is (a field that is not there fails the request, as the script throws
    /// in Postman) and the computed value is given before the next request. Not behind a
    /// guard: there Postman leaves the variable as it was.
    pub(super) fn derived_capture(
        &mut self,
        name: &str,
        value: &Expr,
        guarded: bool,
        missing: &str,
    ) -> Option<Done> {
        if self.phase != Phase::Test || guarded {
            return None;
        }
        // `let token = res.token || res.access_token` was bound as a condition.
        let value = match value {
            Expr::Ident(n) => self.bindings.get(n).unwrap_or(value),
            v => v,
        };
        let mut captures: Vec<(String, Y)> = Vec::new();
        let with = self.with_captures(value, name, &mut captures, false)?;
        if captures.is_empty() {
            return None;
        }
        // `a || b` with neither there is `b`: undefined, stored as a missing value is.
        if let Expr::Binary("||", _, last) = &with
            && let Expr::Jinja(helper) = &**last
            && let Some((_, Y::Map(entries))) = captures.iter_mut().find(|(h, _)| h == helper)
            && let Some((_, default)) = entries.iter_mut().find(|(k, _)| k == "default")
        {
            *default = Y::str(missing);
        }
        let template = self.jinja(&with)?;
        // A field that is not there throws in Postman before the set: the variable keeps what
        // it had, and later requests go out with it (the check that the field is there fails
        // this request, as the script error does in Newman).
        let mut there = Vec::new();
        for (helper, capture) in captures {
            let Y::Map(mut entries) = capture else {
                continue;
            };
            if !entries.iter().any(|(k, _)| k == "default") {
                entries.push(("optional".into(), Y::Bool(true)));
                there.push(format!("{helper} is defined"));
            } else if self.when.is_some() {
                // Its `when:` may not hold: then it takes nothing, default or not.
                there.push(format!("{helper} is defined"));
            }
            self.out.capture.set(helper, Y::Map(entries));
        }
        self.out.captures += 1;
        let ident = super::super::vars::ident(name);
        let value = match there.is_empty() {
            true => format!("{{{{ {template} }}}}"),
            false => format!(
                "{{{{ {template} if {} else ({ident} if {ident} is defined else \"\") }}}}",
                there.join(" and ")
            ),
        };
        self.out.after.set(name, Y::str(value));
        Some(Done::Converted)
    }

    /// The expression with each part that reads a field of the response (not the whole body)
    /// or a header in place as a name it is captured under.
    ///
    /// Under `||` (`res.token || res.access_token`) a field that is not there is `""`, which
    /// minijinja's `or` passes over as JavaScript passes over `undefined`; `list.map(x =>
    /// x.id)` (`$.list[*].id`) is the whole list.
    fn with_captures(
        &self,
        e: &Expr,
        name: &str,
        captures: &mut Vec<(String, Y)>,
        alternative: bool,
    ) -> Option<Expr> {
        let source = match self.subject(e) {
            Some(Subject::Json(p)) if p != "$" => Some(("json", p)),
            Some(Subject::Header(h)) => Some(("header", h)),
            _ => None,
        };
        if let Some((kind, read)) = source {
            let mut capture = vec![(kind.into(), Y::str(read.clone()))];
            if kind == "json" && read.contains("[*]") {
                capture.push(("all".into(), Y::Bool(true)));
            }
            if alternative {
                capture.push(("default".into(), Y::str("")));
            }
            let capture = Y::Map(capture);
            // `id.substring(id.lastIndexOf("/") + 1)` reads one field twice: one capture.
            if let Some((helper, _)) = captures.iter().find(|(_, c)| *c == capture) {
                return Some(Expr::Jinja(helper.clone()));
            }
            if captures.len() >= PARTS_MAX {
                return None;
            }
            let helper = match captures.len() {
                0 => format!("{name}_from_response"),
                n => format!("{name}_from_response_{}", n + 1),
            };
            captures.push((helper.clone(), capture));
            return Some(Expr::Jinja(helper));
        }
        if let Expr::Binary("||", a, b) = e {
            let a = self.with_captures(a, name, captures, true)?;
            let b = self.with_captures(b, name, captures, true)?;
            return Some(Expr::Binary("||", Box::new(a), Box::new(b)));
        }
        let mut go = |x: &Expr, alternative: bool| {
            self.with_captures(x, name, captures, alternative)
                .map(Box::new)
        };
        Some(match e {
            Expr::Call(c, args) => {
                let callee = match &**c {
                    // A method called on a field that is not there throws, `||` or not.
                    Expr::Member(of, m) => Box::new(Expr::Member(go(of, false)?, m.clone())),
                    other => Box::new(other.clone()),
                };
                let args: Option<Vec<Expr>> = (args.iter())
                    .map(|a| go(a, alternative).map(|b| *b))
                    .collect();
                Expr::Call(callee, args?)
            }
            Expr::Member(of, m) => Expr::Member(go(of, alternative)?, m.clone()),
            Expr::Index(of, i) => Expr::Index(go(of, alternative)?, go(i, alternative)?),
            Expr::Binary(op, a, b) => Expr::Binary(op, go(a, alternative)?, go(b, alternative)?),
            Expr::Unary(op, x) => Expr::Unary(op, go(x, alternative)?),
            other => other.clone(),
        })
    }
}

/// The operands of a chain of `+` that joins text (`"JWT " + token`), left to right.
fn flatten(e: &Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::Binary("+", a, b) if !adds(a, b) => {
            flatten(a, out);
            flatten(b, out);
        }
        // `${d.name}:${d.owner.login}`: its text and expressions, as `+` joins them.
        Expr::Template(pieces) => {
            for piece in pieces {
                match piece {
                    super::js::TemplatePart::Text(t) if t.is_empty() => {}
                    super::js::TemplatePart::Text(t) => out.push(Expr::Str(t.clone())),
                    super::js::TemplatePart::Expr(x) => flatten(x, out),
                }
            }
        }
        other => out.push(other.clone()),
    }
}
