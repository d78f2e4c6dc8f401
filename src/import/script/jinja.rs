//! JavaScript over values known before the request, written as minijinja: conditions, template
//! literals, joined text, random values.

use super::*;

impl Converter {
    /// `pm.iterationData.has("n") ? pm.iterationData.get("n") : 5`: minijinja's `a if c else
    /// b`, a variable asked for by `has` being defined and not empty (other conditions are
    /// true as JavaScript reads them: minijinja's truth is the same for texts, numbers, none).
    pub(super) fn cond_jinja(&self, c: &Expr, a: &Expr, b: &Expr) -> Option<String> {
        let cond = self.condition_jinja(c)?;
        Some(format!(
            "({} if {cond} else {})",
            self.jinja(a)?,
            self.jinja(b)?
        ))
    }

    /// A condition over values known before the request as a minijinja test: `!`, `&&`,
    /// `||` and comparisons of what [`Self::jinja`] reads (truth is the same for texts,
    /// numbers and none).
    pub(super) fn condition_jinja(&self, c: &Expr) -> Option<String> {
        let side = |x: &Expr| self.condition_jinja(x);
        Some(match c {
            Expr::Unary("!", x) => format!("not {}", side(x)?),
            Expr::Binary("&&", a, b) => format!("({} and {})", side(a)?, side(b)?),
            Expr::Binary("||", a, b) => format!("({} or {})", side(a)?, side(b)?),
            Expr::Binary(op @ ("===" | "==" | "!==" | "!=" | "<" | "<=" | ">" | ">="), a, b) => {
                let op = match *op {
                    "===" => "==",
                    "!==" => "!=",
                    other => other,
                };
                format!("({} {op} {})", self.jinja(a)?, self.jinja(b)?)
            }
            _ => match self.subject(c) {
                // The import declares a variable the export does not define as "": not set.
                Some(Subject::VarSet(name)) => {
                    let n = crate::import::vars::ident(&name);
                    format!("({n} is defined and {n} != \"\")")
                }
                // A variable the export defines nowhere is declared as its own `{{name}}`
                // text (what Newman sends), which a script's `get()` reads as `undefined`.
                // One a script set to `null` is the text `null` in yarc, false in Newman.
                Some(Subject::Value(Y::Str(t))) if let Some(n) = var_name(&t) => {
                    match self.known_nulls.contains(&n) {
                        true => format!("({n} and {n} != \"{{{{{n}}}}}\" and {n} != \"null\")"),
                        false => read_as_postman(&n),
                    }
                }
                _ => match self.jinja(c)? {
                    j if j.contains(' ') => format!("({j})"),
                    j => j,
                },
            },
        })
    }

    /// A template literal: the value it is, or (`${k}=${params[k]}` of a value only a
    /// template can say) its parts each known before the request, joined as text.
    pub(super) fn template_jinja(&self, e: &Expr, parts: &[js::TemplatePart]) -> Option<String> {
        match self.subject(e) {
            Some(Subject::Value(v)) => return jinja_of(&v),
            Some(_) => return None,
            None => {}
        }
        let parts: Option<Vec<String>> = parts
            .iter()
            .map(|p| match p {
                js::TemplatePart::Text(t) => serde_json::to_string(t).ok(),
                js::TemplatePart::Expr(x) => Some(format!("({} | string)", self.jinja(x)?)),
            })
            .collect();
        Some(format!("({})", parts?.join(" ~ ")))
    }

