//! Workbooks that arrive inside an e-mail's attachment archive. A .zip is opened (with the same
//! size and ratio limits as a workbook's own parts) and its tables are read as that unit's
//! submission; a .rar or .7z is said to need unpacking.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::{is_skipped_name, is_workbook_name, Limits, Unreadable};

pub fn is_archive_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".zip", ".rar", ".7z"].iter().any(|e| lower.ends_with(e))
}

/// An entry's name: UTF-8 when flagged or valid, else GBK as Chinese Windows zips it.
fn entry_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode(raw).0.into_owned(),
    }
}

/// Unpack the tables of archive `path` into `into`: (name inside the archive, unpacked path).
/// A panic inside the zip reader on a damaged archive becomes that archive's F01.
pub fn unpack(path: &Path, into: &Path, limits: &Limits) -> Result<Vec<(String, PathBuf)>, Unreadable> {
    super::guarded(|| unpack_unguarded(path, into, limits))
}

fn unpack_unguarded(path: &Path, into: &Path, limits: &Limits) -> Result<Vec<(String, PathBuf)>, Unreadable> {
    let lower = path.to_string_lossy().to_lowercase();
    if !lower.ends_with(".zip") {
        return Err(Unreadable::new("这是 RAR/7z 压缩包，luoshi 不解压这类文件；请解压后把里面的表格放入文件夹"));
    }
    let corrupt = || Unreadable::new("压缩包已损坏，无法解压；请重新发送或解压后放入文件夹");
    let file = File::open(path).map_err(|e| Unreadable::new(format!("文件打不开：{}", super::sniff::io_reason(&e))))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|_| corrupt())?;
    if zip.len() > limits.max_zip_entries {
        return Err(Unreadable::new(format!("压缩包里有 {} 个文件，超过上限 {}", zip.len(), limits.max_zip_entries)));
    }
    let mut out = Vec::new();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| corrupt())?;
        if entry.is_dir() {
            continue;
        }
        let name = entry_name(entry.name_raw()).replace('\\', "/");
        let base = name.rsplit('/').next().unwrap_or(&name).to_string();
        if name.starts_with("__MACOSX/") || is_skipped_name(&base) || !is_workbook_name(&base) {
            continue;
        }
        let size = entry.size();
        let ratio = size / entry.compressed_size().max(1);
        if size > limits.max_file_bytes || (size > 10_000_000 && ratio > limits.max_ratio) {
            return Err(Unreadable::new(format!("压缩包里的“{name}”解压后过大或压缩比异常（疑似压缩炸弹），已拒绝读取")));
        }
        total = total.saturating_add(size);
        if total > limits.max_unzipped_bytes {
            return Err(Unreadable::new("压缩包解压后总量超过上限，已拒绝读取"));
        }
        // Only the base name goes to disk, under a number: no path from the archive is trusted.
        let target = into.join(format!("{i}_{base}"));
        let mut f = File::create(&target).map_err(|e| Unreadable::new(format!("无法解压：{}", super::sniff::io_reason(&e))))?;
        std::io::copy(&mut (&mut entry).take(limits.max_file_bytes), &mut f).map_err(|_| corrupt())?;
        out.push((name, target));
    }
    if out.is_empty() {
        return Err(Unreadable::new("压缩包里没有表格文件（.xlsx、.xls、.ods、.csv）"));
    }
    Ok(out)
}
