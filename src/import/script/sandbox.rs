//! Names a script reads as if it ran in Node, which Postman's sandbox does not have:
//! `url.parse(body.authServer)` with no `require('url')` before it. Newman stops the script
//! there with a ReferenceError and fails the request; what came before it has run (its
//! `pm.test`s count, its sets are made) and a pre-request script's request is still sent.

use std::sync::OnceLock;

use regex::Regex;

use super::js::{Expr, Stmt, StmtKind, TemplatePart};

/// Node's modules and globals that Newman 6.2.1's sandbox leaves undefined (`typeof` of each
/// is "undefined" there), and the names scripts usually give the response, which no sandbox
/// global has: a script that reads one without declaring it throws. Web names a
/// newer Postman app may give scripts (`URL`, `crypto`, `TextEncoder`) are not listed: a
/// collection written in the app may rightly use them.
const NOT_IN_SANDBOX: &[&str] = &[
    "url",
    "path",
    "fs",
    "os",
    "querystring",
    "util",
    "events",
    "stream",
    "uuid",
    "moment",
    "lodash",
    "process",
    "global",
    "window",
    "module",
    "exports",
    "punycode",
    "assert",
    "ajv",
    "xml2js",
    "chai",
    // Locals another script declares, read here by mistake: no sandbox global has the name.
    "response",
    "res",
    "jsonData",
];

/// The modules Newman 6.2.1's `require` gives (observed there): any other (`faker`, `axios`,
/// `jsonwebtoken`, `crypto`) throws "Cannot find module".
const SANDBOX_MODULES: &[&str] = &[
    "ajv",
    "atob",
    "btoa",
    "chai",
    "cheerio",
    "crypto-js",
    "csv-parse/lib/sync",
    "lodash",
    "moment",
    "postman-collection",
    "tv4",
    "uuid",
    "xml2js",
    "path",
    "assert",
    "buffer",
    "util",
    "url",
    "punycode",
    "querystring",
    "string_decoder",
    "stream",
    "timers",
    "events",
    "fs",
    "os",
];

/// Functions of lodash 4 that the sandbox's global `_` (lodash 3.10) has not (observed in
/// Newman 6.2.1): `_.sumBy(...)` throws a TypeError there; `require('lodash')` has them.
const LODASH_4_ONLY: &[&str] = &[
    "assignIn",
    "assignInWith",
    "assignWith",
    "castArray",
    "clamp",
    "cloneDeepWith",
    "cloneWith",
    "concat",
    "cond",
    "conforms",
    "conformsTo",
    "defaultTo",
    "differenceBy",
    "differenceWith",
    "divide",
    "entries",
    "entriesIn",
    "extendWith",
    "flatMap",
    "flatMapDeep",
    "flatMapDepth",
    "flattenDepth",
    "flip",
    "fromPairs",
    "functionsIn",
    "hasIn",
    "intersectionBy",
    "intersectionWith",
    "invertBy",
    "invokeMap",
    "isArrayBuffer",
    "isArrayLike",
    "isArrayLikeObject",
    "isBuffer",
    "isEqualWith",
    "isInteger",
    "isLength",
    "isMap",
    "isMatchWith",
    "isNil",
    "isObjectLike",
    "isSafeInteger",
    "isSet",
    "isSymbol",
    "isWeakMap",
    "isWeakSet",
    "join",
    "keyBy",
    "lowerCase",
    "lowerFirst",
    "maxBy",
    "mean",
    "meanBy",
    "mergeWith",
    "minBy",
    "multiply",
    "nth",
    "nthArg",
    "omitBy",
    "orderBy",
    "over",
    "overArgs",
    "overEvery",
    "overSome",
    "padEnd",
    "padStart",
    "pickBy",
    "pullAll",
    "pullAllBy",
    "pullAllWith",
    "rangeRight",
    "replace",
    "reverse",
    "sampleSize",
    "setWith",
    "sortedIndexBy",
    "sortedIndexOf",
    "sortedLastIndexBy",
    "sortedLastIndexOf",
    "sortedUniq",
    "sortedUniqBy",
    "split",
    "stubArray",
    "stubFalse",
    "stubObject",
    "stubString",
    "stubTrue",
    "subtract",
    "sumBy",
    "toFinite",
    "toInteger",
    "toLength",
    "toLower",
    "toNumber",
    "toPairs",
    "toPairsIn",
    "toPath",
    "toSafeInteger",
    "toUpper",
    "trimEnd",
    "trimStart",
    "truncate",
    "unary",
    "unionBy",
    "unionWith",
    "uniqBy",
    "uniqWith",
    "unset",
    "update",
    "updateWith",
    "upperCase",
    "upperFirst",
    "xorBy",
    "xorWith",
    "zipObjectDeep",
];

