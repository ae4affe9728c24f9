//! A submission saved as CSV (Excel's "CSV (逗号分隔)", WPS's 文本文件): UTF-8 with or without a
//! BOM, UTF-16 with a BOM, or GBK as Chinese Windows writes it; comma or tab separated. Every
//! cell is text, read with the same rules as text cells of a workbook.

use std::path::Path;

use super::{layout, Limits, Outcome, Table, Unreadable};
use crate::ingest::sniff::{io_reason, Format};

/// The file's text, whatever of the usual encodings it is in.
fn decode(bytes: &[u8]) -> Result<String, Unreadable> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Ok(String::from_utf8_lossy(rest).into_owned());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let enc = if bytes[0] == 0xFF { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        return Ok(enc.decode_with_bom_removal(bytes).0.into_owned());
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    match encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok(s.into_owned()),
        None => Err(Unreadable::new("CSV 文件的文字编码无法识别（不是 UTF-8 也不是 GBK），请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")),
    }
}

pub fn read_csv(path: &Path, limits: &Limits) -> Result<Outcome, Unreadable> {
    super::sniff::check_size(path, limits)?;
    let bytes = std::fs::read(path).map_err(|e| Unreadable::new(format!("文件打不开：{}", io_reason(&e))))?;
    let content = decode(&bytes)?;
    // Tab-separated when the first line has more tabs than commas (WPS "文本文件").
    let first = content.lines().next().unwrap_or("");
    let delimiter = if first.matches('\t').count() > first.matches(',').count() { b'\t' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(content.as_bytes());
    let mut scan = layout::Scan::new(limits);
    'rows: for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Unreadable::new(format!("CSV 第{}行无法读取（{}），请用 Excel 打开后另存为 .xlsx 再报送", r + 1, e)))?;
        for (c, field) in record.iter().enumerate() {
            if !scan.push(r as u32, c as u32, super::text(field.to_string())) {
                break 'rows;
            }
        }
    }
    if let Some(e) = scan.over_limit.take() {
        return Err(Unreadable::new(format!("CSV 文件{e}，已停止读取")));
    }
    let truncated = std::mem::take(&mut scan.truncated);
    let sheet = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "CSV".into());
    match scan.finish(&[]) {
        Some((layout, meta, rows)) => {
            Ok(Outcome::Table(Box::new(Table { format: Format::Csv, sheet, layout, meta, rows, modified: None, truncated, lower: None })))
        }
        None => Ok(Outcome::NoTable { sheets: vec![sheet] }),
    }
}
