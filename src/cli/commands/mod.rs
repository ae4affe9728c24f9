//! The commands, each a straight line through the pipeline: read and judge the batch
//! ([`luoshi::pipeline`]), then write what the command is for.

use anyhow::Result;

use luoshi::finding::{Finding, Severity};

mod consolidate;
mod ledger;
mod levels;
mod notice;
mod reconcile;
mod remind;
mod run;
mod template;

pub use consolidate::consolidate;
pub use ledger::ledger;
pub use levels::{derive, report_up};
pub use luoshi::pipeline::{absolute, guard_output, parse_period, process, HistorySource, Options};
pub use notice::notice;
pub use reconcile::reconcile;
pub use remind::remind;
pub use run::{run_loading, Outputs};
pub use template::{template, verified_template, TemplateKind};

/// A date option (`--due`, `--date`) as the user typed it.
pub fn parse_date(flag: &str, d: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| anyhow::anyhow!("{flag} “{d}”写法不对，应为 年-月-日，如 2022-07-05"))
}

/// Whether any finding is at or above `level`.
pub fn fails(findings: &[Finding], level: Option<Severity>) -> bool {
    match level {
        None => false,
        Some(l) => findings.iter().any(|f| f.severity >= l),
    }
}
