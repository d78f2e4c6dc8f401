//! yarc: a declarative request-collection runner.
//!
//! The pipeline, one way:
//! load (files → text) → parse (text → model with spans) → plan (variables, selection,
//! compiled templates, JSONPaths and schemas; every input error found here) → run (render,
//! auth, send, evaluate, capture, snapshot) → events → reporters (terminal, JUnit, JSON, HTML).
//!
//! Beside it: `sandbox` (the built-in API), `import` (Postman, OpenAPI), `compare`
//! (`yarc diff`), `mock` (serving snapshots), `inspect` (`yarc vars`, `yarc token`),
//! `format_schema` (the editors' JSON Schema).

pub mod auth;
pub mod cli;
pub mod compare;
pub mod data;
pub mod diagnostic;
pub mod eval;
pub mod exchange;
pub mod format_schema;
pub mod http;
pub mod import;
pub mod inspect;
pub mod load;
pub mod mock;
pub mod model;
pub mod net;
pub mod outcome;
pub mod parse;
pub mod plan;
pub mod report;
pub mod review;
pub mod run;
pub mod sandbox;
pub mod secret;
pub mod snapshot;
pub mod source;
pub mod template;
pub mod token_store;
pub mod untrusted;
