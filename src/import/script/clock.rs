//! Times and text a script computes before the request: `new Date()` moved with
//! `setDate(getDate() + 1)`, read back with `getFullYear()` or `toISOString()`, padded with
//! `("0" + m).slice(-2)` and joined with `[y, m, d].join("-")` — as yarc's `now(format,
//! offset)` and minijinja filters, so the value is made when the request is sent, as in
//! Postman.

use super::js::{Expr, Stmt, StmtKind};
use super::{Converter, Subject, path};
use crate::import::yaml_out::Y;

/// A time made from the clock: now, moved by whole calendar months and by milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Shift {
    months: i64,
    millis: i64,
    /// The time of day a script set (`d.setHours(10, 0, 0, 0)`): hours, minutes, seconds and
    /// milliseconds, each when given — written as they are, in UTC (Newman's local time on
    /// a CI runner, whose zone is UTC).
    clock: [Option<u32>; 4],
}

impl Shift {
    /// The offset as `now()` reads it (`None`: none); `Err` for what it cannot say (months and
    /// seconds together, parts of a second).
    fn offset(self) -> Result<Option<String>, ()> {
        let said = |n: i64, unit: &str| match n.unsigned_abs() {
            1 => format!("{n} {unit}"),
            _ => format!("{n} {unit}s"),
        };
        const UNITS: &[(i64, &str)] = &[
            (86_400_000, "day"),
            (3_600_000, "hour"),
            (60_000, "minute"),
            (1000, "second"),
        ];
        match (self.months, self.millis) {
            (0, 0) => Ok(None),
            (m, 0) if m % 12 == 0 => Ok(Some(said(m / 12, "year"))),
            (m, 0) => Ok(Some(said(m, "month"))),
            (0, ms) => match UNITS.iter().find(|(u, _)| ms % u == 0) {
                Some((u, unit)) => Ok(Some(said(ms / u, unit))),
                None => Err(()),
            },
            // `1 year 7 days`: calendar months first, as moment added them; one direction.
            (m, ms) if (m > 0) == (ms > 0) => {
                let months = Shift {
                    months: m,
                    millis: 0,
                    ..Default::default()
                }
                .offset()?
                .ok_or(())?;
                let rest = Shift {
                    months: 0,
                    millis: ms.abs(),
                    ..Default::default()
                }
                .offset()?
                .ok_or(())?;
                Ok(Some(format!("{months} {rest}")))
            }
            _ => Err(()),
        }
    }

    /// Moved by `n` units (none when a script's number is past what a time can hold).
    fn moved(self, n: i64, unit: Shift) -> Option<Shift> {
        Some(Shift {
            months: self.months.checked_add(n.checked_mul(unit.months)?)?,
            millis: self.millis.checked_add(n.checked_mul(unit.millis)?)?,
            clock: self.clock,
        })
    }

    /// With the time of day a setter gives (`setHours(10, 0, 0, 0)`: from hours on; each
    /// argument the next field), the fields it leaves as they were.
    fn at_clock(self, first: usize, fields: &[u32]) -> Option<Shift> {
        const LIMITS: [u32; 4] = [24, 60, 60, 1000];
        let mut clock = self.clock;
        for (i, v) in fields.iter().enumerate() {
            let at = first + i;
            (at < 4 && *v < LIMITS[at]).then_some(())?;
            clock[at] = Some(*v);
        }
        Some(Shift { clock, ..self })
    }

    /// A strftime format with the fields the script set written as they are.
    fn with_clock(self, format: &str) -> String {
        let [h, m, s, ms] = self.clock;
        let mut out = format.to_string();
        for (field, v) in [
            ("%H", h.map(|h| format!("{h:02}"))),
            ("%M", m.map(|m| format!("{m:02}"))),
        ] {
            if let Some(v) = v {
                out = out.replace(field, &v);
            }
        }
        // `%S%.3f`: seconds and then milliseconds, either set alone.
        if let Some(s) = s {
            out = out.replace("%S", &format!("{s:02}"));
        }
        if let Some(ms) = ms {
            out = out.replace("%.3f", &format!(".{ms:03}"));
        }
        out
    }

