//! A template and untrusted variables: compiling and rendering must never panic or hang (fuel).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use yarc::api::model::Template;
use yarc::api::secret::{Redactor, Secrets};
use yarc::api::source::{SourceFile, Span};
use yarc::api::template::{Templates, Vars};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (source, vars) = text.split_once('\u{0}').unwrap_or((&text, "{}"));
    let vars: Vars = serde_json::from_str(vars).unwrap_or_default();
    let file = SourceFile::new("fuzz.yaml", source.to_string());
    let t = Template::new(source, &Span::file_start(&file));
    let mut engine = Templates::new(Arc::new(Secrets::none(Redactor::new())), Default::default());
    if engine.compile(&t).is_ok() {
        let _ = engine.undeclared(&t);
        let _ = engine.render(&t, &vars);
        let _ = engine.render_json(&t, &vars);
        let _ = engine.skip_reason(&t, &vars);
    }
});
