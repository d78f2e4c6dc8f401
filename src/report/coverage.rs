//! API coverage in the terminal (`yarc run --coverage`, `yarc coverage`): per document, the
//! shares of operations called and documented responses seen, then each operation, what is
//! untested first.

use super::style::Style;
use crate::contract::{Coverage, Share};
use crate::untrusted::one_line;

/// The coverage table.
pub(crate) fn table(c: &Coverage, style: &Style) -> String {
    let mut out = String::new();
    for d in &c.documents {
        let one = Coverage {
            documents: vec![d.clone()],
        };
        out.push_str(&format!(
            "{} {}: {}, {}\n",
            style.bold("API coverage"),
            one_line(&d.document),
            share(one.operations(), "operations called"),
            share(one.responses(), "documented responses seen"),
        ));
        let width = d
            .operations
            .iter()
            .map(|o| o.operation.len())
            .max()
            .unwrap_or(0);
        for o in d.untested_first() {
            let missing = o.not_seen();
            let (mark, state) = match (o.calls, o.complete()) {
                (0, _) => (style.fail("✗"), "not called".to_string()),
                (n, false) => (
                    style.dim("!"),
                    format!("{n}× · not seen: {}", one_line(&missing.join(", "))),
                ),
                (n, true) => (style.pass("✓"), format!("{n}×")),
            };
            out.push_str(&format!(
                "  {mark} {:width$}  {state}\n",
                one_line(&o.operation)
            ));
        }
        if d.unmatched > 0 {
            out.push_str(&format!(
                "  {} request{} matched no operation of it\n",
                d.unmatched,
                if d.unmatched == 1 { "" } else { "s" }
            ));
        }
    }
    out
}

fn share(s: Share, what: &str) -> String {
    format!("{} of {} {what} ({} %)", s.seen, s.total, s.percent())
}

/// Why a run falls short of `--min-coverage`, if it does: the share of operations called.
pub(crate) fn short_of(c: &Coverage, min: u8) -> Option<String> {
    let ops = c.operations();
    (ops.percent() < usize::from(min)).then(|| {
        format!(
            "API coverage {} % ({} of {} operations called) is below --min-coverage {min}",
            ops.percent(),
            ops.seen,
            ops.total
        )
    })
}
