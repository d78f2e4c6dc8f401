//! yarc's engine: what every front end (the command line, the workbench page, a language
//! server) calls, and nothing of them — no command-line parser, no terminal, no HTTP server.
//!
//! - **The pipeline**, one way: `session` (the front door: a `session::Config` → a prepared
//!   plan) → `load` (files → text) → `parse` (text → `model` with spans) → `plan` (variables and
//!   derived variables, selection, compiled templates, JSONPaths and schemas; every input error
//!   found here) → `run` (render, auth, send, evaluate, capture, snapshot) → records and events
//!   → `report` (JUnit, JSON, HTML, GitHub annotations, merging shards). `outcome` holds the exit
//!   codes and the typed run-time errors.
//! - **Contract checks**: `contract` (an OpenAPI document's operations matched to requests,
//!   responses and request bodies held to them, coverage, drift between two versions; its
//!   `files` reads the files a document's `$ref`s name).
//! - **Pure parts**: `template` (minijinja), `eval` (assertions, captures, JSONPath, XPath),
//!   `exchange` (a response and its document tree), `snapshot` (normalise, compare, diff),
//!   `secret` (the redactor), `untrusted` (server text made safe to show), `diagnostic`
//!   (located errors), `source` (files and spans), `clock` and `fake` (time and made-up values,
//!   real or repeatable).
//! - **Edges**: `http` (the client; `http::net` settings, connection timing, the cookie jar),
//!   `auth` (OAuth2; `auth::token_store`, `auth::claims`), `files` (atomic writes), `data`
//!   (data files).
//!
//! A front end that can start the built-in sandbox hands `session::Config` a
//! `session::Sandboxes`; the engine only asks it for a URL.

pub mod auth;
pub mod clock;
pub mod contract;
pub mod data;
pub mod diagnostic;
pub mod digest;
pub mod eval;
pub mod exchange;
pub mod fake;
pub mod files;
pub mod http;
pub mod load;
pub mod model;
pub mod outcome;
pub mod parse;
pub mod plan;
pub mod report;
pub mod run;
pub mod secret;
pub mod session;
pub mod snapshot;
pub mod source;
pub mod template;
pub mod untrusted;
