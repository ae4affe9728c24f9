//! Write: one module per workbook kind, sharing [`style`]. Every workbook is written atomically
//! (a temporary file in the same folder, then a rename) with fixed document properties, so the
//! same input gives the same bytes.

pub mod form;
pub mod reconcile;
pub mod report;
pub mod returns;
pub mod style;
pub mod summary;
pub mod template;

use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

use crate::validate::Period;

/// A workbook with the document properties fixed to the period, so output bytes are reproducible.
pub fn new_workbook(title: &str, period: Period) -> Workbook {
    let mut wb = Workbook::new();
    let day = period.end();
    use chrono::Datelike;
    let created = ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)
        .unwrap_or_else(|_| ExcelDateTime::from_ymd(2000, 1, 1).expect("valid date"));
    wb.set_properties(&DocProperties::new().set_title(title).set_author("luoshi").set_company("市政府督查室").set_creation_datetime(&created));
    wb
}

/// Save atomically: a half-written file never replaces a good one.
pub fn save_atomic(wb: &mut Workbook, path: &Path) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建输出目录 {}", dir.display()))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".luoshi-").suffix(".tmp");
    // Readable by colleagues like any file they save, not private as a temporary file is.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).with_context(|| format!("无法在 {} 中写文件（没有写权限？）", dir.display()))?;
    // Straight into the file: a province's workbook is never held in memory a second time.
    wb.save_to_writer(std::io::BufWriter::new(tmp.as_file_mut()))
        .with_context(|| format!("生成 {} 失败（磁盘已满？）", path.display()))?;
    tmp.as_file().sync_all().ok();
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("无法保存 {}：文件可能正在 Excel 中打开，请关闭后重试", path.display()))?;
    Ok(())
}
