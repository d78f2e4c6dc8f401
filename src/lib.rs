//! yarc: a declarative request-collection runner.
//!
//! Front ends, then the engine they all call, then the edges:
//!
//! - **Front ends**: `cli` (the parser and dispatch), `commands` (one module per command:
//!   `run` and `watch`, `check`, `diff`, `vars`, `token`, `snapshots`, `mock`, `import`,
//!   `schema`, `sandbox`, `ui`) and `ui` (the workbench page and its API). A command lowers its
//!   flags once into a `session::Config` and calls the engine; nothing below names a front end,
//!   and no two modules need each other (`tests/integration/architecture.rs` checks both).
//! - **The engine**, one way: `session` (the front door: config → prepared plan) → `load` (files
//!   → text) → `parse` (text → `model` with spans) → `plan` (variables and derived variables,
//!   selection, compiled templates, JSONPaths and schemas; every input error found here) → `run`
//!   (render, auth, send, evaluate, capture, snapshot) → records and events → `report` (terminal,
//!   JUnit, JSON, HTML, GitHub annotations). `outcome` holds the exit codes.
//! - **Pure parts** the engine uses: `template` (minijinja), `eval` (assertions, captures,
//!   JSONPath), `exchange` (a response and its document tree), `snapshot` (normalise, compare,
//!   diff), `secret` (the redactor), `untrusted` (server text made safe to show), `diagnostic`
//!   (located errors).
//! - **Edges**: `http` (the client; `http::net` settings, connection timing, the cookie jar),
//!   `auth` (OAuth2; `auth::token_store`), `files` (atomic writes), `data` (data files),
//!   `sandbox` (the built-in API), `import` (Postman, OpenAPI) and `schema` (the editors' JSON
//!   Schema).
//!
//! Every module is `pub(crate)`; [`api`] is the one deliberate surface.
pub(crate) mod auth;
pub(crate) mod cli;
pub(crate) mod clock;
pub(crate) mod commands;
pub(crate) mod console;
pub(crate) mod data;
pub(crate) mod diagnostic;
pub(crate) mod eval;
pub(crate) mod exchange;
pub(crate) mod fake;
pub(crate) mod files;
pub(crate) mod http;
pub(crate) mod import;
pub(crate) mod load;
pub(crate) mod model;
pub(crate) mod outcome;
pub(crate) mod parse;
pub(crate) mod plan;
pub(crate) mod report;
pub(crate) mod run;
pub(crate) mod sandbox;
pub(crate) mod schema;
pub(crate) mod secret;
pub(crate) mod session;
pub(crate) mod snapshot;
pub(crate) mod source;
pub(crate) mod template;
pub(crate) mod ui;
pub(crate) mod untrusted;

/// The library's deliberate surface, and nothing else: the binary's entry, and what the
/// integration tests and the fuzz targets drive directly (the built-in sandbox, the editors'
/// schema, the engine's pure parts with the inputs they take). Everything else is
/// `pub(crate)`, so an item nothing uses is a compiler warning.
pub mod api {
    pub mod cli {
        pub use crate::cli::{Cli, main_with_args};
    }
    pub mod sandbox {
        pub use crate::sandbox::{Sandbox, Settings, start};
    }
    pub mod schema {
        pub use crate::schema::{Kind, json};
    }
    pub mod secret {
        pub use crate::secret::{MASK, Redactor, Secrets};
    }
    pub mod source {
        pub use crate::source::{SourceFile, Span};
    }
    pub mod model {
        pub use crate::model::{Expect, Op, Target, Template};
    }
    pub mod parse {
        pub use crate::parse::{
            expect_from_yaml, keys::TABLES, parse_collection, parse_environment,
        };
    }
    pub mod template {
        pub use crate::template::{Templates, Vars};
    }
    pub mod plan {
        pub use crate::plan::{Overrides, PlanOptions, plan};
    }
    pub mod eval {
        pub use crate::eval::{EvalCtx, Schemas, evaluate, jsonpath::JsonPaths};
    }
    pub mod exchange {
        pub use crate::exchange::Response;
    }
    pub mod snapshot {
        pub use crate::snapshot::{from_yaml, same, to_yaml};
    }
}
