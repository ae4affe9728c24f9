//! Workbooks that arrive inside an e-mail's attachment archive. A .zip is opened (with the same
//! size and ratio limits as a workbook's own parts) and its tables are read as that unit's
//! submission; a .rar or .7z is said to need unpacking.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use super::{is_skipped_name, is_workbook_name, Ingested, Limits, Outcome, Unreadable};

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

/// Temporary folders for unpacked attachments: `luoshi-unpack-XXXX` in the system's temporary
/// folder, each holding a locked file while its run lives, so a killed run's are swept later.
const UNPACK_PREFIX: &str = "luoshi-unpack-";
const UNPACK_LOCK: &str = ".luoshi-lock";

/// Read the tables inside attachment `path` (shown as `display`): each table unpacked into a
/// folder of the archive's own, read and removed before the next is unpacked — so an attachment
/// never holds more than one table on disk, and never fills the disk for the next unit. What
/// could not be unpacked is the archive's own F01.
pub fn read_archive(path: &Path, display: &str, limits: &Limits) -> Vec<Ingested> {
    let unreadable = |u: Unreadable| vec![Ingested { path: path.to_path_buf(), file: display.to_string(), outcome: Outcome::Unreadable(u.message) }];
    let dir = match tempfile::Builder::new().prefix(UNPACK_PREFIX).tempdir() {
        Ok(d) => d,
        Err(e) => return unreadable(Unreadable::new(format!("无法创建临时文件夹来解压附件：{}", super::sniff::io_reason(&e)))),
    };
    let lock = std::fs::File::create(dir.path().join(UNPACK_LOCK)).and_then(|f| f.lock().map(|_| f));
    if let Err(e) = &lock {
        return unreadable(Unreadable::new(format!("无法创建临时文件夹来解压附件：{}", super::sniff::io_reason(e))));
    }
    let mut read = Vec::new();
    let mut each = |inner: &str, unpacked: &Path| {
        // Each table stands for the archive once read: its time and name are the archive's.
        read.push(Ingested { path: path.to_path_buf(), ..super::read_file(unpacked, &format!("{display}/{inner}"), limits) });
        let _ = std::fs::remove_file(unpacked);
    };
    match super::guarded(std::panic::AssertUnwindSafe(|| unpack_unguarded(path, dir.path(), limits, &mut each))) {
        Ok(()) => read,
        Err(u) => unreadable(u),
    }
}

/// Remove what killed runs left in the temporary folder (unpacked attachments no live run holds).
pub fn sweep_leftovers() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in entries.flatten() {
        if !e.file_name().to_string_lossy().starts_with(UNPACK_PREFIX) || !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let free = match std::fs::File::options().read(true).write(true).open(e.path().join(UNPACK_LOCK)) {
            Ok(f) => f.try_lock().is_ok(),
            // No lock file: killed before it was made.
            Err(_) => true,
        };
        if free {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Unpack the tables of archive `path` into `into` one at a time, handing each to `each` (its
/// name inside the archive, where it was unpacked). A panic inside the zip reader on a damaged
/// archive becomes that archive's F01 (the caller guards).
fn unpack_unguarded(path: &Path, into: &Path, limits: &Limits, each: &mut dyn FnMut(&str, &Path)) -> Result<(), Unreadable> {
    let lower = path.to_string_lossy().to_lowercase();
    if !lower.ends_with(".zip") {
        return Err(Unreadable::new("这是 RAR/7z 压缩包，luoshi 不解压这类文件；请解压后把里面的表格放入文件夹"));
    }
    let corrupt = || Unreadable::new("压缩包已损坏，无法解压；请重新发送或解压后放入文件夹");
    let encrypted = || Unreadable::new("压缩包设置了密码（已加密），无法解压；请发送不加密的压缩包，或解压后把表格放入文件夹");
    let file = File::open(path).map_err(|e| Unreadable::new(format!("文件打不开：{}", super::sniff::io_reason(&e))))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|_| corrupt())?;
    if zip.len() > limits.max_zip_entries {
        return Err(Unreadable::new(format!("压缩包里有 {} 个文件，超过上限 {}", zip.len(), limits.max_zip_entries)));
    }
    let mut tables = 0;
    // Bytes actually written, not the sizes the archive declares.
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(zip::result::ZipError::UnsupportedArchive(m)) if m == zip::result::ZipError::PASSWORD_REQUIRED => return Err(encrypted()),
            Err(_) => return Err(corrupt()),
        };
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
        let bomb = || Unreadable::new(format!("压缩包里的“{name}”解压后过大或压缩比异常（疑似压缩炸弹），已拒绝读取"));
        if size > limits.max_file_bytes || (size > 10_000_000 && ratio > limits.max_ratio) {
            return Err(bomb());
        }
        // Only the base name goes to disk, under a number: no path from the archive is trusted.
        let target = into.join(format!("{i}_{base}"));
        let mut f = File::create(&target).map_err(|e| Unreadable::new(format!("无法解压：{}", super::sniff::io_reason(&e))))?;
        let mut buf = vec![0u8; 1 << 16];
        let mut written: u64 = 0;
        loop {
            // A read error is the archive's; a write error is this machine's (a full disk), said as such.
            let n = entry.read(&mut buf).map_err(|_| corrupt())?;
            if n == 0 {
                break;
            }
            written += n as u64;
            total += n as u64;
            if written > limits.max_file_bytes {
                return Err(bomb());
            }
            if total > limits.max_unzipped_bytes {
                return Err(Unreadable::new("压缩包解压后总量超过上限，已拒绝读取"));
            }
            f.write_all(&buf[..n]).map_err(|e| Unreadable::new(format!("无法解压：{}", super::sniff::io_reason(&e))))?;
        }
        f.flush().map_err(|e| Unreadable::new(format!("无法解压：{}", super::sniff::io_reason(&e))))?;
        drop(f);
        each(&name, &target);
        tables += 1;
    }
    if tables == 0 {
        return Err(Unreadable::new("压缩包里没有表格文件（.xlsx、.xls、.ods、.csv）"));
    }
    Ok(())
}
