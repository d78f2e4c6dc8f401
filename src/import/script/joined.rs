//! A value a test script joins from the response and text: `set("JWT", "JWT " +
//! data.access_token)`, `set("name", data.first + " " + data.last)`. yarc captures values as
//! they are, so each part read from the response is captured under a name of its own
//! (`JWT_from_response`) and the joined text is given before the next request (`set:` there),
//! when Postman's set has happened too.

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
        for (helper, capture) in captures {
            self.out.capture.set(helper, capture);
        }
        self.out.captures += 1;
        self.out
            .after
            .set(name, Y::str(format!("{{{{ {} }}}}", pieces.join(" ~ "))));
        Some(Done::Converted)
    }
}

/// The operands of a chain of `+` that joins text (`"JWT " + token`), left to right.
fn flatten<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::Binary("+", a, b) if !adds(a, b) => {
            flatten(a, out);
            flatten(b, out);
        }
        other => out.push(other),
    }
}
