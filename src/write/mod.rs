//! Write: one module per workbook kind, sharing [`style`]. Every workbook is written atomically
//! (a temporary file in the same folder, then a rename) with fixed document properties, so the
//! same input gives the same bytes.

pub mod form;
pub mod ledger;
pub mod paper;
pub mod reconcile;
pub mod remind;
pub mod report;
pub mod returns;
pub mod style;
pub mod summary;
pub mod template;

use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use crate::validate::Period;

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
    persist_atomic(path, |file| wb.save_to_writer(std::io::BufWriter::new(file)).map_err(anyhow::Error::from))
}

/// Write a file through `write` into a temporary file beside `path`, then rename it into place.
pub fn persist_atomic(path: &Path, write: impl FnOnce(&mut std::fs::File) -> Result<()>) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建输出目录 {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".luoshi-").suffix(".tmp");
    // Readable by colleagues like any file they save, not private as a temporary file is.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).with_context(|| format!("无法在 {} 中写文件", dir.display()))?;
    write(tmp.as_file_mut()).with_context(|| format!("生成 {} 失败", path.display()))?;
    tmp.as_file().sync_all().ok();
    tmp.persist(path).map_err(|e| e.error).with_context(|| format!("无法保存 {}", path.display()))?;
    Ok(())
}

/// An error while writing, each cause after the other the Chinese way; the writer's own
/// (English) errors said in Chinese.
pub fn describe_error(e: &anyhow::Error) -> String {
    let causes: Vec<String> = e
        .chain()
        .map(|c| match (c.downcast_ref::<XlsxError>(), c.downcast_ref::<std::io::Error>()) {
            (Some(x), _) => xlsx_reason(x),
            (None, Some(io)) => io_reason(io),
            _ => c.to_string(),
        })
        .collect();
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
        other => format!("生成 Excel 文件出错（{other}）"),
    }
}

/// A file-system error, in Chinese (the system's own words are English). `describe_error` uses
/// it for every error the binary reports, read or write.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match (e.kind(), e.raw_os_error()) {
        (ErrorKind::PermissionDenied, _) => "没有权限（文件可能正在 Excel 中打开，或文件夹只读）".into(),
        (ErrorKind::AlreadyExists, _) | (_, Some(17)) => "同名文件已存在".into(),
        (_, Some(21)) => "同名的文件夹已存在，不能用作文件名".into(),
        (_, Some(20)) => "路径中有一段是文件而不是文件夹".into(),
        (_, Some(28)) => "磁盘已满".into(),
        (_, Some(36)) => "文件名太长".into(),
        (ErrorKind::NotFound, _) => "文件或文件夹不存在".into(),
        _ => format!("读写文件出错（{e}）"),
    }
}
