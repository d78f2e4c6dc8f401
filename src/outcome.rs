//! The exit codes, in one leaf type that every command and the run's summary map to.
//! docs/format.md ("Outcomes and exit status") is the table users read.

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
}