/// What a script reads that its sandbox has not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// A global name (`url`, `moment`): a ReferenceError.
    Name,
    /// A module `require` does not give (`faker`).
    Module,
    /// A function of lodash 4 called on the global `_` (lodash 3): a TypeError.
    Lodash,
    /// A name no script of the export declares or assigns, nor the sandbox has: a
    /// ReferenceError.
    Undeclared,
    /// A `let` or `const` read before the statement that declares it: a ReferenceError
    /// ("Cannot access before initialization").
    Early,
    /// A function called by a name the script may not declare (found, it is judged only as
    /// [`Missing::Early`]).
    Called,
}

/// What every script may read without declaring it: JavaScript's globals and the sandbox's
/// own (Newman 6.2.1), and a few of older sandboxes, which a script may still guard.
pub(super) const GLOBALS: &[&str] = &[
    "pm",
    "postman",
    "console",
    "JSON",
    "Math",
    "Date",
    "Number",
    "String",
    "Boolean",
    "Object",
    "Array",
    "RegExp",
    "Error",
    "TypeError",
    "RangeError",
    "SyntaxError",
    "ReferenceError",
    "EvalError",
    "URIError",
    "Promise",
    "Symbol",
    "Map",
    "Set",
    "WeakMap",
    "WeakSet",
    "Proxy",
    "Reflect",
    "Intl",
    "BigInt",
    "ArrayBuffer",
    "SharedArrayBuffer",
    "DataView",
    "Uint8Array",
    "Int8Array",
    "Uint16Array",
    "Int16Array",
    "Uint32Array",
    "Int32Array",
    "Float32Array",
    "Float64Array",
    "Uint8ClampedArray",
    "BigInt64Array",
    "BigUint64Array",
    "parseInt",
    "parseFloat",
    "isNaN",
    "isFinite",
    "encodeURIComponent",
    "decodeURIComponent",
    "encodeURI",
    "decodeURI",
    "escape",
    "unescape",
    "undefined",
    "NaN",
    "Infinity",
    "eval",
    "globalThis",
    "this",
    "arguments",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "setImmediate",
    "clearImmediate",
    "queueMicrotask",
    "structuredClone",
    "require",
    "_",
    "CryptoJS",
    "tv4",
    "cheerio",
    "xml2Json",
    "atob",
    "btoa",
    "Buffer",
    "request",
    "responseBody",
    "responseCode",
    "responseHeaders",
    "responseTime",
    "responseCookies",
    "environment",
    "globals",
    "data",
    "iteration",
    "tests",
    "URL",
    "URLSearchParams",
    "TextEncoder",
    "TextDecoder",
    "crypto",
    "Blob",
    "AbortController",
    "Event",
    "EventTarget",
    "sjcl",
    "Backbone",
    "SOAPClient",
    "$",
    "jQuery",
    "Ajv",
    "WeakRef",
    "FinalizationRegistry",
    "AggregateError",
    "Iterator",
    "super",
    "new",
    "async",
    "await",
    "of",
    "in",
    "typeof",
];

