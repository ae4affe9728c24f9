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
pub mod template;

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

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
    DocProperties::new().set_title(title).set_author("luoshi").set_company("市政府督查室").set_creation_datetime(&created)
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

/// An error while writing, each cause after the other the Chinese way; the writer's own
/// (English) errors said in Chinese. A library's error that is not known here is said by the
/// file-system error beneath it, if any, and never in English.
pub fn describe_error(e: &anyhow::Error) -> String {
    let mut causes: Vec<String> = Vec::new();
    for c in e.chain() {
        let said = match (c.downcast_ref::<XlsxError>(), c.downcast_ref::<std::io::Error>()) {
            (Some(x), _) => xlsx_reason(x),
            (None, Some(io)) => io_reason(io),
            _ => {
                let text = c.to_string();
                if text.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)) {
                    text
                } else {
                    // Another crate's words (docx-rs's zip): the system's reason beneath, or a plain one.
                    let mut io = None;
                    let mut source = c.source();
                    while let Some(s) = source {
                        if let Some(i) = s.downcast_ref::<std::io::Error>() {
                            io = Some(io_reason(i));
                            break;
                        }
                        source = s.source();
                    }
                    io.unwrap_or_else(|| "写文件出错".into())
                }
            }
        };
        // The same reason twice in a row (a wrapper and what it wraps) is said once.
        if causes.last() != Some(&said) {
            causes.push(said);
        }
    }
    causes.join("：")
}

fn xlsx_reason(e: &XlsxError) -> String {
    match e {
        XlsxError::MaxStringLengthExceeded => "有单元格的文字超过 Excel 上限 32,767 字".into(),
        XlsxError::SheetnameReused(n) => format!("工作表名“{n}”重复"),
        XlsxError::SheetnameLengthExceeded(n) | XlsxError::SheetnameContainsInvalidCharacter(n) | XlsxError::SheetnameStartsOrEndsWithApostrophe(n) | XlsxError::SheetnameCannotBeBlank(n) => {
            format!("工作表名“{n}”不符合 Excel 的规定")
        }
        XlsxError::RowColumnLimitError => "超出 Excel 的行列范围（1,048,576 行、16,384 列）".into(),
        XlsxError::IoError(io) | XlsxError::TempFileError(_, io) => io_reason(io),
        // The zip writer's errors carry the file system's underneath (a full disk).
        XlsxError::ZipError(zip::result::ZipError::Io(io)) => io_reason(io),
        _ => "生成 Excel 文件出错".into(),
    }
}

pub use crate::reason::io_reason;
