//! XML read with the xml2js library Postman bundles, in its callback form:
//!
//! ```js
//! var parseString = require('xml2js').parseString;
//! var stripPrefix = require('xml2js').processors.stripPrefix;
//! parseString(responseBody, { tagNameProcessors: [stripPrefix] }, function (err, result) {
//!     pm.environment.set('id', result.Envelope.Body[0].CreateRS[0].$.id);
//! });
//! ```
//!
//! The callback runs at once on the body. `result` is the document with every child element a
//! list (`explicitArray`, xml2js's default: `Body[0]`), each named as written or, with
//! `stripPrefix`, by its local name — XPath steps by `name()` or `local-name()`, `[0]` → `[1]`.

use super::js::Expr;
use super::{Converter, Done, Subject, Xml2js, is_require, path};

impl Converter {
    /// What of xml2js an expression is: `require('xml2js')`, its `parseString`, its
    /// `processors.stripPrefix` (also through a name bound to the module).
    pub(super) fn xml2js_piece(&self, e: &Expr) -> Option<Xml2js> {
        if is_require(e, "xml2js") {
            return Some(Xml2js::Module);
        }
        if let Expr::Ident(n) = e {
            return self.xml2js.get(n).copied();
        }
        let Expr::Member(of, name) = e else {
            return None;
        };
        match (self.xml2js_piece(of), name.as_str()) {
            (Some(Xml2js::Module), "parseString") => Some(Xml2js::ParseString),
            (Some(Xml2js::Module), "processors") => None,
            _ => match &**of {
                Expr::Member(module, p) if p == "processors" && name == "stripPrefix" => {
                    (self.xml2js_piece(module) == Some(Xml2js::Module))
                        .then_some(Xml2js::StripPrefix)
                }
                _ => None,
            },
        }
    }

    /// `var parseString = require('xml2js').parseString`: read where it is called.
    pub(super) fn bind_xml2js(&mut self, name: &str, value: &Expr) -> Option<Done> {
        let piece = self.xml2js_piece(value)?;
        self.xml2js.insert(name.to_string(), piece);
        self.aliases.insert(name.to_string(), None);
        Some(Done::Converted)
    }

    /// `parseString(responseBody, [options], function (err, result) { ... })`: the callback's
    /// statements with `result` the document. Options other than prefixes stripped (which
    /// change what `result` holds) leave the call as it is.
    pub(super) fn xml_parsed(&mut self, e: &Expr) -> Option<Done> {
        let Expr::Call(callee, args) = e else {
            return None;
        };
        if self.xml2js_piece(callee) != Some(Xml2js::ParseString) {
            return None;
        }
        let (text, options, callback) = match args.as_slice() {
            [text, callback] => (text, None, callback),
            [text, options, callback] => (text, Some(options), callback),
            _ => return None,
        };
        let Expr::Func(params, body) = callback else {
            return None;
        };
        let [_, result] = params.as_slice() else {
            return None;
        };
        if self.subject(text) != Some(Subject::Body) {
            return None;
        }
        let local = match options {
            None => false,
            // `const parseOptions = { tagNameProcessors: [...] }` declared before.
            Some(Expr::Ident(n)) => {
                let local = self.strips_prefixes(&self.objects.get(n)?.clone())?;
                self.computed_used(n);
                local
            }
            Some(o) => self.strips_prefixes(o)?,
        };
        let outer = std::mem::replace(&mut self.xml_local, local);
        let done = self.with_alias(result, Subject::Xml(String::new()), body);
        self.xml_local = outer;
        Some(done)
    }

    /// `{}`, `{ tagNameProcessors: [stripPrefix] }` (and `explicitArray: true`, the default):
    /// whether names lose their prefix; `None` for any other option.
    fn strips_prefixes(&self, options: &Expr) -> Option<bool> {
        let Expr::Object(fields) = options else {
            return None;
        };
        let mut local = false;
        for (key, value) in fields {
            match (key.as_str(), value) {
                ("explicitArray", Expr::Bool(true)) => {}
                ("tagNameProcessors", Expr::Array(items)) => {
                    let strip = |i: &Expr| {
                        self.xml2js_piece(i) == Some(Xml2js::StripPrefix)
                            || path(i).as_deref() == Some("xml2js.processors.stripPrefix")
                    };
                    match items.as_slice() {
                        [one] if strip(one) => local = true,
                        [] => {}
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
        Some(local)
    }
}
