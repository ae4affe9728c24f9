//! luoshi（落实）：读取各单位报送的《任务分解表》，校验、汇总，写出供会议使用的 Excel 工作簿。
//!
//! The pipeline runs one way, one module per stage:
//!
//! ```text
//! plan (master task list + roster)
//!   → ingest   (sniff the bytes, find the sheet and header, read cells with limits)
//!   → normalise (parse numbers, dates, units; identify the unit)
//!   → validate (row and file rules, data-driven from `finding::RULES`)
//!   → consolidate (polars: one DataFrame, per-task totals, batch rules)
//!   → write    (one module per workbook kind, sharing `write::style`)
//! ```
//! `commands` strings the stages together for each CLI command; `main.rs` only parses arguments.

pub mod batch;
pub mod consolidate;
pub mod excel;
pub mod fields;
pub mod finding;
pub mod ingest;
pub mod ledger;
pub mod lights;
pub mod normalise;
pub mod papers;
pub mod period;
pub mod pipeline;
pub mod plan;
pub mod profile;
pub mod reason;
pub mod remind;
pub mod reconcile;
pub mod validate;
pub mod values;
pub mod write;
