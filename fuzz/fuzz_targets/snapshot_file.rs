//! Any bytes as a snapshot file: reading must never panic, and what reads back writes back the
//! same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(s) = yarc::api::snapshot::from_yaml(&text) {
        let again = yarc::api::snapshot::to_yaml(&s);
        let back = yarc::api::snapshot::from_yaml(&again).expect("a written snapshot reads back");
        assert!(yarc::api::snapshot::same(&s, &back), "round trip changed the snapshot");
    }
});
