//! luoshi（落实）：读取各单位报送的《任务分解表》，校验、汇总，写出供会议使用的 Excel 工作簿和文书。
//!
//! The pipeline runs one way, one module per stage; a module uses only those above it in this
//! list (a test, `tests/layers.rs`, says so):
//!
//! ```text
//! fields, excel, reason, profile   leaves: column names, Excel's limits, errors in Chinese, timings
//! values, period                   values as people type them; the 报送期次
//! finding, ingest                  the rule table; reading files (sniff, limits, cells)
//! plan                             the task list and roster
//! normalise                        cells → typed task rows, the unit identified
//! validate → lights → consolidate  rules of one file; lights; polars: totals and batch rules
//! ledger → batch                   the year so far; one period's result
//! reconcile, papers, remind        绩效对账; the 通报/督办函 wording; 催报
//! pipeline                         a folder read and judged in one call, with its history
//! write                            one module per workbook kind over a shared style; every file
//!                                  written through `write::outdir` (atomic, locked, never over a
//!                                  clerk's edits)
//! ```
//! The command line (arguments, the commands, what is printed) lives beside the binary in
//! `src/cli`; the library knows nothing of it.
//!
//! The front door — read a folder of returns and look at what was found:
//!
//! ```
//! let plan = luoshi::Plan::builtin();
//! let opts = luoshi::Options { period: Some("2021-06".into()), ..Default::default() };
//! let batch = luoshi::process(&plan, &["samples/2021-06".into()], &opts)?;
//! let reporting = batch.reporting(&plan);
//! assert_eq!(reporting.due.len(), reporting.reported.len() + reporting.unusable.len() + reporting.missing.len());
//! for f in luoshi::finding::sorted(&batch.findings).into_iter().take(3) {
//!     println!("{}{} {}", f.severity.label(), f.rule, f.located_message());
//! }
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod batch;
pub mod finding;
pub mod ledger;
pub mod papers;
pub mod period;
pub mod pipeline;
pub mod plan;
pub mod reconcile;
pub mod remind;
pub mod upward;
pub mod write;

// The stages inside: public for the binary, the tests and the benchmark, not part of the front door.
#[doc(hidden)]
pub mod consolidate;
#[doc(hidden)]
pub mod excel;
#[doc(hidden)]
pub mod fields;
#[doc(hidden)]
pub mod ingest;
#[doc(hidden)]
pub mod lights;
#[doc(hidden)]
pub mod normalise;
#[doc(hidden)]
pub mod profile;
#[doc(hidden)]
pub mod reason;
#[doc(hidden)]
pub mod validate;
#[doc(hidden)]
pub mod values;

pub use batch::{Batch, FileLine, FileState, Reporting};
pub use finding::{Finding, Rule, Severity, RULES};
pub use period::Period;
pub use pipeline::{process, HistorySource, Options};
pub use plan::{Kind, Plan, Task};
pub use write::{write_one, CannotWrite, Kept, OutDir};
