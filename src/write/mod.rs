//! Write: one module per workbook kind, sharing [`style`]. Every workbook is written atomically
//! (a temporary file in the same folder, then a rename) with fixed document properties, so the
//! same input gives the same bytes.

pub mod form;
pub mod ledger;
pub mod outdir;
pub mod paper;
pub mod reconcile;
pub mod remind;
pub mod report;
pub mod returns;
pub mod style;
pub mod summary;
pub mod tasklist;
pub mod template;
pub mod upward;

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

use crate::period::Period;
pub use outdir::{persist_atomic, write_one, CannotWrite, Kept, OutDir};

/// A workbook with the document properties fixed to the period, so output bytes are reproducible.
pub fn new_workbook(title: &str, period: Period) -> Workbook {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(title, period));
    wb
}

fn properties(title: &str, period: Period) -> DocProperties {
    let day = period.end();
    use chrono::Datelike;
    let created = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)
        .unwrap_or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1).expect("valid date"));
    DocProperties::new().set_title(title).set_author("luoshi").set_creation_datetime(&created)
}

/// [`new_workbook`] for a workbook people read, not a form to fill in: marked with
/// [`crate::excel::OUTPUT_MARK`] so that it is never read back as a submission.
pub fn new_output_workbook(title: &str, period: Period) -> Workbook {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(title, period).set_keywords(crate::excel::OUTPUT_MARK));
    wb
}

/// Save atomically: a half-written file never replaces a good one.
pub fn save_atomic(wb: &mut Workbook, path: &Path) -> Result<()> {
    // Straight into the file: a province's workbook is never held in memory a second time.
    persist_atomic(path, |w| wb.save_to_writer(w).map_err(anyhow::Error::from))
}

pub use crate::reason::{describe_error, io_reason};
