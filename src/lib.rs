//! yarc: a declarative request-collection runner.
//!
//! Front ends, then the engine they all call, then the edges:
//!
//! - **Front ends**: `cli` (the parser and dispatch), `commands` (one module per command:
//!   `run` and `watch`, `check`, `diff`, `vars`, `token`, `snapshots`, `mock`, `import`,
//!   `schema`, `sandbox`, `ui`) and `ui` (the workbench page and its API). A command lowers its
//!   flags once into a [`session::Config`] and calls the engine; nothing below names a front end,
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
pub mod auth;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod console;
pub mod data;
pub mod diagnostic;
pub mod eval;
pub mod exchange;
pub mod fake;
pub mod files;
pub mod http;
pub mod import;
pub mod load;
pub mod model;
pub mod outcome;
pub mod parse;
pub mod plan;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod schema;
pub mod secret;
pub mod session;
pub mod snapshot;
pub mod source;
pub mod template;
pub mod ui;
pub mod untrusted;