    /// `now(format, offset)` as a minijinja expression.
    pub(super) fn now(self, format: &str) -> Option<String> {
        let format = match (self.clock.iter().any(Option::is_some), format) {
            (true, "") => &self.with_clock(ISO),
            (true, f) => &self.with_clock(f),
            (false, f) => f,
        };
        let format = if format == ISO { "" } else { format };
        let f = serde_json::to_string(format).ok()?;
        Some(match self.offset().ok()? {
            None if format.is_empty() => "now()".into(),
            None => format!("now({f})"),
            Some(o) => format!("now({f}, {})", serde_json::to_string(&o).ok()?),
        })
    }
}

/// What `toUTCString()` writes: an HTTP date, `Sat, 05 Dec 2026 17:13:31 GMT`.
const HTTP_DATE: &str = "%a, %d %b %Y %H:%M:%S GMT";

/// What `toISOString()` writes, as `now()` writes it without a format.
const ISO: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

/// The first characters of an ISO time a script cuts (`.slice(0, 7)`), as strftime.
const ISO_PREFIXES: &[(i64, &str)] = &[
    (4, "%Y"),
    (7, "%Y-%m"),
    (10, "%Y-%m-%d"),
    (13, "%Y-%m-%dT%H"),
    (16, "%Y-%m-%dT%H:%M"),
    (19, "%Y-%m-%dT%H:%M:%S"),
];

/// A getter whose value a script pads to two digits, as a strftime field.
const PADDED: &[(&str, &str)] = &[
    ("getDate", "%d"),
    ("getHours", "%H"),
    ("getMinutes", "%M"),
    ("getSeconds", "%S"),
];

/// The setter, the getter it is paired with, and what one of its units moves.
const PARTS: &[(&str, &str, Shift)] = &[
    (
        "setDate",
        "getDate",
        Shift {
            months: 0,
            millis: 86_400_000,
            clock: [None; 4],
        },
    ),
    (
        "setHours",
        "getHours",
        Shift {
            months: 0,
            millis: 3_600_000,
            clock: [None; 4],
        },
    ),
    (
        "setMinutes",
        "getMinutes",
        Shift {
            months: 0,
            millis: 60_000,
            clock: [None; 4],
        },
    ),
    (
        "setSeconds",
        "getSeconds",
        Shift {
            months: 0,
            millis: 1000,
            clock: [None; 4],
        },
    ),
    (
        "setMilliseconds",
        "getMilliseconds",
        Shift {
            months: 0,
            millis: 1,
            clock: [None; 4],
        },
    ),
    (
        "setTime",
        "getTime",
        Shift {
            months: 0,
            millis: 1,
            clock: [None; 4],
        },
    ),
    (
        "setMonth",
        "getMonth",
        Shift {
            months: 1,
            millis: 0,
            clock: [None; 4],
        },
    ),
    (
        "setFullYear",
        "getFullYear",
        Shift {
            months: 12,
            millis: 0,
            clock: [None; 4],
        },
    ),
];

/// A getter as a number made by `now()`: its strftime field, and what is added to it (a
/// JavaScript month counts from 0).
const GETTERS: &[(&str, &str, i64)] = &[
    ("getFullYear", "%Y", 0),
    ("getMonth", "%-m", -1),
    ("getDate", "%-d", 0),
    ("getDay", "%w", 0),
    ("getHours", "%-H", 0),
    ("getMinutes", "%-M", 0),
    ("getSeconds", "%-S", 0),
];

/// `getUTCDate` and `setUTCHours` are the plain ones on a CI machine's clock
/// (`toUTCString` is its own: an HTTP date, not `toString`'s text).
fn local(method: &str) -> String {
    match method {
        "toUTCString" | "toGMTString" => "toUTCString".into(),
        m => m.replacen("UTC", "", 1),
    }
}

/// A number known without running anything: `24 * 60 * 60 * 1000`.
fn constant(e: &Expr) -> Option<f64> {
    match e {
        Expr::Num(n) => Some(*n),
        Expr::Unary("-", x) => Some(-constant(x)?),
        Expr::Binary(op, a, b) => {
            let (a, b) = (constant(a)?, constant(b)?);
            match *op {
                "+" => Some(a + b),
                "-" => Some(a - b),
                "*" => Some(a * b),
                "/" if b != 0.0 => Some(a / b),
                _ => None,
            }
        }
        _ => None,
    }
}

fn whole(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() < 9e15).then_some(n as i64)
}

