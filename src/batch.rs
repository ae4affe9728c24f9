//! A batch: everything known about one period's submissions after validation and consolidation.
//! Made by `commands`, read by the writers, the reconciliation and the terminal.

use crate::consolidate::Consolidated;
use crate::finding::Finding;
use crate::normalise::Submission;
use crate::validate::Period;

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
}

/// One input file and what became of it.
#[derive(Debug, Clone)]
pub struct FileLine {
    pub file: String,
    pub unit: String,
    /// 已读取 / 已跳过 / 无法读取 / 无任务分解表 / 未采用（已被更正版取代）
    pub state: String,
    pub sheet: String,
    pub rows: usize,
    pub errors: usize,
    pub warnings: usize,
}
