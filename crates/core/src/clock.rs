//! Time and chance as a run sees them: the real ones, or fixed ones for reproducible output
//! (golden tests compare whole outputs). A front end chooses; nothing below reads the
//! environment for it.

use chrono::{DateTime, Utc};
use std::time::Duration;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    #[default]
    Real,
    /// `now()` is 2026-01-01T00:00:00Z, `uuid()` is all zeros but the version, `random_int(a,
    /// b)` is `a`, `fake(kind)` one value per kind; durations print as `[time]` (0 in JSON),
    /// dates as `[date]`.
    Fixed,
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Clock::Real => Utc::now(),
            Clock::Fixed => DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default(),
        }
    }

    pub fn uuid(self) -> String {
        match self {
            Clock::Real => uuid::Uuid::new_v4().to_string(),
            Clock::Fixed => "00000000-0000-4000-8000-000000000000".to_string(),
        }
    }

    /// A whole number from `a` to `b` inclusive (in either order).
    pub fn random_int(self, a: i64, b: i64) -> i64 {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        match self {
            Clock::Real => fastrand::i64(lo..=hi),
            Clock::Fixed => lo,
        }
    }

    /// A `fake('kind')` value (`None`: no such kind); fixed, the same value of a kind each time.
    pub fn fake(self, kind: &str) -> Option<String> {
        use rand::SeedableRng;
        let now = self.now();
        match self {
            Clock::Real => crate::fake::generate(kind, &mut rand::rng(), now),
            Clock::Fixed => {
                crate::fake::generate(kind, &mut rand::rngs::StdRng::seed_from_u64(0), now)
            }
        }
    }

    /// A duration for people: `12 ms`, `10.3 s`.
    pub fn duration(self, d: Duration) -> String {
        if self == Clock::Fixed {
            return "[time]".into();
        }
        let ms = d.as_millis();
        if ms >= 10_000 {
            format!("{:.1} s", d.as_secs_f64())
        } else {
            format!("{ms} ms")
        }
    }

    /// A duration in whole milliseconds, for reports.
    pub fn millis(self, d: Duration) -> u64 {
        match self {
            Clock::Real => d.as_millis() as u64,
            Clock::Fixed => 0,
        }
    }

    /// Today, for a report's header.
    pub fn date(self) -> String {
        match self {
            Clock::Real => Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            Clock::Fixed => "[date]".into(),
        }
    }
}
