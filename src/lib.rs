//! yarc: a declarative request-collection runner — the front ends around `yarc-core`.
//!
//! - **Front ends** (this crate): `cli` (the parser and dispatch), `commands` (one module per
//!   command: `run` and `watch`, `check`, `diff`, `vars`, `token`, `snapshots`, `mock`,
//!   `import`, `schema`, `sandbox`, `ui`), `ui` (the workbench page and its API), `report::console`
//!   and `report::body` (what a terminal shows), `sandbox` (the built-in API), `import` (Postman,
//!   OpenAPI, curl, HAR) and `schema` (the editors' JSON Schema). A command lowers its flags once
//!   into a `session::Config` and calls the engine.
//! - **The engine** is the `yarc-core` crate (`crates/core`): session → load → parse → plan →
//!   run → records → reports, with its pure parts and edges. It cannot name anything here: the
//!   compiler enforces the direction (docs/architecture.md). Its modules are used here under
//!   their own names (`crate::plan`, `crate::run`, ...).
//!
//! Every module is `pub(crate)`; [`api`] is the one deliberate surface.
pub(crate) use yarc_core::{
    auth, clock, contract, data, diagnostic, eval, exchange, fake, files, http, load, model,
    outcome, parse, plan, run, secret, session, snapshot, source, template, untrusted,
};

/// The engine's reporters, and the terminal's.
pub(crate) mod report {
    pub(crate) use yarc_core::report::*;
    pub(crate) mod body;
    pub(crate) mod console;
    pub(crate) mod coverage;
    pub(crate) mod style;
}

pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod console;
pub(crate) mod import;
pub(crate) mod lsp;
pub(crate) mod sandbox;
pub(crate) mod schema;
pub(crate) mod ui;

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
