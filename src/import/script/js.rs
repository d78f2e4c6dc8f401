//! Just enough JavaScript to read Postman scripts: a lexer, and a parser for statements,
//! member chains, calls, literals, functions and the operators legacy `tests[...]` lines use.
//! What it cannot read becomes `StmtKind::Other` with the lines it spans, never an error:
//! the importer keeps those lines for a human.

/// One token, with the (1-based) line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Num(f64),
    Str(String),
    Regex(String, String),
    /// Something read but not modelled (a number JavaScript reads differently, a stray `#`).
    Template,
    /// A template literal with `${...}` in it: its text and the source of each expression.
    Interpolated(Vec<Piece>),
    Punct(&'static str),
}

const PUNCT: [&str; 38] = [
    "===", "!==", "...", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=",
    "-=", "{", "}", "(", ")", "[", "]", ";", ",", ".", "<", ">", "+", "-", "*", "/", "%", "!", "?",
    ":", "=", "&", "|",
];

/// A part of a template literal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    Text(String),
    /// The source of a `${...}` expression.
    Code(String),
}

/// Reads tokens; an unterminated string or comment ends at the end of the text.
pub(crate) fn lex(src: &str) -> Vec<Token> {
    let chars: Vec<char> = src.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() || c == '\u{feff}' {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                line += usize::from(chars[i] == '\n');
                i += 1;
            }
            i += 2;
        } else if c.is_ascii_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "_$".contains(chars[i])) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push(Token {
                tok: Tok::Ident(word),
                line,
            });
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let tok = text.parse().map_or(Tok::Template, Tok::Num);
            out.push(Token { tok, line });
        } else if c == '"' || c == '\'' || c == '`' {
            let (tok, end, lines) = string(&chars, i);
            out.push(Token { tok, line });
            line += lines;
            i = end;
        } else if c == '/' && regex_allowed(out.last()) {
            let (tok, end) = regex(&chars, i);
            out.push(Token { tok, line });
            i = end;
        } else {
            let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
            match PUNCT.iter().find(|p| rest.starts_with(**p)) {
                Some(p) => {
                    out.push(Token {
                        tok: Tok::Punct(p),
                        line,
                    });
                    i += p.len();
                }
                None => {
                    // `#`, `@`, a stray backslash: nothing the importer reads.
                    out.push(Token {
                        tok: Tok::Template,
                        line,
                    });
                    i += 1;
                }
            }
        }
    }
    out
}

/// A quoted string from `chars[start]`: the token, the index after it, the newlines inside.
fn string(chars: &[char], start: usize) -> (Tok, usize, usize) {
    let quote = chars[start];
    let (mut i, mut value, mut lines) = (start + 1, String::new(), 0);
    let mut pieces: Vec<Piece> = Vec::new();
    while i < chars.len() && chars[i] != quote {
        let c = chars[i];
        if c == '\n' {
            lines += 1;
            if quote != '`' {
                break;
            }
        }
        if c == '\\' && i + 1 < chars.len() {
            i += 1;
            value.push(match chars[i] {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                other => other,
            });
        } else if quote == '`' && c == '$' && chars.get(i + 1) == Some(&'{') {
            // `${ code }`: to the brace that closes it.
            let (mut depth, mut j) = (1usize, i + 2);
            while j < chars.len() && depth > 0 {
                match chars[j] {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    '\n' => lines += 1,
                    _ => {}
                }
                j += 1;
            }
            pieces.push(Piece::Text(std::mem::take(&mut value)));
            let code_end = j.saturating_sub(1).max(i + 2);
            pieces.push(Piece::Code(chars[i + 2..code_end].iter().collect()));
            i = j;
            continue;
        } else {
            value.push(c);
        }
        i += 1;
    }
    let tok = if pieces.is_empty() {
        Tok::Str(value)
    } else {
        pieces.push(Piece::Text(value));
        Tok::Interpolated(pieces)
    };
    (tok, (i + 1).min(chars.len()), lines)
}

fn regex_allowed(prev: Option<&Token>) -> bool {
    match prev.map(|t| &t.tok) {
        None => true,
        Some(Tok::Punct(p)) => !matches!(*p, ")" | "]" | "}"),
        Some(Tok::Ident(w)) => matches!(w.as_str(), "return" | "typeof" | "case"),
        Some(_) => false,
    }
}