/// Whether Postman's `require` gives the name as a module of its own name, so the fix is to
/// require it (`process`, `window`, `fs` ... have no such module there).
pub(crate) fn requirable(name: &str) -> bool {
    !matches!(
        name,
        "fs" | "os" | "process" | "global" | "window" | "module" | "exports"
    ) && !response_local(name)
}

/// Whether the name is one scripts usually give the response (declared in another script).
pub(crate) fn response_local(name: &str) -> bool {
    matches!(name, "response" | "res" | "jsonData")
}

/// Where a script reads a name its sandbox does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UndefinedRead {
    /// The statement's first line (of the lines the converter reads).
    pub line: usize,
    pub name: String,
    pub missing: Missing,
}

/// The first statement at the script's top (not under a condition, a loop, a `try` or in a
/// function) that reads such a name, which the script declares nowhere.
pub(super) fn undefined_read(
    lines: &[String],
    top: &[Stmt],
    assigned: &std::collections::BTreeSet<String>,
) -> Option<UndefinedRead> {
    // Joined only for a script that reads one of the names at all.
    let text = std::cell::OnceCell::new();
    // Where each `let` or `const` name is first declared (a statement's index).
    let mut first_declared: std::collections::HashMap<String, usize> = Default::default();
    for (j, names) in lexical_names(lines, top).into_iter().enumerate() {
        for n in names {
            first_declared.entry(n).or_insert(j);
        }
    }
    top.iter().enumerate().find_map(|(i, s)| {
        let mut found = Vec::new();
        for e in evaluated(s) {
            reads(e, &mut found);
        }
        if found.is_empty() {
            return None;
        }
        let text = text.get_or_init(|| lines.join("\n"));
        // Declared by a `let` or `const` of a later statement only.
        let early = |n: &str| first_declared.get(n).is_some_and(|j| *j > i);
        let (name, missing) = found.into_iter().find_map(|(n, missing)| match missing {
            Missing::Undeclared | Missing::Called if early(n) => Some((n, Missing::Early)),
            Missing::Called => None,
            Missing::Undeclared => {
                (!declared(text, n) && !assigned.contains(n)).then_some((n, missing))
            }
            Missing::Name => (!declared(text, n)).then_some((n, missing)),
            // `_ = require('lodash')` is lodash 4 (`const _` throws first: the sandbox has it).
            Missing::Lodash => (!declared(text, "_")).then_some((n, missing)),
            Missing::Module | Missing::Early => Some((n, missing)),
        })?;
        Some(UndefinedRead {
            line: s.first,
            name: name.to_string(),
            missing,
        })
    })
}

/// The expressions a statement evaluates whatever happens.
fn evaluated(s: &Stmt) -> Vec<&Expr> {
    match &s.kind {
        StmtKind::Expr(e) | StmtKind::Throw(e) | StmtKind::Return(Some(e)) => vec![e],
        StmtKind::Let(decls) => decls.iter().map(|(_, e)| e).collect(),
        // `url.x = 1` reads `url`; `url = require('url')` declares it.
        StmtKind::Assign(Expr::Ident(_), v) => vec![v],
        StmtKind::Assign(t, v) => vec![t, v],
        StmtKind::If(c, ..) => vec![c],
        StmtKind::For(l) => vec![&l.list],
        StmtKind::Return(None) | StmtKind::Try(..) | StmtKind::Other => Vec::new(),
    }
}