/// `new X(...).m()` is read as `new (X(...).m())`: `new` belongs to the innermost call of
/// `Date`, which this puts back.
fn renew(e: &Expr) -> Expr {
    let Expr::Unary("new", inner) = e else {
        return e.clone();
    };
    fn down(e: &Expr) -> Option<Expr> {
        Some(match e {
            Expr::Call(c, a) if matches!(&**c, Expr::Ident(d) if d == "Date") => {
                Expr::Unary("new", Box::new(Expr::Call(c.clone(), a.clone())))
            }
            Expr::Ident(d) if d == "Date" => {
                Expr::Unary("new", Box::new(Expr::Call(Box::new(e.clone()), vec![])))
            }
            Expr::Call(c, a) => Expr::Call(Box::new(down(c)?), a.clone()),
            Expr::Member(x, m) => Expr::Member(Box::new(down(x)?), m.clone()),
            Expr::Index(x, i) => Expr::Index(Box::new(down(x)?), i.clone()),
            _ => return None,
        })
    }
    down(inner).unwrap_or_else(|| e.clone())
}

/// `new (Date().m())` as `(new Date()).m()`, when `new` was read around a call of it.
pub(super) fn renewed(e: &Expr) -> Option<Expr> {
    let r = renew(e);
    (matches!(e, Expr::Unary("new", _)) && !matches!(r, Expr::Unary("new", _))).then_some(r)
}