fn regex(chars: &[char], start: usize) -> (Tok, usize) {
    let (mut i, mut body, mut class) = (start + 1, String::new(), false);
    while i < chars.len() && chars[i] != '\n' && (class || chars[i] != '/') {
        if chars[i] == '\\' && i + 1 < chars.len() {
            body.push(chars[i]);
            i += 1;
        } else if chars[i] == '[' {
            class = true;
        } else if chars[i] == ']' {
            class = false;
        }
        body.push(chars[i]);
        i += 1;
    }
    i += 1;
    let mut flags = String::new();
    while i < chars.len() && chars[i].is_ascii_alphabetic() {
        flags.push(chars[i]);
        i += 1;
    }
    (Tok::Regex(body, flags), i.min(chars.len()))
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Ident(String),
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Undefined,
    Regex(String, String),
    Array(Vec<Expr>),
    Object(Vec<(String, Expr)>),
    Member(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    Unary(&'static str, Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
    /// A function or arrow: its simple parameter names (none for patterns), its body.
    Func(Vec<String>, Vec<Stmt>),
    /// A template literal: text and expressions, in order.
    Template(Vec<TemplatePart>),
    /// `condition ? then : otherwise`.
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    /// Something read but not modelled (`new X()`, a regular expression it cannot read).
    Other,
    /// A value the importer has already written as a template expression (never parsed:
    /// what a script put in an object it builds, `picked.timestamp = ts`).
    Jinja(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TemplatePart {
    Text(String),
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stmt {
    pub kind: StmtKind,
    pub first: usize,
    pub last: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StmtKind {
    Expr(Expr),
    /// `var|let|const` with one or more declarations.
    Let(Vec<(Binding, Expr)>),
    Assign(Expr, Expr),
    /// `if (cond) { ... } else { ... }` (a missing `else` is empty).
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// `try { ... } catch (e) { ... }` (a `finally` makes it `Other`).
    Try(Vec<Stmt>, Vec<Stmt>),
    /// `throw new Error("...")`.
    Throw(Expr),
    /// `return` with what it returns, if anything.
    Return(Option<Expr>),
    /// `for (let i = 0; i < list.length; i++) { ... }` or `for (const item of list) { ... }`.
    For(Box<Loop>),
    /// `for` in any other form, a function declaration, or anything not understood.
    Other,
}

impl Stmt {
    /// The statement with every `from` in it read as `to` (not inside a function whose
    /// parameter is named as `from` reads).
    pub(crate) fn replaced(&self, from: &Expr, to: &Expr) -> Stmt {
        let e = |x: &Expr| x.replaced(from, to);
        let all = |b: &[Stmt]| b.iter().map(|s| s.replaced(from, to)).collect::<Vec<_>>();
        let kind = match &self.kind {
            StmtKind::Expr(x) => StmtKind::Expr(e(x)),
            StmtKind::Let(decls) => {
                StmtKind::Let(decls.iter().map(|(b, x)| (b.clone(), e(x))).collect())
            }
            StmtKind::Assign(t, v) => StmtKind::Assign(e(t), e(v)),
            StmtKind::If(c, a, b) => StmtKind::If(e(c), all(a), all(b)),
            StmtKind::Try(a, b) => StmtKind::Try(all(a), all(b)),
            StmtKind::Throw(x) => StmtKind::Throw(e(x)),
            StmtKind::Return(x) => StmtKind::Return(x.as_ref().map(e)),
            StmtKind::For(l) => StmtKind::For(Box::new(Loop {
                name: l.name.clone(),
                list: e(&l.list),
                indexed: l.indexed,
                body: all(&l.body),
            })),
            StmtKind::Other => StmtKind::Other,
        };
        Stmt {
            kind,
            first: self.first,
            last: self.last,
        }
    }

    /// Whether the statement may assign the name anywhere in it: in a branch, a loop or a
    /// callback (a statement not understood may).
    pub(crate) fn assigns(&self, name: &str) -> bool {
        let all = |b: &[Stmt]| b.iter().any(|s| s.assigns(name));
        match &self.kind {
            StmtKind::Assign(t, v) => matches!(t, Expr::Ident(n) if n == name) || v.assigns(name),
            StmtKind::Expr(x) | StmtKind::Throw(x) | StmtKind::Return(Some(x)) => x.assigns(name),
            StmtKind::Let(decls) => decls.iter().any(|(_, x)| x.assigns(name)),
            StmtKind::If(c, a, b) => c.assigns(name) || all(a) || all(b),
            StmtKind::Try(a, b) => all(a) || all(b),
            StmtKind::For(l) => l.list.assigns(name) || all(&l.body),
            StmtKind::Return(None) => false,
            StmtKind::Other => true,
        }
    }

    /// Whether the statement reads the name.
    pub(crate) fn mentions(&self, name: &str) -> bool {
        let other = Expr::Ident("\u{0}".into());
        self.replaced(&Expr::Ident(name.to_string()), &other) != *self
    }
}

impl Expr {
    /// [`Stmt::replaced`] of an expression.
    pub(crate) fn replaced(&self, from: &Expr, to: &Expr) -> Expr {
        if self == from {
            return to.clone();
        }
        let b = |x: &Expr| Box::new(x.replaced(from, to));
        let all = |xs: &[Expr]| xs.iter().map(|x| x.replaced(from, to)).collect();
        match self {
            Expr::Member(inner, m) => Expr::Member(b(inner), m.clone()),
            Expr::Index(inner, i) => Expr::Index(b(inner), b(i)),
            Expr::Call(c, args) => Expr::Call(b(c), all(args)),
            Expr::Unary(op, inner) => Expr::Unary(op, b(inner)),
            Expr::Binary(op, x, y) => Expr::Binary(op, b(x), b(y)),
            Expr::Cond(c, x, y) => Expr::Cond(b(c), b(x), b(y)),
            Expr::Array(items) => Expr::Array(all(items)),
            Expr::Object(fields) => Expr::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.replaced(from, to)))
                    .collect(),
            ),
            Expr::Func(params, body) if !params.iter().any(|p| from.reads(p)) => Expr::Func(
                params.clone(),
                body.iter().map(|s| s.replaced(from, to)).collect(),
            ),
            Expr::Template(parts) => written(
                parts
                    .iter()
                    .map(|p| match p {
                        TemplatePart::Expr(x) => TemplatePart::Expr(x.replaced(from, to)),
                        t => t.clone(),
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// [`Stmt::assigns`] of an expression: in a function it holds (not one whose parameter
    /// has the name).
    fn assigns(&self, name: &str) -> bool {
        let any = |xs: &[Expr]| xs.iter().any(|x| x.assigns(name));
        match self {
            Expr::Func(params, body) => {
                !params.iter().any(|p| p == name) && body.iter().any(|s| s.assigns(name))
            }
            Expr::Member(x, _) | Expr::Unary(_, x) => x.assigns(name),
            Expr::Index(x, y) | Expr::Binary(_, x, y) => x.assigns(name) || y.assigns(name),
            Expr::Cond(c, x, y) => c.assigns(name) || x.assigns(name) || y.assigns(name),
            Expr::Call(c, args) => c.assigns(name) || any(args),
            Expr::Array(items) => any(items),
            Expr::Object(fields) => fields.iter().any(|(_, v)| v.assigns(name)),
            Expr::Template(parts) => parts
                .iter()
                .any(|p| matches!(p, TemplatePart::Expr(x) if x.assigns(name))),
            _ => false,
        }
    }

    /// Whether the expression reads the name (a parameter of that name hides it).
    fn reads(&self, name: &str) -> bool {
        match self {
            Expr::Ident(n) => n == name,
            Expr::Member(inner, _) | Expr::Unary(_, inner) => inner.reads(name),
            Expr::Index(x, y) | Expr::Binary(_, x, y) => x.reads(name) || y.reads(name),
            Expr::Call(c, args) => c.reads(name) || args.iter().any(|a| a.reads(name)),
            _ => false,
        }
    }
}

/// A loop over a list: the index (`indexed`) or the item it names, the list, its body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Loop {
    pub name: String,
    pub list: Expr,
    pub indexed: bool,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Binding {
    Name(String),
    /// `{ a, b: c, d: { e } }`: (property path, local name) — `("d.e", "e")`.
    Object(Vec<(String, String)>),
}

/// Deeper nesting than this is read as `Other` (hostile input cannot overflow the stack).
const MAX_DEPTH: usize = 64;
/// The longest member chain read (`a.b.c(...)[0]...`), for the same reason.
const MAX_CHAIN: usize = 512;

pub(crate) fn parse(src: &str) -> Vec<Stmt> {
    let mut p = Parser {
        toks: lex(src),
        pos: 0,
        depth: 0,
    };
    let mut out = Vec::new();
    while p.pos < p.toks.len() {
        let before = p.pos;
        if p.is("}") {
            p.pos += 1;
            continue;
        }
        if let Some(s) = p.statement() {
            out.push(s);
        }
        if p.pos == before {
            p.pos += 1;
        }
    }
    out
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

const KEYWORDS: [&str; 14] = [
    "if", "for", "while", "do", "try", "switch", "function", "return", "throw", "else", "class",
    "catch", "finally", "async",
];

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn line(&self, at: usize) -> usize {
        self.toks.get(at).or(self.toks.last()).map_or(1, |t| t.line)
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        let yes = self.is(p);
        self.pos += usize::from(yes);
        yes
    }

    fn word(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Ident(w)) => Some(w),
            _ => None,
        }
    }

    fn statement(&mut self) -> Option<Stmt> {
        if self.eat(";") {
            return None;
        }
        // `TESTS:` — a label, which only a `break` or `continue` naming it reads: the
        // statement after it.
        let label = (self.word())
            .is_some_and(|w| !KEYWORDS.contains(&w) && !matches!(w, "case" | "default"))
            && matches!(
                self.toks.get(self.pos + 1).map(|t| &t.tok),
                Some(Tok::Punct(":"))
            );
        if label {
            self.pos += 2;
            return match self.peek() {
                None => None,
                Some(_) => self.statement(),
            };
        }
        let start = self.pos;
        let first = self.line(start);
        // `if (...) { ... } return s;` on one line: a block ends its statement.
        let block = matches!(
            self.word(),
            Some("if" | "for" | "while" | "switch" | "try" | "function")
        );
        let kind = match self.word() {
            Some("var" | "let" | "const") => self.declaration(),
            // `function name(a) { ... }`: a name bound to the function.
            Some("function") => match self.toks.get(self.pos + 1).map(|t| &t.tok) {
                Some(Tok::Ident(name)) => {
                    let name = name.clone();
                    self.pos += 1;
                    self.function()
                        .map(|f| StmtKind::Let(vec![(Binding::Name(name), f)]))
                }
                _ => None,
            },
            Some("if") => self.nested(Self::if_parts),
            Some("for") => self.nested(Self::for_parts),
            Some("while") => self.nested(Self::while_parts),
            Some("switch") => self.nested(Self::switch_parts),
            Some("try") => self.try_statement(),
            Some("throw") => {
                self.pos += 1;
                self.expr().map(StmtKind::Throw)
            }
            Some("return") => {
                self.pos += 1;
                match self.at_statement_end() {
                    true => Some(StmtKind::Return(None)),
                    false => self.expr().map(|e| StmtKind::Return(Some(e))),
                }
            }
            Some(w) if KEYWORDS.contains(&w) => None,
            _ => self.expression_statement(),
        };
        let kind = match kind {
            Some(k) if self.at_statement_end() || (block && self.after("}")) => k,
            _ => {
                self.pos = start;
                self.skip_other();
                StmtKind::Other
            }
        };
        self.eat(";");
        Some(Stmt {
            kind,
            first,
            last: self.line(self.pos.saturating_sub(1)).max(first),
        })
    }

    /// A statement that nests (`if`, `for`, `switch`), read one level deeper: hostile input
    /// cannot overflow the stack.
    fn nested(&mut self, parts: fn(&mut Self) -> Option<StmtKind>) -> Option<StmtKind> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let kind = parts(self);
        self.depth -= 1;
        kind
    }

    fn if_parts(&mut self) -> Option<StmtKind> {
        self.pos += 1;
        if !self.eat("(") {
            return None;
        }
        let cond = self.expr()?;
        if !self.eat(")") {
            return None;
        }
        let then = self.branch()?;
        let otherwise = if self.word() == Some("else") {
            self.pos += 1;
            if self.word() == Some("if") {
                let first = self.line(self.pos);
                let kind = self.nested(Self::if_parts)?;
                let last = self.line(self.pos.saturating_sub(1));
                vec![Stmt { kind, first, last }]
            } else {
                self.branch()?
            }
        } else {
            Vec::new()
        };
        Some(StmtKind::If(cond, then, otherwise))
    }

    /// The two loops over a list scripts write; any other `for` is not read.
    fn for_parts(&mut self) -> Option<StmtKind> {
        self.pos += 1;
        if !self.eat("(") {
            return None;
        }
        if matches!(self.word(), Some("var" | "let" | "const")) {
            self.pos += 1;
        }
        let Some(Tok::Ident(name)) = self.peek().cloned() else {
            return None;
        };
        self.pos += 1;
        let (list, indexed) = if self.word() == Some("of") {
            self.pos += 1;
            (self.expr()?, false)
        } else {
            // `i = 0; i < list.length; i++`
            let starts = self.eat("=") && matches!(self.peek(), Some(Tok::Num(n)) if *n == 0.0);
            self.pos += 1;
            if !starts || !self.eat(";") {
                return None;
            }
            let Expr::Binary("<", i, bound) = self.expr()? else {
                return None;
            };
            // `i < list.length`, or a count written as a number (`i < 15`: the list is that
            // number, `Expr::Num`) or held by a name (`i < size`: the list is the name).
            let (list, length) = match *bound {
                Expr::Member(list, length) => (list, length),
                n @ (Expr::Num(_) | Expr::Ident(_)) => (Box::new(n), "length".to_string()),
                _ => return None,
            };
            if *i != Expr::Ident(name.clone()) || length != "length" || !self.eat(";") {
                return None;
            }
            // `i++`, `++i` or `i += 1`.
            let steps = match self.peek().cloned() {
                Some(Tok::Punct("++")) => {
                    self.pos += 1;
                    let own = self.word() == Some(name.as_str());
                    self.pos += 1;
                    own
                }
                Some(Tok::Ident(n)) if n == name => {
                    self.pos += 1;
                    let by_one = |p: &mut Self| {
                        let one = matches!(p.peek(), Some(Tok::Num(n)) if *n == 1.0);
                        p.pos += 1;
                        one
                    };
                    self.eat("++") || (self.eat("+=") && by_one(self))
                }
                _ => false,
            };
            if !steps {
                return None;
            }
            (*list, true)
        };
        if !self.eat(")") {
            return None;
        }
        let body = self.branch()?;
        Some(StmtKind::For(Box::new(Loop {
            name,
            list,
            indexed,
            body,
        })))
    }

    /// `let i = 0; while (i < n) { ...; i += 1; }` as the `for (let i = 0; i < n; i++) { ... }`
    /// it means: the counter declared as 0 just before, counted up by one at the end of the body
    /// and read nowhere else in it. Any other `while` is not read.
    fn while_parts(&mut self) -> Option<StmtKind> {
        let at = self.pos;
        self.pos += 1;
        if !self.eat("(") {
            return None;
        }
        let Expr::Binary("<", i, bound) = self.expr()? else {
            return None;
        };
        let Expr::Ident(name) = *i else { return None };
        if !self.eat(")") || !self.zero_before(at, &name) {
            return None;
        }
        let list = match *bound {
            Expr::Member(list, length) if length == "length" => *list,
            n @ (Expr::Num(_) | Expr::Ident(_)) => n,
            _ => return None,
        };
        let mut body = self.branch()?;
        let step = body.pop()?;
        let own = Expr::Ident(name.clone());
        let counts = matches!(&step.kind, StmtKind::Assign(t, Expr::Binary("+", a, one))
            if *t == own && (**a == own || is_number_of(a, &own)) && **one == Expr::Num(1.0));
        if !counts || body.iter().any(|s| s.mentions(&name)) {
            return None;
        }
        Some(StmtKind::For(Box::new(Loop {
            name,
            list,
            indexed: true,
            body,
        })))
    }

    /// Whether the tokens before `at` declare `name` as 0: `let name = 0;`.
    fn zero_before(&self, at: usize, name: &str) -> bool {
        let end = match self.toks.get(at.wrapping_sub(1)).map(|t| &t.tok) {
            Some(Tok::Punct(";")) => at - 1,
            _ => at,
        };
        let Some(toks) = end.checked_sub(4).map(|s| &self.toks[s..end]) else {
            return false;
        };
        matches!(
            toks.iter().map(|t| &t.tok).collect::<Vec<_>>().as_slice(),
            [Tok::Ident(kw), Tok::Ident(n), Tok::Punct("="), Tok::Num(z)]
                if matches!(kw.as_str(), "let" | "var") && n == name && *z == 0.0
        )
    }

    /// `switch (x) { case a: ...; break; case b: case c: ...; break; default: ... }` as the
    /// `if (x === a) ... else if (x === b || x === c) ... else ...` it means, when no case
    /// falls through into the next.
    fn switch_parts(&mut self) -> Option<StmtKind> {
        self.pos += 1;
        if !self.eat("(") {
            return None;
        }
        let subject = self.expr()?;
        if !self.eat(")") || !self.eat("{") {
            return None;
        }
        // (the values of the case, none for `default`; its statements)
        let mut cases: Vec<(Vec<Expr>, Vec<Stmt>)> = Vec::new();
        let mut labels: Vec<Expr> = Vec::new();
        let mut default = false;
        loop {
            let word = self.word().map(str::to_string);
            match word.as_deref() {
                Some("case") => {
                    self.pos += 1;
                    labels.push(self.expr()?);
                    if !self.eat(":") {
                        return None;
                    }
                }
                Some("default") => {
                    self.pos += 1;
                    if !self.eat(":") || default {
                        return None;
                    }
                    default = true;
                }
                _ if self.eat("}") => break,
                _ => return None,
            }
            let mut body = self.case_body()?;
            if body.is_empty() && !self.is("}") {
                continue; // `case 200: case 201:` share the next body
            }
            let ends = matches!(
                body.last().map(|s| &s.kind),
                Some(StmtKind::Expr(Expr::Ident(b))) if b == "break"
            );
            if ends {
                body.pop();
            } else if !self.is("}")
                && !matches!(
                    body.last().map(|s| &s.kind),
                    Some(StmtKind::Return(_) | StmtKind::Throw(_))
                )
            {
                return None; // falls through
            }
            // `default` among labels matches anything: only as the last, alone.
            if default && !labels.is_empty() {
                return None;
            }
            cases.push((std::mem::take(&mut labels), body));
            if default && !self.is("}") {
                return None;
            }
        }
        cases_as_ifs(&subject, cases)
    }

    /// The statements of one `case`, up to the next case, `default` or the closing brace.
    fn case_body(&mut self) -> Option<Vec<Stmt>> {
        let mut body = Vec::new();
        while !matches!(self.word(), Some("case" | "default")) && !self.is("}") {
            self.peek()?;
            let before = self.pos;
            if let Some(s) = self.statement() {
                body.push(s);
            }
            if self.pos == before {
                return None;
            }
        }
        Some(body)
    }

    fn try_statement(&mut self) -> Option<StmtKind> {
        self.pos += 1;
        let body = self.braced()?;
        if self.word() != Some("catch") {
            return None;
        }
        self.pos += 1;
        if self.eat("(") && !self.skip_balanced(")") {
            return None;
        }
        let handler = self.braced()?;
        if self.word() == Some("finally") {
            return None;
        }
        Some(StmtKind::Try(body, handler))
    }

    /// A block in braces, or one statement.
    fn branch(&mut self) -> Option<Vec<Stmt>> {
        if self.is("{") {
            return self.braced();
        }
        let s = self.statement()?;
        Some(vec![s])
    }

    fn braced(&mut self) -> Option<Vec<Stmt>> {
        if !self.eat("{") {
            return None;
        }
        match self.block()? {
            Expr::Func(_, body) => Some(body),
            _ => None,
        }
    }

    /// Whether the token before the current one is `p`.
    fn after(&self, p: &str) -> bool {
        let before = self.pos.checked_sub(1).and_then(|i| self.toks.get(i));
        matches!(before, Some(Token { tok: Tok::Punct(q), .. }) if *q == p)
    }

    fn at_statement_end(&self) -> bool {
        // `if (!v) throw new Error(e); return v;` on one line: the inner statement took its `;`.
        let ended = self.pos > 0
            && matches!(
                self.toks.get(self.pos - 1),
                Some(Token {
                    tok: Tok::Punct(";"),
                    ..
                })
            );
        match self.peek() {
            None => true,
            Some(Tok::Punct(";" | "}")) => true,
            Some(_) => ended || self.line(self.pos) > self.line(self.pos.saturating_sub(1)),
        }
    }

    fn declaration(&mut self) -> Option<StmtKind> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let binding = match self.peek()? {
                Tok::Ident(n) => {
                    let n = n.clone();
                    self.pos += 1;
                    Binding::Name(n)
                }
                Tok::Punct("{") => self.object_pattern()?,
                _ => return None,
            };
            let value = if self.eat("=") {
                self.expr()?
            } else {
                Expr::Undefined
            };
            out.push((binding, value));
            if !self.eat(",") {
                return Some(StmtKind::Let(out));
            }
        }
    }

    fn object_pattern(&mut self) -> Option<Binding> {
        let mut out = Vec::new();
        self.fields_pattern("", &mut out, 0)?;
        Some(Binding::Object(out))
    }

    /// The fields of `{ a, b: c, d: { e } }` at `{`, each as its path from the value bound
    /// (`d.e`) and its local name.
    fn fields_pattern(
        &mut self,
        at: &str,
        out: &mut Vec<(String, String)>,
        depth: usize,
    ) -> Option<()> {
        if depth > 8 {
            return None;
        }
        self.pos += 1;
        while !self.eat("}") {
            let Some(Tok::Ident(key)) = self.peek().cloned() else {
                return None;
            };
            self.pos += 1;
            let path = match at {
                "" => key.clone(),
                _ => format!("{at}.{key}"),
            };
            if !self.eat(":") {
                out.push((path, key));
            } else if self.is("{") {
                // `const { data: { songId } } = pm.response.json()`.
                self.fields_pattern(&path, out, depth + 1)?;
            } else {
                let Some(Tok::Ident(l)) = self.peek().cloned() else {
                    return None;
                };
                self.pos += 1;
                out.push((path, l));
            }
            if !self.eat(",") && !self.is("}") {
                return None;
            }
        }
        Some(())
    }

    /// An expression, or an assignment: `x = v`, `x += v` / `x -= v`, `x++` / `x--`, `++x`
    /// (each as `x = x op v`; `x++` as `x = Number(x) + 1`, as JavaScript counts a text `"3"`
    /// on to 4 where `x + 1` joins it, `"31"`).
    fn expression_statement(&mut self) -> Option<StmtKind> {
        let step = |e: &Expr, op: &'static str, v: Expr| {
            StmtKind::Assign(
                e.clone(),
                Expr::Binary(op, Box::new(e.clone()), Box::new(v)),
            )
        };
        let counted = |e: &Expr, op: &'static str| {
            let number = Expr::Call(Box::new(Expr::Ident("Number".into())), vec![e.clone()]);
            let by_one = Expr::Binary(op, Box::new(number), Box::new(Expr::Num(1.0)));
            StmtKind::Assign(e.clone(), by_one)
        };
        for (prefix, op) in [("++", "+"), ("--", "-")] {
            if self.eat(prefix) {
                let e = self.expr()?;
                return Some(counted(&e, op));
            }
        }
        let e = self.expr()?;
        if self.eat("=") {
            let value = self.expr()?;
            return Some(StmtKind::Assign(e, value));
        }
        for (compound, op) in [("+=", "+"), ("-=", "-")] {
            if self.eat(compound) {
                let value = self.expr()?;
                return Some(step(&e, op, value));
            }
        }
        for (postfix, op) in [("++", "+"), ("--", "-")] {
            if self.eat(postfix) {
                return Some(counted(&e, op));
            }
        }
        Some(StmtKind::Expr(e))
    }

    /// Skips one statement this parser does not model, keeping braces balanced; `if (...)`
    /// without braces takes the statement after it along.
    fn skip_other(&mut self) {
        // `if (...)`, `for (...)`: the newline after the head does not end the statement.
        let headed = matches!(self.word(), Some("if" | "for" | "while" | "switch"));
        let mut depth = 0usize;
        let mut after_head = !headed;
        while let Some(t) = self.peek().cloned() {
            if depth == 0 && t == Tok::Punct("}") {
                return;
            }
            let line = self.line(self.pos);
            self.pos += 1;
            match t {
                Tok::Punct("(" | "[" | "{") => depth += 1,
                Tok::Punct(")" | "]" | "}") => depth = depth.saturating_sub(1),
                _ => {}
            }
            if depth > 0 {
                continue;
            }
            if t == Tok::Punct(")") && !after_head {
                after_head = true;
                continue;
            }
            if t == Tok::Punct(";") {
                return;
            }
            let continues = matches!(self.word(), Some("else" | "catch" | "finally"))
                || matches!(self.peek(), Some(Tok::Punct("." | "?." | "{" | ")" | "=>")));
            if t == Tok::Punct("}") && !continues {
                return;
            }
            if self.line(self.pos) > line
                && after_head
                && !continues
                && !matches!(t, Tok::Punct(p) if !matches!(p, ")" | "]"))
                && self.pos < self.toks.len()
            {
                return;
            }
        }
    }

    fn expr(&mut self) -> Option<Expr> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let e = self.binary(0);
        let e = match self.eat("?") {
            // `found ? found.href : "N/A"`
            true => e.and_then(|c| {
                let then = self.expr()?;
                self.eat(":").then_some(())?;
                let otherwise = self.expr()?;
                Some(Expr::Cond(Box::new(c), Box::new(then), Box::new(otherwise)))
            }),
            false => e,
        };
        self.depth -= 1;
        e
    }

    fn binary(&mut self, min: u8) -> Option<Expr> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Punct(p)) => *p,
                Some(Tok::Ident(w)) if w == "in" || w == "instanceof" => {
                    if w == "in" {
                        "in"
                    } else {
                        "instanceof"
                    }
                }
                _ => return Some(left),
            };
            let prec = match op {
                "||" | "??" => 1,
                "&&" => 2,
                "==" | "!=" | "===" | "!==" => 3,
                "<" | ">" | "<=" | ">=" | "in" | "instanceof" => 4,
                "+" | "-" => 5,
                "*" | "/" | "%" => 6,
                _ => return Some(left),
            };
            if prec <= min {
                return Some(left);
            }
            self.pos += 1;
            let right = self.binary(prec)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Option<Expr> {
        let op = match self.peek() {
            Some(Tok::Punct(p @ ("!" | "-" | "+"))) => *p,
            Some(Tok::Ident(w)) if w == "typeof" => "typeof",
            Some(Tok::Ident(w)) if w == "new" => "new",
            Some(Tok::Ident(w)) if w == "await" => "await",
            _ => return self.postfix(),
        };
        self.pos += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let inner = self.unary();
        self.depth -= 1;
        if op == "new"
            && let Some(inner) = &inner
            && matches!(leftmost(inner), Expr::Regex(..))
        {
            // `new RegExp("^[0-9]*$")` is the regular expression (the `new` changes nothing).
            return Some(inner.clone());
        }
        if op == "+" {
            // `+pm.environment.get("id")` is `Number(...)`, read as the call is.
            return Some(Expr::Call(
                Box::new(Expr::Ident("Number".into())),
                vec![inner?],
            ));
        }
        Some(Expr::Unary(op, Box::new(inner?)))
    }

    fn postfix(&mut self) -> Option<Expr> {
        let mut e = self.primary()?;
        // Each link nests the tree one deeper: a chain longer than any script writes is not
        // read (a 100,000-link chain would overflow every walk of it, and its drop).
        for _ in 0..MAX_CHAIN {
            if self.eat(".") || self.eat("?.") {
                match self.peek()? {
                    Tok::Ident(n) => {
                        e = Expr::Member(Box::new(e), n.clone());
                        self.pos += 1;
                    }
                    _ => return None,
                }
            } else if self.eat("[") {
                let index = self.expr()?;
                if !self.eat("]") {
                    return None;
                }
                e = Expr::Index(Box::new(e), Box::new(index));
            } else if self.eat("(") {
                let args = self.list(")")?;
                e = regexp_of_text(Expr::Call(Box::new(e), args));
            } else {
                return Some(e);
            }
        }
        None
    }

    /// Comma-separated expressions up to `close` (consumed).
    fn list(&mut self, close: &str) -> Option<Vec<Expr>> {
        let mut out = Vec::new();
        while !self.eat(close) {
            out.push(self.expr()?);
            if !self.eat(",") && !self.is(close) {
                return None;
            }
        }
        Some(out)
    }

    fn primary(&mut self) -> Option<Expr> {
        let tok = self.peek()?.clone();
        self.pos += 1;
        Some(match tok {
            Tok::Num(n) => Expr::Num(n),
            Tok::Str(s) => Expr::Str(s),
            Tok::Regex(b, f) => Expr::Regex(b, f),
            Tok::Template => Expr::Other,
            Tok::Interpolated(pieces) => self.template(&pieces),
            Tok::Ident(w) => match w.as_str() {
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                "null" => Expr::Null,
                "undefined" => Expr::Undefined,
                "function" => self.function()?,
                _ if self.is("=>") => {
                    self.pos += 1;
                    self.arrow_body(vec![w])?
                }
                _ => Expr::Ident(w),
            },
            Tok::Punct("(") => {
                let start = self.pos;
                if self.skip_balanced(")") && self.is("=>") {
                    let params = self.params(start, self.pos - 1);
                    self.pos += 1;
                    return self.arrow_body(params);
                }
                self.pos = start;
                let e = self.expr()?;
                if !self.eat(")") {
                    return None;
                }
                e
            }
            Tok::Punct("[") => Expr::Array(self.list("]")?),
            Tok::Punct("{") => self.object()?,
            Tok::Punct(_) => return None,
        })
    }

    /// A template literal's pieces, each `${...}` read as an expression (one that is not
    /// understood makes the whole literal unknown).
    fn template(&mut self, pieces: &[Piece]) -> Expr {
        let mut parts = Vec::new();
        for p in pieces {
            match p {
                Piece::Text(t) if t.is_empty() => {}
                Piece::Text(t) => parts.push(TemplatePart::Text(t.clone())),
                Piece::Code(code) => {
                    let mut inner = Parser {
                        toks: lex(code),
                        pos: 0,
                        depth: self.depth + 1,
                    };
                    match inner.expr() {
                        Some(e) if inner.pos == inner.toks.len() => {
                            parts.push(TemplatePart::Expr(e))
                        }
                        _ => return Expr::Other,
                    }
                }
            }
        }
        Expr::Template(parts)
    }

    /// After an opening bracket: moves past its closing one.
    fn skip_balanced(&mut self, close: &str) -> bool {
        let mut depth = 1usize;
        while let Some(t) = self.peek() {
            match t {
                Tok::Punct("(" | "[" | "{") => depth += 1,
                Tok::Punct(")" | "]" | "}") => depth -= 1,
                _ => {}
            }
            let closing = matches!(t, Tok::Punct(p) if *p == close);
            self.pos += 1;
            if depth == 0 {
                return closing;
            }
        }
        false
    }

    fn function(&mut self) -> Option<Expr> {
        if matches!(self.peek(), Some(Tok::Ident(_))) {
            self.pos += 1;
        }
        if !self.eat("(") {
            return None;
        }
        let start = self.pos;
        if !self.skip_balanced(")") || !self.eat("{") {
            return None;
        }
        let params = self.params(start, self.pos - 2);
        match self.block()? {
            Expr::Func(_, body) => Some(Expr::Func(params, body)),
            other => Some(other),
        }
    }

    /// The names of a parameter list between two token positions: plain names only (a
    /// default or a pattern makes the list unknown, empty).
    /// One array pattern of plain names (`([key, value]) => ...`, what `Object.entries`
    /// hands a callback) is the one parameter `"[key,value]"`.
    fn params(&self, start: usize, end: usize) -> Vec<String> {
        let toks = self.toks.get(start..end).unwrap_or_default();
        if let [first, inner @ .., last] = toks
            && first.tok == Tok::Punct("[")
            && last.tok == Tok::Punct("]")
        {
            let names = self.params(start + 1, end - 1);
            return match names.len() == inner.len().div_ceil(2) && !names.is_empty() {
                true => vec![format!("[{}]", names.join(","))],
                false => Vec::new(),
            };
        }
        let mut out = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            match (&t.tok, i % 2) {
                (Tok::Ident(n), 0) => out.push(n.clone()),
                (Tok::Punct(","), 1) => {}
                _ => return Vec::new(),
            }
        }
        out
    }

    fn arrow_body(&mut self, params: Vec<String>) -> Option<Expr> {
        if self.eat("{") {
            return match self.block()? {
                Expr::Func(_, body) => Some(Expr::Func(params, body)),
                other => Some(other),
            };
        }
        let first = self.line(self.pos);
        let e = self.expr()?;
        Some(Expr::Func(
            params,
            vec![Stmt {
                kind: StmtKind::Expr(e),
                first,
                last: self.line(self.pos.saturating_sub(1)),
            }],
        ))
    }

    /// Statements up to the closing brace (consumed).
    fn block(&mut self) -> Option<Expr> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let mut body = Vec::new();
        while !self.eat("}") {
            self.peek()?;
            let before = self.pos;
            if let Some(s) = self.statement() {
                body.push(s);
            }
            if self.pos == before {
                self.depth -= 1;
                return None;
            }
        }
        self.depth -= 1;
        Some(Expr::Func(Vec::new(), body))
    }

    fn object(&mut self) -> Option<Expr> {
        let mut out = Vec::new();
        while !self.eat("}") {
            if self.eat("...") {
                // `{ ...defaults, x: 1 }`: held under the key `...` (see `spread`).
                out.push(("...".to_string(), self.expr()?));
                if !self.eat(",") && !self.is("}") {
                    return None;
                }
                continue;
            }
            let key = match self.peek()?.clone() {
                Tok::Ident(k) | Tok::Str(k) => k,
                Tok::Num(n) => n.to_string(),
                _ => return None,
            };
            self.pos += 1;
            let value = if self.eat(":") {
                self.expr()?
            } else {
                Expr::Ident(key.clone())
            };
            out.push((key, value));
            if !self.eat(",") && !self.is("}") {
                return None;
            }
        }
        Some(Expr::Object(out))
    }
}