/// The listed names an expression reads when it is evaluated (not behind `&&`, `||`, `??`
/// or `?:`, not under `typeof`, not in a function it only defines).
/// The names each top-level statement declares with `let` or `const` (by its first line).
fn lexical_names(lines: &[String], top: &[Stmt]) -> Vec<Vec<String>> {
    let lexical = |s: &Stmt| {
        let line = lines
            .get(s.first.saturating_sub(1))
            .map_or("", |l| l.trim_start());
        line.starts_with("let ") || line.starts_with("const ")
    };
    (top.iter())
        .map(|s| match &s.kind {
            StmtKind::Let(decls) if lexical(s) => (decls.iter())
                .filter_map(|(b, _)| match b {
                    super::js::Binding::Name(n) => Some(n.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}

fn reads<'e>(e: &'e Expr, out: &mut Vec<(&'e str, Missing)>) {
    match e {
        Expr::Ident(n) if NOT_IN_SANDBOX.contains(&n.as_str()) => out.push((n, Missing::Name)),
        Expr::Ident(n) if !GLOBALS.contains(&n.as_str()) => out.push((n, Missing::Undeclared)),
        Expr::Call(f, args)
            if matches!(&**f, Expr::Ident(r) if r == "require")
                && let [Expr::Str(m)] = args.as_slice()
                && !SANDBOX_MODULES.contains(&m.as_str())
                && !m.starts_with("npm:")
                && !m.starts_with("jsr:") =>
        {
            out.push((m, Missing::Module));
        }
        Expr::Call(f, args)
            if let Expr::Member(of, name) = &**f
                && matches!(&**of, Expr::Ident(u) if u == "_")
                && LODASH_4_ONLY.contains(&name.as_str()) =>
        {
            out.push((name, Missing::Lodash));
            args.iter().for_each(|a| reads(a, out));
        }
        Expr::Unary("typeof", _) => {}
        Expr::Unary(_, x) | Expr::Member(x, _) => reads(x, out),
        Expr::Binary("&&" | "||" | "??", a, _) | Expr::Cond(a, ..) => reads(a, out),
        Expr::Binary(_, a, b) | Expr::Index(a, b) => {
            reads(a, out);
            reads(b, out);
        }
        Expr::Call(f, args) => {
            // A function nothing declares may come from code another script evaluates: such
            // a call is judged where calls are (`undefined_call`), not here.
            match &**f {
                Expr::Ident(n) if !NOT_IN_SANDBOX.contains(&n.as_str()) => {
                    out.push((n, Missing::Called));
                }
                f => reads(f, out),
            }
            args.iter().for_each(|a| reads(a, out));
        }
        Expr::Array(items) => items.iter().for_each(|a| reads(a, out)),
        Expr::Object(fields) => fields.iter().for_each(|(_, v)| reads(v, out)),
        Expr::Template(parts) => parts.iter().for_each(|p| {
            if let TemplatePart::Expr(x) = p {
                reads(x, out);
            }
        }),
        _ => {}
    }
}

/// Whether the script declares or assigns `name` anywhere (a `var`, `let`, `const`,
/// `function`, a parameter, a `catch`, a destructuring, a plain assignment): then it is the
/// script's own, defined or not where it is read, and this rule does not judge it.
fn declared(text: &str, name: &str) -> bool {
    // A module required under another name (`const clock = require('moment')`) is read
    // under its own by the time statements get here.
    if ["'", "\"", "`"]
        .iter()
        .any(|q| text.contains(&format!("require({q}{name}{q})")))
    {
        return true;
    }
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(re) = RE
        .get_or_init(|| {
            Regex::new(concat!(
                r"\b(?:var|let|const|function)\s+([\w$]+)",
                r"|\b([\w$]+)\s*(?:=[^=>]|=>)",
                r"|(?:function\s*[\w$]*|catch)\s*\(([^)]*)\)",
                r"|\(([^()]*)\)\s*=>",
                r"|(?:var|let|const)\s*[{\[]([^}\]]*)[}\]]",
            ))
            .ok()
        })
        .as_ref()
    else {
        return true;
    };
    re.captures_iter(text).any(|c| {
        c.iter().skip(1).flatten().any(|m| {
            m.as_str()
                .split(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '$'))
                .any(|w| w == name)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::script::js;

    fn first(src: &str) -> Option<(usize, String)> {
        let lines: Vec<String> = src.lines().map(str::to_string).collect();
        let none = std::collections::BTreeSet::new();
        undefined_read(&lines, &js::parse(src), &none).map(|u| (u.line, u.name))
    }

    #[test]
    fn a_node_module_read_without_require_is_found_at_its_line() {
        let src = "pm.test('ok', () => {});\nconst body = pm.response.json();\nconst u = url.parse(body.authServer);\npm.environment.set('h', u.host);";
        assert_eq!(first(src), Some((3, "url".into())));
        let src = "pm.environment.set('t', moment().format('YYYY'));";
        assert_eq!(first(src), Some((1, "moment".into())));
        // The local of another script: a ReferenceError in Newman and the app alike.
        let src = "var responseBody = pm.response.json();\nconsole.log(response.data.token);";
        assert_eq!(first(src), Some((2, "response".into())));
        assert!(!requirable("response"));
    }

    #[test]
    fn a_module_the_sandbox_lacks_or_a_lodash_4_call_on_its_global_is_found() {
        let src = "pm.variables.set('a', 1);\nconst faker = require('faker');";
        assert_eq!(first(src), Some((2, "faker".into())));
        let src = "const t = _.sumBy(items, 'qty');";
        assert_eq!(first(src), Some((1, "sumBy".into())));
        for fine in [
            "const m = require('moment');",
            "const L = require('crypto-js');",
            "_ = require('lodash');\nconst items = [];\nconst t = _.sumBy(items, 'qty');",
            "const items = [];\nconst t = _.sum(_.pluck(items, 'qty'));",
            "if (pm.environment.get('x')) { require('faker'); }",
        ] {
            assert_eq!(first(fine), None, "{fine}");
        }
    }

    #[test]
    fn a_name_nothing_declares_or_a_let_read_before_it_is_found() {
        let src = "pm.environment.set('a', 1);\npm.environment.set('ts', timestampNow);";
        assert_eq!(first(src), Some((2, "timestampNow".into())));
        let src = "const id = makeId();\nconst makeId = () => 'x';";
        assert_eq!(first(src), Some((1, "makeId".into())));
        // A call of a function nothing declares is judged where calls are.
        assert_eq!(first("validate(pm.response.code);"), None);
        let src = "pm.environment.set('p', prefix + '-1');\nlet prefix = 'ord';";
        assert_eq!(first(src), Some((1, "prefix".into())));
        // A name another script assigns may be the global it made.
        let lines: Vec<String> = vec!["console.log(API.base);".into()];
        let assigned = std::collections::BTreeSet::from(["API".to_string()]);
        assert_eq!(
            undefined_read(&lines, &js::parse(&lines[0]), &assigned),
            None
        );
        for fine in [
            "function f() { return 1; }\nconst a = f();",
            "var later;\nconsole.log(later);",
            "const x = JSON.parse(responseBody);\nconsole.log(x, Math.max(1, 2), data, iteration);",
        ] {
            assert_eq!(first(fine), None, "{fine}");
        }
    }

    #[test]
    fn a_name_the_script_declares_or_only_guards_is_not() {
        for src in [
            "const url = require('url');\nconst u = url.parse('x');",
            "var moment = require('moment');\npm.environment.set('t', moment().format());",
            "url = require('url');\nurl.parse('x');",
            "const clock = require('moment');\nmoment().format();",
            "const { path } = pm.request.url;\nconsole.log(path);",
            "if (typeof moment !== 'undefined') {}",
            "const ok = pm.environment.get('x') || url.parse('y');",
            "pm.test('t', function () { url.parse('x'); });",
            "if (pm.response.code === 200) { url.parse('x'); }",
            "try { url.parse('x'); } catch (e) {}",
            "pm.request.url.getPath();\npm.environment.set('u', pm.request.url.toString());",
            "[1].forEach((url) => console.log(url));\nconsole.log(url);",
            "const response = pm.response.json();\nconsole.log(response.data.token);",
        ] {
            assert_eq!(first(src), None, "{src}");
        }
    }
}
