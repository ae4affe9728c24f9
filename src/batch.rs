//! A batch: everything known about one period's submissions after validation and consolidation.
//! Made by `commands`, read by the writers, the reconciliation and the terminal.

use crate::consolidate::Consolidated;
use crate::finding::Finding;
use crate::normalise::Submission;
use crate::validate::Period;

/// Everything known about one batch of submissions after validation and consolidation.
pub struct Batch {
    pub period: Period,
    pub files: Vec<FileLine>,
    pub skipped: Vec<String>,
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