/// The cases of a `switch` on `subject` as nested `if`s, the last `else` its `default`.
fn cases_as_ifs(subject: &Expr, cases: Vec<(Vec<Expr>, Vec<Stmt>)>) -> Option<StmtKind> {
    let mut otherwise: Vec<Stmt> = Vec::new();
    for (values, body) in cases.into_iter().rev() {
        if values.is_empty() {
            otherwise = body;
            continue;
        }
        let cond = values
            .into_iter()
            .map(|v| Expr::Binary("===", Box::new(subject.clone()), Box::new(v)))
            .reduce(|a, b| Expr::Binary("||", Box::new(a), Box::new(b)))?;
        let first = body.first().map_or(0, |s| s.first);
        let last = otherwise.last().or(body.last()).map_or(first, |s| s.last);
        otherwise = vec![Stmt {
            kind: StmtKind::If(cond, body, otherwise),
            first,
            last,
        }];
    }
    match otherwise.pop() {
        Some(Stmt { kind, .. }) if otherwise.is_empty() => Some(kind),
        // A switch of a `default` alone: its statements as an `if (true)`.
        Some(s) => {
            otherwise.push(s);
            Some(StmtKind::If(Expr::Bool(true), otherwise, Vec::new()))
        }
        None => None,
    }
}

