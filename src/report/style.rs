//! How the terminal output looks: colour (on only for a terminal or `--color always`, off
//! under `NO_COLOR` or `--color never`, so logs and golden files stay clean) and durations
//! (real, or fixed for reproducible output).

use owo_colors::OwoColorize;

#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    pub clock: crate::clock::Clock,
}

impl Style {
    pub fn duration(&self, d: std::time::Duration) -> String {
        self.clock.duration(d)
    }

    pub fn pass(&self, s: &str) -> String {
        if self.color {
            s.green().bold().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn fail(&self, s: &str) -> String {
        if self.color {
            s.red().bold().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn dim(&self, s: &str) -> String {
        if self.color {
            s.dimmed().to_string()
        } else {
            s.to_string()
        }
    }
    pub fn bold(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_string()
        }
    }
}
