//! The commands, each a straight line through the pipeline stages: `process` reads and judges a
//! batch (what `validate` and `consolidate` need), `run`, `template` and `reconcile` go on to write.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::finding::{Finding, Severity};
use crate::lights::Thresholds;
use crate::validate::Period;

mod history;
mod ledger;
mod notice;
mod process;
mod reconcile;
mod remind;
mod run;
mod template;

pub use crate::batch::Batch;
pub use history::{period_folders, read_period, year_folders, History, HistorySource};
pub use ledger::ledger;
pub use notice::notice;
pub use process::{collect_inputs, judge, judge_with, process, read_files, Input, ReadFiles};
pub use reconcile::reconcile;
pub use remind::{remind, Reminder, Reminders};
pub use run::{run, run_loading, Outputs};
pub use template::{template, verified_template, TemplateKind};

/// How a batch is processed.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `YYYY-MM`; inferred from the files when absent.
    pub period: Option<String>,
    /// Last period's submissions (`--previous`), for L10 and the change since last month.
    pub previous: Option<PathBuf>,
    pub thresholds: Thresholds,
    /// Show a progress bar on long batches.
    pub progress: bool,
    /// A folder never to read (the output folder).
    pub exclude: Option<PathBuf>,
    /// Apply the batch-wide coverage rules (V01, V02, V04, V05); by default only when a folder is given.
    pub batch_rules: Option<bool>,
    /// Where earlier periods of the year are found (L11–L13, the ledger, streaks).
    pub history: HistorySource,
    /// Which streak calls for which 督办措施.
    pub escalation: crate::ledger::Escalation,
    /// 预评估 before 6月 too.
    pub assess: bool,
    /// The 通报 and 督办函's settings, wording and date; the built-in ones dated today when absent.
    pub papers: Option<std::sync::Arc<crate::papers::Papers>>,
}

impl Options {
    pub fn papers(&self) -> std::sync::Arc<crate::papers::Papers> {
        self.papers.clone().unwrap_or_else(|| std::sync::Arc::new(crate::papers::Papers::builtin(chrono::Local::now().date_naive())))
    }
}

/// A date option (`--due`, `--date`) as the user typed it.
pub fn parse_date(flag: &str, d: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| anyhow::anyhow!("{flag} “{d}”写法不对，应为 年-月-日，如 2021-07-05"))
}

/// A `--period` as the user typed it.
pub fn parse_period(p: &str) -> Result<Period> {
    Period::parse(p).with_context(|| format!("--period “{p}”写法不对，应为 年-月，如 2021-06"))
}

/// Whether any finding is at or above `level`.
pub fn fails(findings: &[Finding], level: Option<Severity>) -> bool {
    match level {
        None => false,
        Some(l) => findings.iter().any(|f| f.severity >= l),
    }
}

/// A batch folder to read and an output folder to write into, checked before anything is read.
pub fn check_run_folders(command: &str, dir: &Path, out: &Path) -> Result<()> {
    if !dir.is_dir() {
        bail!("{} 不是文件夹：luoshi {command} 需要存放各单位报送文件的文件夹", dir.display());
    }
    check_output_dir(out, &[dir.to_path_buf()])?;
    if out.exists() && !out.is_dir() {
        bail!("输出目录 {} 是一个文件，不是文件夹；请用 -o 指定一个文件夹（不存在时会新建）", out.display());
    }
    Ok(())
}

/// Refuse an output folder that is, or is inside, an input folder: outputs must never be read back as submissions.
pub fn check_output_dir(out: &Path, inputs: &[PathBuf]) -> Result<()> {
    let out_abs = absolute(out);
    for i in inputs {
        if i.is_dir() {
            let in_abs = absolute(i);
            if out_abs.starts_with(&in_abs) {
                bail!(
                    "输出目录 {} 在报送文件夹 {} 里面，下次运行会把输出当成报送文件读入；请用 -o 指定别的目录",
                    out.display(),
                    i.display()
                );
            }
        }
    }
    Ok(())
}

/// A path made absolute, also when it does not exist yet.
pub fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    // Not created yet: resolve the nearest existing ancestor.
    let mut rest = Vec::new();
    let mut cur = p.to_path_buf();
    loop {
        if let Ok(c) = cur.canonicalize() {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (cur.file_name().map(|n| n.to_os_string()), cur.parent()) {
            (Some(n), Some(parent)) => {
                rest.push(n);
                cur = if parent.as_os_str().is_empty() { PathBuf::from(".") } else { parent.to_path_buf() };
            }
            _ => return p.to_path_buf(),
        }
    }
}