/// A template literal — as the text it is once every part is written (`` `Key_${"42"}` `` once
/// a parameter is given: `"Key_42"`).
fn written(parts: Vec<TemplatePart>) -> Expr {
    let mut text = String::new();
    for p in &parts {
        match p {
            TemplatePart::Text(t) | TemplatePart::Expr(Expr::Str(t)) => text.push_str(t),
            _ => return Expr::Template(parts),
        }
    }
    Expr::Str(text)
}

/// `RegExp("^(34)[0-9]{11}$")` (or with flags) of literal text: the regular expression its
/// literal form writes, so checks read `pattern.test(x)` as they read `/.../.test(x)`.
fn regexp_of_text(call: Expr) -> Expr {
    if let Expr::Call(callee, args) = &call
        && matches!(&**callee, Expr::Ident(f) if f == "RegExp")
    {
        match args.as_slice() {
            [Expr::Str(body)] => return Expr::Regex(body.clone(), String::new()),
            [Expr::Str(body), Expr::Str(flags)] => return Expr::Regex(body.clone(), flags.clone()),
            _ => {}
        }
    }
    call
}

/// The expression a chain of members, calls and indexes starts from.
fn leftmost(e: &Expr) -> &Expr {
    let mut cur = e;
    loop {
        cur = match cur {
            Expr::Member(inner, _) | Expr::Index(inner, _) => inner,
            Expr::Call(callee, _) => callee,
            other => return other,
        };
    }
}

