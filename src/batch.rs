//! A batch: everything known about one period's submissions after validation and consolidation.
//! Made by `commands`, read by the writers, the reconciliation and the terminal.

use crate::consolidate::Consolidated;
use crate::finding::{Finding, Rule};
use crate::ledger::Ledger;
use crate::normalise::Submission;
use crate::period::Period;

/// Everything known about one batch of submissions after validation and consolidation.
pub struct Batch {
    pub period: Period,
    /// What decided the period (`--period`, the folder's name, the file names, the files' 报送期次).
    pub period_basis: String,
    pub files: Vec<FileLine>,
    /// Files not read, each with why (lock files, luoshi's own outputs, files that are not tables).
    pub skipped: Vec<(String, String)>,
    pub submissions: Vec<Submission>,
    pub findings: Vec<Finding>,
    pub consolidated: Consolidated,
    /// The year so far, when earlier periods were found (`None` without history).
    pub ledger: Option<Ledger>,
    /// What reading the earlier periods noticed (periods used, folders passed over, files unread).
    pub notes: Vec<String>,
}

/// One input file and what became of it.
#[derive(Debug, Clone)]
pub struct FileLine {
    pub file: String,
    pub unit: String,
    pub state: FileState,
    pub sheet: String,
    pub rows: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// What became of one input file (files passed over unread are in [`Batch::skipped`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileState {
    /// Read; its rows are in the batch.
    Read,
    /// Could not be opened or read (F01).
    Unreadable,
    /// A workbook without a recognisable 任务分解表 (F02).
    NoTable,
    /// Not used: a newer file of the same unit replaces it (F06).
    Superseded { by: String },
    /// Not used: last period's file sent again (F08).
    LastPeriods,
}

impl FileState {
    /// How the 文件清单 and the terminal say it.
    pub fn label(&self) -> String {
        match self {
            FileState::Read => "已读取".into(),
            FileState::Unreadable => "无法读取".into(),
            FileState::NoTable => "没有任务分解表".into(),
            FileState::Superseded { by } => format!("未采用（以“{by}”为准）"),
            FileState::LastPeriods => "上期文件（未采用）".into(),
        }
    }

    /// Whether the file gave the batch nothing because it could not be used (not because a
    /// newer one replaced it).
    pub fn unusable(&self) -> bool {
        matches!(self, FileState::Unreadable | FileState::NoTable | FileState::LastPeriods)
    }
}

/// Who was due to report and what became of it — one count for the terminal, the workbooks and
/// the papers: 应报 = 已报 + 已报但无法使用 + 未报.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reporting {
    /// Units on the roster with tasks on the master list.
    pub due: Vec<String>,
    /// Due units with a usable submission.
    pub reported: Vec<String>,
    /// Due units that sent files, none of them usable (unreadable, no table, unit not identified).
    pub unusable: Vec<String>,
    /// Due units that sent nothing.
    pub missing: Vec<String>,
}

impl Batch {
    pub fn reporting(&self, plan: &crate::plan::Plan) -> Reporting {
        let usable: std::collections::HashSet<&str> = self.submissions.iter().filter(|s| s.superseded_by.is_none()).filter_map(|s| s.unit.as_deref()).collect();
        let sent: std::collections::HashSet<&str> = self.files.iter().map(|f| f.unit.as_str()).filter(|u| !u.is_empty()).collect();
        let mut r = Reporting::default();
        for u in plan.expected_units() {
            let name = u.name.clone();
            r.due.push(name.clone());
            if usable.contains(name.as_str()) {
                r.reported.push(name);
            } else if sent.contains(name.as_str()) {
                r.unusable.push(name);
            } else {
                r.missing.push(name);
            }
        }
        r
    }

    /// Files not used because a newer file of the same unit replaces them (F06): (file, newer file).
    pub fn superseded(&self) -> Vec<(&str, &str)> {
        self.submissions.iter().filter_map(|s| Some((s.file.as_str(), s.superseded_by.as_deref()?))).collect()
    }
}

/// Units that get a return file: on the roster, with a finding other than "did not submit".
pub fn units_to_return(plan: &crate::plan::Plan, findings: &[Finding]) -> Vec<String> {
    let mut units: Vec<String> = findings
        .iter()
        .filter(|f| f.rule != Rule::V01 && f.severity != crate::finding::Severity::Info)
        .filter_map(|f| f.unit.clone())
        .filter(|u| plan.roster.contains(u))
        .collect();
    units.sort();
    units.dedup();
    units
}
