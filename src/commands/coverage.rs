//! `yarc coverage REPORT.json...`: the API coverage a run's JSON reports carry (`coverage`,
//! written when a request is held to an `openapi:` document), added up over the reports, as
//! `yarc run --coverage` prints it; `--min-coverage` fails when too little was called.

use super::CommandError;
use super::args::ColorChoice;
use super::color_on;
use crate::clock::Clock;
use crate::outcome::Exit;
use crate::report::style::Style;
use clap::Args;
use serde_json::Value;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CoverageArgs {
    /// JSON reports (`yarc run --report json:FILE`).
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// Exit 1 when fewer than this per cent of the documents' operations were called.
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub min_coverage: Option<u8>,
    /// Colour: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

pub(crate) fn execute(a: CoverageArgs) -> super::Outcome {
    let mut docs: Vec<(&str, Value)> = Vec::new();
    let names: Vec<String> = a.reports.iter().map(|p| p.display().to_string()).collect();
    for (p, name) in a.reports.iter().zip(&names) {
        let text = crate::load::read_text(p)
            .map_err(|e| CommandError::stopped(e.to_string(), Exit::Invalid))?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| {
            CommandError::stopped(format!("`{name}` is not a JSON report: {e}"), Exit::Invalid)
        })?;
        docs.push((name.as_str(), doc));
    }
    let Some(coverage) = crate::report::merge::coverage(&docs) else {
        return Err(CommandError::stopped(
            "no API coverage in these reports: they come from runs with no `openapi:` document",
            Exit::Invalid,
        ));
    };
    let style = Style {
        color: color_on(a.color),
        clock: Clock::Real,
    };
    crate::out!("{}", crate::report::coverage::table(&coverage, &style));
    match a
        .min_coverage
        .and_then(|min| crate::report::coverage::short_of(&coverage, min))
    {
        Some(why) => {
            crate::outln!("{}: {why}", style.fail("error"));
            Ok(Exit::Failed)
        }
        None => Ok(Exit::Ok),
    }
}
