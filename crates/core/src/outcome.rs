//! The exit codes, in one leaf type that every command and the run's summary map to.
//! docs/format.md ("Outcomes and exit status") is the table users read. Also the typed errors
//! of a run, each with its exit code.

use std::time::Duration;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every request passed, was skipped, or (a dry run) was rendered.
    Ok,
    /// An assertion, capture, polling condition or snapshot failed.
    Failed,
    /// Invalid input or usage: a collection, option or file that cannot be used.
    Invalid,
    /// A request could not complete (connection, timeout, TLS, token endpoint), or a report
    /// could not be written.
    Incomplete,
    /// Stopped by SIGINT (Ctrl-C).
    Interrupted,
    /// Stopped by SIGTERM.
    Terminated,
}

impl Exit {
    pub const fn code(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Failed => 1,
            Exit::Invalid => 2,
            Exit::Incomplete => 3,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
        }
    }

    /// The exit a code stands for (a report written by an earlier run gives its code).
    pub fn from_code(code: i64) -> Option<Exit> {
        [
            Exit::Ok,
            Exit::Failed,
            Exit::Invalid,
            Exit::Incomplete,
            Exit::Interrupted,
            Exit::Terminated,
        ]
        .into_iter()
        .find(|e| i64::from(e.code()) == code)
    }
}

/// What can stop one request at run time. Each knows its exit code; its message is what the
/// user reads (the cause from below, in words they can act on).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    #[error("timed out after {}: {cause}", humantime::format_duration(*after))]
    Timeout { after: Duration, cause: String },
    /// The whole exchange (redirects included) ran past the request's timeout.
    #[error("timed out after {}", humantime::format_duration(*.0))]
    Deadline(Duration),
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("the response body could not be read: {0}")]
    Body(String),
    #[error("the request failed: {0}")]
    Request(String),
    /// A redirect reqwest or yarc's policy stopped: a loop, or one yarc refuses to follow.
    #[error("the redirect was not followed: {0}")]
    RedirectLoop(String),
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    #[error(
        "not following the {status} redirect to {to}: it would send the request's body, which holds a secret, to another origin"
    )]
    SecretBodyRedirect { status: u16, to: String },
    #[error(
        "the server redirected to `{0}`, which is not an http or https URL: yarc follows redirects to http(s) only"
    )]
    NotHttpRedirect(String),
    #[error("the response body{} is larger than the limit of {limit} bytes ({flag})", declared.map(|n| format!(" ({n} bytes)")).unwrap_or_default())]
    TooLarge {
        declared: Option<u64>,
        limit: usize,
        flag: &'static str,
    },
    /// A token or discovery request failed; the message names the endpoint and the cause.
    #[error("{0}")]
    Token(String),
    #[error(
        "the API answered 401 to a freshly fetched token too{challenge}: the token was rejected, not expired — {carried}; a wrong tenant_id or a missing scope are the usual causes"
    )]
    TokenRefused { challenge: String, carried: String },
    /// The HTTP client or TLS configuration could not be made.
    #[error("{0}")]
    Setup(String),
    /// A network option the user gave cannot be used: a CA or client certificate file, a proxy.
    #[error("{0}")]
    Config(String),
    /// A body or multipart file named in the collection could not be read.
    #[error("cannot read {what} `{shown}`: {cause}")]
    File {
        what: &'static str,
        shown: String,
        cause: String,
    },
    #[error("invalid method `{0}`")]
    Method(String),
    #[error("invalid content type `{0}`")]
    ContentType(String),
    #[error("not run: the run was interrupted")]
    Interrupted,
}

impl RunError {
    /// What the error makes of the run: input errors are exit 2, the rest could not complete.
    pub fn exit(&self) -> Exit {
        match self {
            RunError::File { .. }
            | RunError::Method(_)
            | RunError::ContentType(_)
            | RunError::Config(_) => Exit::Invalid,
            RunError::Interrupted => Exit::Interrupted,
            _ => Exit::Incomplete,
        }
    }
}
