//! Any bytes as a collection file: decode and plan (syntax and variables) must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use yarc::api::plan::{Overrides, PlanOptions, plan};
use yarc::api::secret::{Redactor, Secrets};
use yarc::api::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new("fuzz.yaml", text.into_owned());
    if let Ok(c) = yarc::api::parse::parse_collection(&file, std::path::Path::new("fuzz.yaml")) {
        let secrets = Arc::new(Secrets::none(Redactor::new()));
        let _ = plan(vec![c], None, &Overrides::default(), secrets, PlanOptions::default());
    }
    let _ = yarc::api::parse::parse_environment(&file, std::path::Path::new("env.yaml"));
});
