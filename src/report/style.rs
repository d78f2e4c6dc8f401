//! How the terminal output looks: colour (on only for a terminal or `--color always`, off
//! under `NO_COLOR` or `--color never`, so logs and golden files stay clean) and durations
//! (real, or fixed for reproducible output).

use owo_colors::OwoColorize;

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Style {
    pub color: bool,
    pub clock: crate::clock::Clock,
}

impl Style {
    pub(crate) fn duration(&self, d: std::time::Duration) -> String {
        self.clock.duration(d)
    }

    pub(crate) fn pass(&self, s: &str) -> String {
        if self.color {
            s.green().bold().to_string()
        } else {
            s.to_string()
        }
    }
    pub(crate) fn fail(&self, s: &str) -> String {
        if self.color {
            s.red().bold().to_string()
        } else {
            s.to_string()
        }
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        if self.color {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }
}