    /// A JavaScript expression over values known before the request as a minijinja one:
    /// variables (`pm.*.get`, aliases), literals, `||`, `parseInt`/`Number`, arithmetic
    /// (`n + 1` counts: a variable read next to a number is read as a number, as a counter
    /// means it).
    pub(super) fn jinja(&self, e: &Expr) -> Option<String> {
        if let Some(call) = clock::renewed(e) {
            return self.jinja(&call);
        }
        if let Expr::Binary("+", ..) = e
            && let Some(made) = self.clock_text(e).and_then(|(at, f)| at.now(&f))
        {
            return Some(made);
        }
        let method = match e {
            Expr::Call(c, a) => self.method_jinja(c, a),
            Expr::Index(list, i) => self.index_jinja(list, i),
            _ => self.length_jinja(e),
        };
        let made = self.random_jinja(e).or_else(|| self.digest_jinja(e));
        if let Some(made) = made.or_else(|| self.built_jinja(e)).or(method) {
            return Some(made);
        }
        Some(match e {
            Expr::Num(n) => number(*n)?.to_string(),
            Expr::Str(s) if !s.contains("{{") => serde_json::to_string(s).ok()?,
            Expr::Bool(b) => b.to_string(),
            Expr::Null | Expr::Undefined => "none".into(),
            Expr::Template(parts) => self.template_jinja(e, parts)?,
            Expr::Cond(c, a, b) => self.cond_jinja(c, a, b)?,
            Expr::Ident(_) | Expr::Member(..) | Expr::Index(..) => match self.subject(e)? {
                Subject::Value(v) => jinja_of(&v)?,
                _ => return None,
            },
            Expr::Call(..) if base64_of(e).is_some() => {
                format!("({} | base64_encode)", self.jinja(base64_of(e)?)?)
            }
            Expr::Call(callee, args) => match (path(callee).as_deref(), args.as_slice()) {
                (Some(f @ ("parseInt" | "Number" | "parseFloat")), [x, ..]) => {
                    self.number_jinja(f, x)?
                }
                _ => match self
                    .made_value(e)
                    .map(Subject::Value)
                    .or_else(|| self.call(callee, args))?
                {
                    Subject::Value(v) => jinja_of(&v)?,
                    _ => return None,
                },
            },
            Expr::Binary("||", a, b) => format!("({} or {})", self.jinja(a)?, self.jinja(b)?),
            Expr::Binary("??", a, b) => {
                let (x, y) = (self.jinja(a)?, self.jinja(b)?);
                match crate::import::vars::is_word(&x) {
                    true => super::nullish(&x, &y),
                    false => format!("({x} if {x} is not none else {y})"),
                }
            }
            Expr::Binary(op @ ("+" | "-" | "*" | "/" | "%"), a, b) => {
                self.arithmetic_jinja(op, a, b)?
            }
            _ => return None,
        })
    }

    /// `a + b`, `a - b`, ...: text joined, or a number worked out.
    fn arithmetic_jinja(&self, op: &str, a: &Expr, b: &Expr) -> Option<String> {
        if op == "+" && !self.sums(a, b) {
            // Text joined: `id + ':' + secret`; a sum joined is summed first.
            let part = |x: &Expr| -> Option<String> {
                // A variable's `undefined` joins as the word (see `joined_as_postman`).
                // One a script sets has a value by then.
                if let Some(Subject::Value(Y::Str(t))) = self.subject(x)
                    && let Some(n) = var_name(&t)
                    && !self.known_sets.contains(&n)
                    && !(self.out.set_names.iter()).any(|s| crate::import::vars::ident(s) == n)
                {
                    return Some(super::joined_as_postman(&n));
                }
                let j = self.jinja(x)?;
                Some(match x {
                    Expr::Binary("+", p, q) if self.sums(p, q) => format!("({j})"),
                    Expr::Binary("-" | "*" | "/" | "%", ..) => format!("({j})"),
                    _ => j,
                })
            };
            return Some(format!("({} ~ {})", part(a)?, part(b)?));
        }
        if op == "+"
            && let Some(plus) = self.plus_of_unknown(a, b)
        {
            return Some(plus);
        }
        // A variable in arithmetic is read as JavaScript reads it (`number`: blank text
        // is 0, what is no number `NaN`, which Newman sends), never an error.
        let side = |x: &Expr| -> Option<String> {
            let j = self.jinja(x)?;
            Some(match is_numeric(x) {
                true => j,
                false => format!("({j} | number)"),
            })
        };
        // Whole in parentheses: a filter after it (`String(a % b)`) or an operand
        // around it (`a - (b - c)`) binds to all of it, as in JavaScript.
        Some(format!("({} {op} {})", side(a)?, side(b)?))
    }

    /// `get("hits") + 1`: JavaScript joins a text (`"3" + 1` is `"31"`) and adds a number,
    /// and whether the variable holds text is known only when it runs (the export's values
    /// are text, a JSON field may be either).
    fn plus_of_unknown(&self, a: &Expr, b: &Expr) -> Option<String> {
        let (x, n, x_first) = match (is_numeric(a), is_numeric(b)) {
            (false, true) => (a, b, true),
            (true, false) => (b, a, false),
            _ => return None,
        };
        let (x, n) = (self.jinja(x)?, self.jinja(n)?);
        if !crate::import::vars::is_word(&x) {
            return None;
        }
        Some(match x_first {
            true => format!("(({x} ~ {n}) if {x} is string else (({x} | number) + {n}))"),
            false => format!("(({n} ~ {x}) if {x} is string else ({n} + ({x} | number)))"),
        })
    }

