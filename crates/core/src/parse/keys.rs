//! Every key the parser accepts, in one place: the decoders read these tables, and a test checks
//! the editors' JSON Schema (`yarc schema`, src/format_schema.rs) against them, so a key added to
//! one and forgotten in the other fails the build's tests.

pub const COLLECTION: &[&str] = &[
    "name",
    "description",
    "tags",
    "variables",
    "auth",
    "defaults",
    "cookie_jar",
    "openapi",
    "contract",
    "requests",
];
pub const GROUP: &[&str] = &[
    "group",
    "description",
    "tags",
    "variables",
    "auth",
    "defaults",
    "skip",
    "openapi",
    "contract",
    "requests",
];
pub const REQUEST: &[&str] = &[
    "name",
    "description",
    "method",
    "url",
    "query",
    "headers",
    "json",
    "form",
    "multipart",
    "text",
    "file",
    "timeout",
    "follow_redirects",
    "max_redirects",
    "tags",
    "skip",
    "fail",
    "auth",
    "expect",
    "capture",
    "set",
    "retry",
    "repeat",
    "snapshot",
    "variables",
    "cookies",
    "cookie_jar",
    "delay",
    "graphql",
    "contract",
    "inherit",
];
pub const DEFAULTS: &[&str] = &[
    "headers",
    "query",
    "timeout",
    "follow_redirects",
    "max_redirects",
    "snapshot",
    "expect",
    "set",
];
pub const BODIES: &[&str] = &["json", "form", "multipart", "text", "file", "graphql"];
pub const GRAPHQL: &[&str] = &["query", "variables", "operation_name"];
pub const FILE_PART: &[&str] = &["file", "filename", "content_type"];
pub const INLINE_PART: &[&str] = &["content", "filename", "content_type"];
/// What a multipart map may hold: a file part's keys or an inline part's.
pub const ANY_PART: &[&str] = &["file", "content", "filename", "content_type"];
pub const SNAPSHOT: &[&str] = &["ignore", "headers"];
pub const AUTH_KINDS: &[&str] = &["oauth2", "bearer", "basic", "api_key", "none"];
pub const BASIC: &[&str] = &["username", "password"];
pub const API_KEY: &[&str] = &["header", "query", "value"];
pub const OAUTH2: &[&str] = &[
    "token_url",
    "issuer",
    "refresh_before",
    "client_id",
    "client_secret",
    "scope",
    "credentials",
    "params",
    "username",
    "password",
    "variable",
];
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
/// Other methods of IANA's HTTP Method Registry (WebDAV, QUERY, ...) and the PURGE that caches
/// take: written in any case, sent in capitals.
pub const OTHER_METHODS: &[&str] = &[
    "ACL",
    "BASELINE-CONTROL",
    "BIND",
    "CHECKIN",
    "CHECKOUT",
    "CONNECT",
    "COPY",
    "LABEL",
    "LINK",
    "LOCK",
    "MERGE",
    "MKACTIVITY",
    "MKCALENDAR",
    "MKCOL",
    "MKREDIRECTREF",
    "MKWORKSPACE",
    "MOVE",
    "ORDERPATCH",
    "PROPFIND",
    "PROPPATCH",
    "PURGE",
    "QUERY",
    "REBIND",
    "REPORT",
    "SEARCH",
    "TRACE",
    "UNBIND",
    "UNCHECKOUT",
    "UNLINK",
    "UNLOCK",
    "UPDATE",
    "UPDATEREDIRECTREF",
    "VERSION-CONTROL",
];
pub const EXPECT: &[&str] = &[
    "status", "headers", "cookies", "body", "json", "xml", "schema", "time", "vars", "cases",
];
pub const PREDICATES: &[&str] = &[
    "equals",
    "not",
    "exists",
    "type",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
    "in",
    "length",
    "lt",
    "lte",
    "gt",
    "gte",
    "each",
    "all",
    "any",
];
pub const TIME: &[&str] = &["lt", "lte", "gt", "gte", "all"];
pub const CAPTURE: &[&str] = &[
    "json", "xml", "all", "header", "cookie", "regex", "status", "body", "default", "optional",
    "length", "as", "when", "value",
];
pub const RETRY: &[&str] = &[
    "attempts",
    "delay",
    "backoff",
    "max_delay",
    "timeout",
    "until",
];
pub const REPEAT: &[&str] = &["while", "max"];
pub const OPENAPI: &[&str] = &["file", "requests"];
pub const ENVIRONMENT: &[&str] = &["name", "extends", "variables", "sandbox", "tls", "openapi"];
pub const TLS: &[&str] = &["ca_cert", "client_cert", "client_key", "insecure"];
pub const SANDBOX: &[&str] = &["token_lifetime"];

/// Which format, and which object of its JSON Schema (`""`: the file itself), takes which keys.
/// `auth` blocks are the schema's `AuthBlock` (every kind but `none`, which is a string there).
pub const TABLES: &[(&str, &str, &[&str])] = &[
    ("collection", "", COLLECTION),
    ("collection", "Group", GROUP),
    ("collection", "Request", REQUEST),
    ("collection", "Defaults", DEFAULTS),
    ("collection", "FilePart", FILE_PART),
    ("collection", "InlinePart", INLINE_PART),
    ("collection", "Graphql", GRAPHQL),
    ("collection", "SnapshotSpec", SNAPSHOT),
    (
        "collection",
        "AuthBlock",
        &["oauth2", "bearer", "basic", "api_key"],
    ),
    ("collection", "Basic", BASIC),
    ("collection", "ApiKey", API_KEY),
    ("collection", "OAuth2", OAUTH2),
    ("collection", "Expect", EXPECT),
    ("collection", "Predicates", PREDICATES),
    ("collection", "TimePredicates", TIME),
    ("collection", "CaptureSpec", CAPTURE),
    ("collection", "Retry", RETRY),
    ("collection", "RepeatSpec", REPEAT),
    ("environment", "", ENVIRONMENT),
    ("environment", "Tls", TLS),
    ("environment", "SandboxSettings", SANDBOX),
];