impl Converter {
    /// The time an expression makes: `new Date()`, `new Date(Date.now() + 86400000)`, or a
    /// name bound to one.
    pub(super) fn date_of(&self, e: &Expr) -> Option<Shift> {
        match renew(e) {
            Expr::Ident(n) => self.dates.get(&n).copied(),
            // moment(), moment(date), and moment's .add(n, unit) / .subtract(n, unit) on them.
            Expr::Call(c, args) => match (&*c, args.as_slice()) {
                (Expr::Ident(m), []) if m == "moment" => Some(Shift::default()),
                // `moment().utc()`: the same time, which yarc writes in UTC anyway.
                (Expr::Member(inner, how), []) if how == "utc" => self.date_of(inner),
                (Expr::Ident(m), [d]) if m == "moment" => self.date_of(d).or_else(|| match d {
                    Expr::Ident(n) => self.formatted.get(n).copied(),
                    _ => None,
                }),
                // (moment's old order, `.add("days", 1)`, is still read by moment.)
                (Expr::Member(inner, how), [n, Expr::Str(unit)] | [Expr::Str(unit), n])
                    if how == "add" || how == "subtract" =>
                {
                    let at = self.date_of(inner)?;
                    let n = whole(constant(n)?)?;
                    let n = if how == "subtract" { -n } else { n };
                    let (months, millis) = match unit.as_str() {
                        "d" | "day" | "days" => (0, 86_400_000),
                        "w" | "week" | "weeks" => (0, 7 * 86_400_000),
                        "h" | "hour" | "hours" => (0, 3_600_000),
                        "m" | "minute" | "minutes" => (0, 60_000),
                        "s" | "second" | "seconds" => (0, 1000),
                        "M" | "month" | "months" => (1, 0),
                        "y" | "year" | "years" => (12, 0),
                        _ => return None,
                    };
                    at.moved(
                        n,
                        Shift {
                            months,
                            millis,
                            ..Default::default()
                        },
                    )
                }
                _ => None,
            },
            // `new Date(...)` only: `new Ajv()` is no time.
            Expr::Unary("new", inner) => match &*inner {
                Expr::Call(class, args) if matches!(&**class, Expr::Ident(d) if d == "Date") => {
                    match args.as_slice() {
                        [] => Some(Shift::default()),
                        [Expr::Binary(op @ ("+" | "-"), a, b)] if self.millis_now(a) => {
                            let k = whole(self.number(b)?)?;
                            let millis = if *op == "-" { k.checked_neg()? } else { k };
                            Some(Shift {
                                months: 0,
                                millis,
                                ..Default::default()
                            })
                        }
                        // `new Date(new Date().setFullYear(new Date().getFullYear() + 10))`: a
                        // setter answers the moved time; `new Date(end)` copies a time.
                        [set] => self.date_of(set).or_else(|| self.moved(&renew(set))),
                        _ => None,
                    }
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// A number known before the run: written, or a local made of numbers
    /// (`const delay = 1000 * 3600 * 24`).
    pub(super) fn number(&self, e: &Expr) -> Option<f64> {
        constant(e).or_else(|| match self.folded(e)? {
            Expr::Num(n) => Some(n),
            _ => None,
        })
    }

    /// `Date.now()`, `new Date().getTime()`: the clock in milliseconds, unmoved.
    fn millis_now(&self, e: &Expr) -> bool {
        match renew(e) {
            Expr::Call(c, a) if a.is_empty() => match &*c {
                Expr::Member(d, m) if m == "getTime" || m == "valueOf" => {
                    self.date_of(d) == Some(Shift::default())
                }
                _ => path(&c).as_deref() == Some("Date.now"),
            },
            _ => false,
        }
    }

    /// `d.setDate(d.getDate() + 1)`: the time bound to `d` moves. `None` when `e` is no such
    /// call; `Some(false)` when it is one this cannot follow (the name then stands for nothing).
    pub(super) fn date_moved(&mut self, e: &Expr) -> Option<bool> {
        let Expr::Call(callee, _) = e else {
            return None;
        };
        let Expr::Member(target, setter) = &**callee else {
            return None;
        };
        let Expr::Ident(name) = &**target else {
            return None;
        };
        self.dates.get(name)?;
        if !PARTS.iter().any(|(s, ..)| *s == local(setter)) {
            return None;
        }
        match self.moved(e) {
            Some(s) => {
                self.dates.insert(name.clone(), s);
                Some(true)
            }
            None => {
                self.dates.remove(name);
                Some(false)
            }
        }
    }

    /// `today.add(2, "day")` moves `today` itself (moment's objects change in place): after a
    /// statement, each moment local it moved holds where the outermost `.add` / `.subtract`
    /// left it; one moved in a way this does not follow is forgotten.
    pub(super) fn moments_moved(&mut self, s: &Stmt) {
        let mut moved = Vec::new();
        let mut visit = |e: &Expr| self.moved_moments(e, &mut moved);
        match &s.kind {
            StmtKind::Expr(e) | StmtKind::Throw(e) | StmtKind::Return(Some(e)) => visit(e),
            StmtKind::Assign(t, v) => {
                visit(t);
                visit(v);
            }
            StmtKind::Let(decls) => decls.iter().for_each(|(_, v)| visit(v)),
            StmtKind::If(c, ..) => visit(c),
            _ => {}
        }
        for (name, at) in moved {
            match at {
                Some(at) => self.dates.insert(name, at),
                None => self.dates.remove(&name),
            };
        }
    }

    /// The moment locals an expression moves, with where each ends up.
    fn moved_moments(&self, e: &Expr, out: &mut Vec<(String, Option<Shift>)>) {
        if let Expr::Call(callee, _) = e
            && let Expr::Member(inner, how) = &**callee
            && (how == "add" || how == "subtract")
            && let Some(name) = root_ident(inner)
            && self.dates.contains_key(name)
        {
            out.push((name.to_string(), self.date_of(e)));
            return;
        }
        match e {
            Expr::Member(x, _) | Expr::Unary(_, x) => self.moved_moments(x, out),
            Expr::Index(x, y) | Expr::Binary(_, x, y) => {
                self.moved_moments(x, out);
                self.moved_moments(y, out);
            }
            Expr::Call(c, args) => {
                self.moved_moments(c, out);
                args.iter().for_each(|a| self.moved_moments(a, out));
            }
            Expr::Cond(c, x, y) => {
                self.moved_moments(c, out);
                self.moved_moments(x, out);
                self.moved_moments(y, out);
            }
            Expr::Array(items) => items.iter().for_each(|i| self.moved_moments(i, out)),
            Expr::Object(fields) => fields.iter().for_each(|(_, v)| self.moved_moments(v, out)),
            _ => {}
        }
    }

    /// The time `d.setDate(d.getDate() + n)` sets `d` to (for a `d` this follows).
    fn moved(&self, e: &Expr) -> Option<Shift> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        let Expr::Member(target, setter) = &**callee else {
            return None;
        };
        let at = self.date_of(target)?;
        // `d.setHours(10, 0, 0, 0)`: a time of day written out.
        let first = ["setHours", "setMinutes", "setSeconds", "setMilliseconds"]
            .iter()
            .position(|s| *s == local(setter));
        let fields: Option<Vec<u32>> = (args.iter())
            .map(|a| {
                constant(a)
                    .and_then(whole)
                    .and_then(|n| u32::try_from(n).ok())
            })
            .collect();
        if let (Some(first), Some(fields)) = (first, fields)
            && !fields.is_empty()
        {
            return at.at_clock(first, &fields);
        }
        let (_, getter, unit) = PARTS.iter().find(|(s, ..)| *s == local(setter))?;
        let [Expr::Binary(op @ ("+" | "-"), read, by)] = args.as_slice() else {
            return None;
        };
        let reads_back = match renew(read) {
            Expr::Call(c, a) if a.is_empty() => match &*c {
                Expr::Member(t, g) => local(g) == *getter && self.date_of(t) == Some(at),
                _ => false,
            },
            _ => false,
        };
        let n = whole(constant(by)?)?;
        let n = if *op == "-" { -n } else { n };
        reads_back.then_some(())?;
        at.moved(n, *unit)
    }

    /// Text a script makes of one time (`[d.getFullYear(), ("0" + (d.getMonth() + 1)).slice(-2),
    /// ...].join("-")`, `d.toISOString().substring(0, 10)`), as that time and one strftime
    /// format, so it is written as one `now(format, offset)`.
    pub(super) fn clock_text(&self, e: &Expr) -> Option<(Shift, String)> {
        let mut pieces = Vec::new();
        self.clock_pieces(e, &mut pieces)?;
        let at = pieces.iter().find_map(|(at, _)| *at)?;
        if pieces.iter().any(|(p, _)| p.is_some_and(|p| p != at)) {
            return None;
        }
        Some((at, pieces.into_iter().map(|(_, f)| f).collect()))
    }

    /// The parts of `clock_text`: a time's field (with its time) or literal text (without).
    fn clock_pieces(&self, e: &Expr, out: &mut Vec<(Option<Shift>, String)>) -> Option<()> {
        let e = renew(e);
        let num = |x: &Expr| constant(x).and_then(whole);
        match &e {
            Expr::Str(t) => out.push((None, t.replace('%', "%%"))),
            Expr::Binary("+", a, b) if !super::adds(a, b) => {
                self.clock_pieces(a, out)?;
                self.clock_pieces(b, out)?;
            }
            Expr::Index(list, i) if num(i) == Some(0) => {
                let Expr::Call(c, a) = &**list else {
                    return None;
                };
                let (Expr::Member(t, m), [Expr::Str(sep)]) = (&**c, a.as_slice()) else {
                    return None;
                };
                (m == "split" && sep == "T").then_some(())?;
                out.push((Some(self.iso_of(t)?), "%Y-%m-%d".into()));
            }
            Expr::Call(c, args) => self.clock_call(c, args, out)?,
            _ => return None,
        }
        Some(())
    }

    /// The parts of a call `clock_pieces` reads: `d.toISOString()`, `d.format(...)`,
    /// `("0" + x).slice(-2)`, `[...].join("-")`...
    fn clock_call(
        &self,
        c: &Expr,
        args: &[Expr],
        out: &mut Vec<(Option<Shift>, String)>,
    ) -> Option<()> {
        let num = |x: &Expr| constant(x).and_then(whole);
        let (target, method) = match c {
            Expr::Member(t, m) => (renew(t), local(m)),
            _ => return None,
        };
        match (method.as_str(), args) {
            ("toISOString" | "toJSON", []) => out.push((Some(self.date_of(&target)?), ISO.into())),
            ("toUTCString", []) => out.push((Some(self.date_of(&target)?), HTTP_DATE.into())),
            ("getFullYear", []) => out.push((Some(self.date_of(&target)?), "%Y".into())),
            ("format", [Expr::Str(f)]) => {
                out.push((Some(self.date_of(&target)?), super::strftime(f)?))
            }
            // moment's own default: seconds and the offset
            ("format", []) => {
                out.push((Some(self.date_of(&target)?), "%Y-%m-%dT%H:%M:%S%:z".into()))
            }
            ("slice", [n]) if num(n) == Some(-2) => {
                let Expr::Binary("+", zero, x) = &target else {
                    return None;
                };
                (**zero == Expr::Str("0".into())).then_some(())?;
                out.push(self.two_digits(x)?);
            }
            ("padStart", [n, Expr::Str(z)]) if num(n) == Some(2) && z == "0" => {
                let x = match &target {
                    Expr::Call(f, a) if path(f).as_deref() == Some("String") => a.first()?,
                    Expr::Call(f, a) if a.is_empty() => match &**f {
                        Expr::Member(x, m) if m == "toString" => x,
                        _ => return None,
                    },
                    _ => return None,
                };
                out.push(self.two_digits(x)?);
            }
            ("slice" | "substring" | "substr", [a, b]) if num(a) == Some(0) => {
                let at = self.iso_of(&target)?;
                let cut = ISO_PREFIXES.iter().find(|(n, _)| Some(*n) == num(b))?;
                out.push((Some(at), cut.1.into()))
            }
            ("join", _) => self.clock_join(&target, args, out)?,
            _ => return None,
        }
        Some(())
    }

    /// The parts of `[a, b, c].join(sep)`: each item's, with the separator between them.
    fn clock_join(
        &self,
        target: &Expr,
        args: &[Expr],
        out: &mut Vec<(Option<Shift>, String)>,
    ) -> Option<()> {
        let Expr::Array(items) = target else {
            return None;
        };
        let sep = match args {
            [] => ",".to_string(),
            [Expr::Str(s)] => s.replace('%', "%%"),
            _ => return None,
        };
        for (k, item) in items.iter().enumerate() {
            if k > 0 {
                out.push((None, sep.clone()));
            }
            self.clock_pieces(item, out)?;
        }
        Some(())
    }

    /// The time whose `toISOString()` `e` is.
    fn iso_of(&self, e: &Expr) -> Option<Shift> {
        match renew(e) {
            Expr::Call(c, a) if a.is_empty() => match &*c {
                Expr::Member(d, m) if m == "toISOString" || m == "toJSON" => self.date_of(d),
                _ => None,
            },
            _ => None,
        }
    }

    /// `d.getMonth() + 1`, `d.getDate()`, ... padded to two digits: the strftime field.
    fn two_digits(&self, e: &Expr) -> Option<(Option<Shift>, String)> {
        let getter = |x: &Expr| match renew(x) {
            Expr::Call(c, a) if a.is_empty() => match &*c {
                Expr::Member(d, m) => Some((self.date_of(d)?, local(m))),
                _ => None,
            },
            _ => None,
        };
        if let Expr::Binary("+", g, one) = e
            && constant(one) == Some(1.0)
            && let Some((at, m)) = getter(g)
            && m == "getMonth"
        {
            return Some((Some(at), "%m".into()));
        }
        let (at, m) = getter(e)?;
        let (_, field) = PADDED.iter().find(|(g, _)| *g == m)?;
        Some((Some(at), field.to_string()))
    }

    /// `[a, b].join("-")` of written items, or `ids.join(",")` of a list captured whole.
    fn join_jinja(&self, target: &Expr, args: &[Expr]) -> Option<String> {
        let sep = match args {
            [] => ",".to_string(),
            [Expr::Str(s)] => s.clone(),
            _ => return None,
        };
        let sep = serde_json::to_string(&sep).ok()?;
        match target {
            Expr::Jinja(list) => Some(format!("({list} | join({sep}))")),
            Expr::Array(items) => {
                let items: Option<Vec<String>> = items.iter().map(|i| self.jinja(i)).collect();
                Some(format!("([{}] | join({sep}))", items?.join(", ")))
            }
            _ => None,
        }
    }

    /// A method call on a time or on text computed before the request, as minijinja.
    pub(super) fn method_jinja(&self, callee: &Expr, args: &[Expr]) -> Option<String> {
        let call = Expr::Call(Box::new(callee.clone()), args.to_vec());
        if let Some((at, format)) = self.clock_text(&call) {
            return at.now(&format);
        }
        if let (Some("String"), [x]) = (path(callee).as_deref(), args) {
            return Some(format!("({} | string)", self.jinja(x)?));
        }
        let Expr::Member(target, method) = callee else {
            return None;
        };
        if let ("charAt", [i]) | ("substr", [i, Expr::Num(1.0)]) = (method.as_str(), args)
            && let Some(picked) = self.index_jinja(target, i)
        {
            return Some(picked);
        }
        if let Some(last) = self.last_part_jinja(target, method, args) {
            return Some(last);
        }
        let target = renew(target);
        if let Some(at) = self.date_of(&target) {
            return date_method(at, &local(method), args);
        }
        // `new Date().toISOString().split("T")[0]` is read where the index is (`index_jinja`).
        let num = |e: &Expr| whole(constant(e)?);
        Some(match (method.as_str(), args) {
            ("join", _) => self.join_jinja(&target, args)?,
            ("slice" | "substring", [a]) => format!("({})[{}:]", self.text(&target)?, num(a)?),
            ("slice" | "substring", [a, b]) => {
                format!("({})[{}:{}]", self.text(&target)?, num(a)?, num(b)?)
            }
            ("substr", [a, len]) => {
                let (a, len) = (num(a)?, num(len)?);
                format!("({})[{a}:{}]", self.text(&target)?, a + len)
            }
            ("padStart", [n, Expr::Str(pad)]) if pad.chars().count() == 1 => {
                let n = num(n)?;
                let x = self.text(&target)?;
                let pad = serde_json::to_string(pad).ok()?;
                format!("({x} | pad_start({n}, {pad}))")
            }
            // On a text, as a condition (`url.includes("dev")`; `has`, which Postman's legacy
            // sandbox gives every text): minijinja's `in` finds text.
            ("includes" | "has", [x]) => format!("({} in {})", self.text(x)?, self.text(&target)?),
            ("toString", []) => self.text(&target)?,
            ("toUpperCase", []) => format!("({} | upper)", self.text(&target)?),
            ("toLowerCase", []) => format!("({} | lower)", self.text(&target)?),
            ("trim", []) => format!("({} | trim)", self.text(&target)?),
            // `phone.replace(/-/g, "")`, `text.replaceAll(" ", "_")`: every match replaced.
            ("replace", [Expr::Regex(body, flags), Expr::Str(to)]) if flags == "g" => {
                let from = regex_literal(body)?;
                let (from, to) = (json_text(&from)?, json_text(to)?);
                format!("({} | replace({from}, {to}))", self.text(&target)?)
            }
            ("replaceAll", [Expr::Str(from), Expr::Str(to)]) if !from.is_empty() => {
                let (from, to) = (json_text(from)?, json_text(to)?);
                format!("({} | replace({from}, {to}))", self.text(&target)?)
            }
            ("concat", more) if !more.is_empty() => {
                let mut parts = vec![self.text(&target)?];
                for m in more {
                    parts.push(self.text(m)?);
                }
                format!("({})", parts.join(" ~ "))
            }
            _ => return None,
        })
    }

    /// `text.split("T")[0]` (on a time's ISO text: its date).
    /// `reasons[pm.variables.get("code")]` of an object the script wrote: a lookup table,
    /// `none` for a key it does not have (JavaScript's `undefined`).
    fn looked_up(&self, table: &Expr, key: &Expr) -> Option<String> {
        if matches!(key, Expr::Str(_) | Expr::Num(_)) {
            return None;
        }
        let Expr::Ident(name) = table else {
            return None;
        };
        let Some(Subject::Value(entries @ Y::Map(_))) = self.subject(table) else {
            return None;
        };
        if entries.entries().is_empty() || self.written_into_anywhere(name) {
            return None;
        }
        let map = super::jinja_of(&entries)?;
        let key = format!("({} | string)", self.jinja(key)?);
        Some(format!("({map}[{key}] | default(none))"))
    }

    pub(super) fn index_jinja(&self, list: &Expr, index: &Expr) -> Option<String> {
        let at = Expr::Index(Box::new(list.clone()), Box::new(index.clone()));
        if let Some((at, format)) = self.clock_text(&at) {
            return at.now(&format);
        }
        // `cards[Math.floor(Math.random() * 5)]`: one of the first five, picked at random;
        // `* cards.length`: any of them.
        if let Some(factor) = super::random_factor(index)
            && let Some(Subject::Value(Y::Seq(items))) = self.subject(list)
            && !items.is_empty()
        {
            let len = i64::try_from(items.len()).ok()?;
            let n = match factor {
                Expr::Member(of, m) if m == "length" && **of == *list => len,
                f => super::whole_factor(f)?,
            };
            let n = n.min(len);
            let list = super::jinja_of(&Y::Seq(items))?;
            return Some(format!("{list}[random_int(0, {})]", n - 1));
        }
        // `chars[Math.floor(Math.random() * chars.length)]` of a text the script wrote: one of
        // its characters (`charAt` and `substr(i, 1)` read here too).
        if let Some(factor) = super::random_factor(index)
            && let Some(Expr::Str(text)) = self.folded(list)
            && !text.is_empty()
        {
            let len = i64::try_from(text.chars().count()).ok()?;
            let n = match factor {
                Expr::Member(of, m) if m == "length" && **of == *list => len,
                f => whole(self.number(f)?)?,
            };
            let n = n.min(len);
            if n < 1 {
                return None;
            }
            let literal = serde_json::to_string(&text).ok()?;
            return Some(format!("{literal}[random_int(0, {})]", n - 1));
        }
        if let Some(looked_up) = self.looked_up(list, index) {
            return Some(looked_up);
        }
        let Expr::Call(callee, args) = list else {
            return None;
        };
        let (Expr::Member(text, m), [Expr::Str(sep)]) = (&**callee, args.as_slice()) else {
            return None;
        };
        let i = whole(constant(index)?)?;
        if m != "split" || i < 0 {
            return None;
        }
        if let Expr::Call(c, a) = renew(text)
            && a.is_empty()
            && let Expr::Member(d, iso) = &*c
            && iso == "toISOString"
            && let Some(at) = self.date_of(d)
            && sep == "T"
        {
            return match i {
                0 => at.now("%Y-%m-%d"),
                _ => at.now("%H:%M:%S%.3fZ"),
            };
        }
        let sep = serde_json::to_string(sep).ok()?;
        Some(format!("(({}) | split({sep}))[{i}]", self.text(text)?))
    }

    /// What follows the last separator: `id.split("/").pop()` (or `.at(-1)`), and
    /// `id.substring(id.lastIndexOf("/") + 1)` (also `substr`, `slice`) — the whole text when
    /// it has none, in both.
    fn last_part_jinja(&self, target: &Expr, method: &str, args: &[Expr]) -> Option<String> {
        let (text, sep) = match (method, args) {
            ("pop", []) | ("at", [_]) if method == "pop" || super::is_minus_one(args) => {
                let Expr::Call(c, a) = target else {
                    return None;
                };
                let (Expr::Member(text, split), [Expr::Str(sep)]) = (&**c, a.as_slice()) else {
                    return None;
                };
                (split == "split").then_some((&**text, sep))?
            }
            ("substring" | "substr" | "slice", [Expr::Binary("+", at, one)])
                if **one == Expr::Num(1.0) =>
            {
                let Expr::Call(c, a) = &**at else {
                    return None;
                };
                let (Expr::Member(of, m), [Expr::Str(sep)]) = (&**c, a.as_slice()) else {
                    return None;
                };
                (m == "lastIndexOf" && **of == *target).then_some((target, sep))?
            }
            _ => return None,
        };
        if sep.is_empty() {
            return None;
        }
        let sep = serde_json::to_string(sep).ok()?;
        Some(format!("({} | split({sep}) | last)", self.text(text)?))
    }

    /// An expression as minijinja text.
    fn text(&self, e: &Expr) -> Option<String> {
        Some(format!("({} | string)", self.jinja(e)?))
    }
}

/// A time read back: its ISO text, milliseconds, or one of its parts as a number.
fn date_method(at: Shift, method: &str, args: &[Expr]) -> Option<String> {
    if !args.is_empty() {
        return None;
    }
    if let Some((_, field, add)) = GETTERS.iter().find(|(g, ..)| *g == method) {
        let n = format!("({} | int)", at.now(field)?);
        return Some(match add {
            0 => n,
            k => format!("({n} {} {})", if *k < 0 { "-" } else { "+" }, k.abs()),
        });
    }
    match method {
        "toISOString" | "toJSON" => at.now(""),
        "toUTCString" => at.now(HTTP_DATE),
        // Node's en-US date, in the run's time zone (yarc's clock is UTC, as CI's is).
        "toLocaleDateString" => at.now("%-m/%-d/%Y"),
        "getTime" | "valueOf" if at.months == 0 && at.clock == [None; 4] => Some(match at.millis {
            0 => "timestamp_ms()".into(),
            ms => format!("(timestamp_ms() + {ms})"),
        }),
        _ => None,
    }
}

/// A regular expression that only matches its own text (`-`, `\/`, `\.`): that text.
fn regex_literal(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                e if e.is_ascii_alphanumeric() => return None,
                e => out.push(e),
            },
            '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' => {
                return None;
            }
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some(out)
}

fn json_text(s: &str) -> Option<String> {
    serde_json::to_string(s).ok()
}

/// The name a chain of calls and members starts from: `today` of `today.add(2, "d").add(1, "d")`.
fn root_ident(e: &Expr) -> Option<&str> {
    match e {
        Expr::Ident(n) => Some(n),
        Expr::Member(inner, _) | Expr::Call(inner, _) => root_ident(inner),
        _ => None,
    }
}