    /// What a variable holds, its length (`left.length` of a list a script keeps).
    fn length_jinja(&self, e: &Expr) -> Option<String> {
        match e {
            Expr::Member(x, m) if m == "length" => {
                Some(format!("({} | length)", self.variable_read(x)?))
            }
            _ => None,
        }
    }

    /// `parseInt(x)`, `Number(x)`, `parseFloat(x)`: `x` as a whole number, as JavaScript's
    /// `Number` reads it (`"9.6"` is 9.6, not 9), or a float.
    fn number_jinja(&self, f: &str, x: &Expr) -> Option<String> {
        let f = match f {
            "parseFloat" => "float",
            "Number" => "number",
            _ => "int",
        };
        // A filter binds closer than arithmetic: `(a / 1000) | int`.
        let inner = self.jinja(x)?;
        Some(match inner.contains(' ') && !enclosed(&inner) {
            true => format!("(({inner}) | {f})"),
            false => format!("({inner} | {f})"),
        })
    }

    /// A random value: [`random_jinja`], or a whole number plus one
    /// (`Math.floor(Date.now() + Math.random() * 10000)`).
    pub(super) fn random_jinja(&self, e: &Expr) -> Option<String> {
        if let Some(random) = random_jinja(e) {
            return Some(random);
        }
        if let Some(range) = self.random_in_range(e) {
            return Some(range);
        }
        let (whole, n) = whole_plus_random(e)?;
        Some(format!("{} + random_int(0, {})", self.jinja(whole)?, n - 1))
    }

    /// `Math.round(Math.random() * (max - min)) + min` (`Math.floor(...(max - min + 1)) + min`)
    /// of numbers known before the run: a whole number from `min`, both ends as JavaScript
    /// makes them.
    fn random_in_range(&self, e: &Expr) -> Option<String> {
        let Expr::Binary("+", a, b) = e else {
            return None;
        };
        let whole = |x: &Expr| {
            let n = self.number(x)?;
            (n.fract() == 0.0 && n.abs() <= 9e15).then_some(n as i64)
        };
        fn rounded(x: &Expr) -> Option<(&'static str, &Expr)> {
            ["Math.floor", "Math.round", "Math.ceil"]
                .into_iter()
                .find_map(|r| super::rounded_random(x, r).map(|k| (r, k)))
        }
        let ((rounding, factor), low) = match (rounded(a), rounded(b)) {
            (Some(r), None) => (r, whole(b)?),
            (None, Some(r)) => (r, whole(a)?),
            _ => return None,
        };
        let k = whole(factor)?;
        let (from, to) = match rounding {
            "Math.floor" => (low, low + k - 1),
            "Math.round" => (low, low + k),
            _ => (low + 1, low + k),
        };
        (k > 0 && from <= to).then(|| format!("random_int({from}, {to})"))
    }

    /// `` `${host}/realms/${realm}/token` ``: its text, when every expression in it is known.
    pub(super) fn template_text(&self, parts: &[js::TemplatePart]) -> Option<Y> {
        let mut out = String::new();
        for p in parts {
            match p {
                js::TemplatePart::Text(t) => {
                    out.push_str(&crate::import::vars::convert(t, &mut Vec::new()))
                }
                js::TemplatePart::Expr(e) => match self.value(e)? {
                    Y::Str(s) => out.push_str(&s),
                    Y::Num(n) => out.push_str(&n.to_string()),
                    Y::Bool(b) => out.push_str(&b.to_string()),
                    _ => return None,
                },
            }
        }
        Some(Y::Str(out))
    }

    /// `'Profile ' + id`: text known before the run, joined (templates included).
    pub(super) fn concat(&self, a: &Expr, b: &Expr) -> Option<Y> {
        let text = |y: Y| match y {
            Y::Str(s) => Some(s),
            Y::Num(n) => Some(n.to_string()),
            _ => None,
        };
        let (a, b) = (text(self.value(a)?)?, text(self.value(b)?)?);
        Some(Y::Str(a + &b))
    }
}

/// Whether a Jinja expression is one group in parentheses, `(a) | b` is not: a filter after it
/// binds to all of it.
pub(super) fn enclosed(j: &str) -> bool {
    j.strip_prefix('(')
        .and_then(|b| b.strip_suffix(')'))
        .is_some_and(|body| super::balanced(body, true))
}