/// `Number(x)` of `x`: what `x++` reads.
fn is_number_of(e: &Expr, x: &Expr) -> bool {
    matches!(e, Expr::Call(f, args) if **f == Expr::Ident("Number".into()) && args.as_slice() == std::slice::from_ref(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> StmtKind {
        let s = parse(src);
        assert_eq!(s.len(), 1, "{s:?}");
        s[0].kind.clone()
    }

    #[test]
    fn reads_chains_calls_and_functions() {
        let StmtKind::Expr(Expr::Call(callee, args)) =
            one("pm.test('ok', function () {\n  pm.response.to.have.status(200);\n});")
        else {
            panic!("a call");
        };
        assert_eq!(
            *callee,
            Expr::Member(Box::new(Expr::Ident("pm".into())), "test".into())
        );
        let Expr::Func(_, body) = &args[1] else {
            panic!("a function")
        };
        assert_eq!((body.len(), body[0].first), (1, 2));
    }

    #[test]
    fn loops_over_a_list_are_read_and_other_loops_skipped() {
        let s = parse(
            "for (let i = 0; i < d.items.length; i += 1) { x(d.items[i]) }\nfor (const o of d) x(o)\nfor (var k = 1; k < d.length; k++) {}\nfor (const k in d) {}\nwhile (a) { b() }",
        );
        let loops: Vec<_> = s
            .iter()
            .map(|s| match &s.kind {
                StmtKind::For(l) => Some((l.name.as_str(), l.indexed, l.body.len())),
                _ => None,
            })
            .collect();
        assert_eq!(
            loops,
            [
                Some(("i", true, 1)),
                Some(("o", false, 1)),
                None,
                None,
                None
            ]
        );
    }

    #[test]
    fn a_block_ends_its_statement_on_one_line() {
        let StmtKind::Let(decls) = one(
            "function r(n) { var s = \"\"; for (var i = 0; i < n; i++) { s += c(); } return s; }",
        ) else {
            panic!("a function")
        };
        let [(_, Expr::Func(_, body))] = decls.as_slice() else {
            panic!("a function")
        };
        let kinds: Vec<_> = body
            .iter()
            .map(|s| match s.kind {
                StmtKind::Let(_) => "let",
                StmtKind::For(_) => "for",
                StmtKind::Return(_) => "return",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["let", "for", "return"]);
        // Not after an expression: `a = {} b()` is no statement JavaScript ends there.
        assert!(matches!(parse("if (a) { b() } c()").as_slice(), [x, y]
            if matches!(x.kind, StmtKind::If(..)) && matches!(y.kind, StmtKind::Expr(_))));
    }

    #[test]
    fn a_while_loop_counting_from_zero_is_a_for_loop() {
        let s = parse(
            "let n = 0;\nwhile (n < size) { t += c(); n += 1; }\nwhile (n < size) { t += c(); n++ }\nlet m = 0\nwhile (m < 3) { t += c(m); m++ }\nlet k = 1; while (k < 3) { k++ }",
        );
        let kinds: Vec<_> = s
            .iter()
            .map(|s| match &s.kind {
                StmtKind::For(l) => format!("for {} < {:?} ({})", l.name, l.list, l.body.len()),
                StmtKind::Let(_) => "let".into(),
                _ => "other".into(),
            })
            .collect();
        // Counted from 0 just before it; not after another loop, nor when the body reads the
        // counter, nor from 1.
        assert_eq!(
            kinds,
            [
                "let",
                "for n < Ident(\"size\") (1)",
                "other",
                "let",
                "other",
                "let",
                "other"
            ]
        );
    }

    #[test]
    fn statements_end_at_newlines_and_semicolons_and_others_are_skipped_whole() {
        let s = parse(
            "var a = pm.response.json()\nif (a.x) {\n  console.log(1)\n} else { b() }\ntests['t'] = a.y === 3; c()",
        );
        let kinds: Vec<_> = s
            .iter()
            .map(|s| match &s.kind {
                StmtKind::Let(_) => "let",
                StmtKind::If(..) => "if",
                StmtKind::Other
                | StmtKind::For(_)
                | StmtKind::Try(..)
                | StmtKind::Throw(_)
                | StmtKind::Return(_) => "other",
                StmtKind::Assign(..) => "assign",
                StmtKind::Expr(_) => "expr",
            })
            .collect();
        assert_eq!(kinds, ["let", "if", "assign", "expr"]);
        assert_eq!((s[1].first, s[1].last), (2, 4));
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for src in [
            "((((((((((",
            "}}}}",
            "pm.expect(",
            "'unterminated",
            "/* open",
            "a = /re",
            &"[".repeat(10_000),
            &"!".repeat(10_000),
            &"if (a) b(); else ".repeat(10_000),
            &"if (a) ".repeat(10_000),
            &"try { ".repeat(10_000),
            "x => {",
        ] {
            let _ = parse(src);
        }
    }
}
