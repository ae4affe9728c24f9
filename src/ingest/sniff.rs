//! What a file really is, judged by its bytes (never its extension), and whether a zip-based
//! workbook is safe to open at all.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::limits::Limits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
    /// Comma- or tab-separated text in the standard layout (UTF-8 or GBK), read by extension.
    Csv,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Xls => "xls",
            Format::Csv => "csv",
        }
    }
}

/// Why a file cannot be opened as a workbook; `message` is what the clerk reads (F01).
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub message: String,
}

impl Unreadable {
    pub fn new(message: impl Into<String>) -> Self {
        Unreadable { message: message.into() }
    }
}

const RESAVE: &str = "请用 Excel 或 WPS 打开后“另存为” .xlsx 格式再报送";

/// An empty file, or one over the size limit, is refused before any reader sees it.
pub fn check_size(path: &Path, limits: &Limits) -> Result<u64, Unreadable> {
    let meta = std::fs::metadata(path).map_err(|e| Unreadable::new(format!("文件打不开：{}", io_reason(&e))))?;
    if meta.len() == 0 {
        return Err(Unreadable::new("空文件（0字节），没有任何内容，请重新报送"));
    }
    if meta.len() > limits.max_file_bytes {
        return Err(Unreadable::new(format!(
            "文件过大（{:.0} MB，超过上限 {} MB），请删除无关的工作表、图片后重新报送",
            meta.len() as f64 / 1e6,
            limits.max_file_bytes / 1_000_000
        )));
    }
    Ok(meta.len())
}

pub fn sniff(path: &Path, limits: &Limits) -> Result<Format, Unreadable> {
    check_size(path, limits)?;
    let mut head = [0u8; 512];
    let n = File::open(path).and_then(|mut f| read_up_to(&mut f, &mut head)).map_err(|e| Unreadable::new(format!("文件打不开：{}", io_reason(&e))))?;
    let head = &head[..n];
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return zip_format(path, limits);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return cfb_format(path);
    }
    let text = text_prefix(head);
    let lower = text.to_ascii_lowercase();
    if lower.contains("<html") || lower.contains("<table") || lower.contains("<!doctype html") {
        return Err(Unreadable::new(format!("这是网页（HTML）文件，只是扩展名改成了表格（常见于业务系统“导出Excel”），{RESAVE}")));
    }
    if lower.contains("urn:schemas-microsoft-com:office:spreadsheet") || lower.contains("<workbook") {
        return Err(Unreadable::new(format!("这是 Excel 2003 XML 表格，不是标准工作簿，{RESAVE}")));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || head.starts_with(&[0xEF, 0xBB, 0xBF]) || looks_textual(head) {
        return Err(Unreadable::new(format!("这是文本文件（如“Unicode 文本”或 CSV），不是电子表格，只是扩展名改成了表格，{RESAVE}")));
    }
    Err(Unreadable::new(format!("不是电子表格文件（无法识别的格式），{RESAVE}")))
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let k = f.read(&mut buf[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    Ok(n)
}

fn text_prefix(head: &[u8]) -> String {
    let bytes = head.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(head);
    String::from_utf8_lossy(bytes).trim_start().to_string()
}

fn looks_textual(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    // UTF-8 text (the 512-byte window may cut the last character in half).
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.valid_up_to() + 4 >= head.len() => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
        Err(_) => "",
    };
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| !c.is_control() || matches!(c, '\t' | '\r' | '\n'));
    let utf8_text = plain(valid);
    // GBK text (Chinese Excel's "CSV" and "文本文件"); the window may cut the last character.
    let gbk = |b: &[u8]| encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(b).is_some_and(|t| plain(&t));
    let gbk_text = !utf8_text && (gbk(head) || gbk(&head[..head.len() - 1]));
    // UTF-16LE text without a BOM: every other byte zero.
    let utf16 = head.len() >= 4 && head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count() * 4 >= head.len();
    utf8_text || utf16 || gbk_text
}

pub use crate::reason::io_reason;

fn zip_format(path: &Path, limits: &Limits) -> Result<Format, Unreadable> {
    let file = File::open(path).map_err(|e| Unreadable::new(format!("文件打不开：{}", io_reason(&e))))?;
    let mut zip =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|_| Unreadable::new("文件已损坏（压缩包不完整，可能是下载或拷贝时中断），请重新保存后报送"))?;
    if zip.len() > limits.max_zip_entries {
        return Err(Unreadable::new(format!("文件内部结构异常（包含 {} 个部件，超过上限 {}）", zip.len(), limits.max_zip_entries)));
    }
    let mut total: u64 = 0;
    let mut kind = None;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| Unreadable::new("文件已损坏（压缩包目录无法读取），请重新保存后报送"))?;
        let name = entry.name().map(|n| n.replace('\\', "/")).unwrap_or_default();
        let size = entry.size();
        if size > limits.max_part_bytes {
            return Err(Unreadable::new(format!(
                "文件内部部件“{}”解压后达 {} MB，超过上限 {} MB（疑似压缩炸弹），已拒绝读取",
                name,
                size / 1_000_000,
                limits.max_part_bytes / 1_000_000
            )));
        }
        let compressed = entry.compressed_size().max(1);
        if size > 10_000_000 && size / compressed > limits.max_ratio {
            return Err(Unreadable::new(format!("文件内部部件“{name}”压缩比异常（{}:1，疑似压缩炸弹），已拒绝读取", size / compressed)));
        }
        total = total.saturating_add(size);
        match name.as_str() {
            "xl/workbook.xml" => kind = Some(Format::Xlsx),
            "xl/workbook.bin" => kind = kind.or(Some(Format::Xlsb)),
            "content.xml" => kind = kind.or(Some(Format::Ods)),
            _ if name.starts_with("xl/") && name.ends_with(".xml") && kind.is_none() => kind = Some(Format::Xlsx),
            _ => {}
        }
    }
    if total > limits.max_unzipped_bytes {
        return Err(Unreadable::new(format!("文件解压后共 {} MB，超过上限 {} MB，已拒绝读取", total / 1_000_000, limits.max_unzipped_bytes / 1_000_000)));
    }
    if kind == Some(Format::Ods) {
        check_ods_expansion(&mut zip, limits)?;
    }
    match kind {
        Some(k) => Ok(k),
        None if zip.by_name("word/document.xml").is_ok() => Err(Unreadable::new(format!("这是 Word 文档，不是电子表格，{RESAVE}"))),
        None => Err(Unreadable::new(format!("这是压缩包，里面没有工作簿，{RESAVE}"))),
    }
}

fn attr_u64(tag: &str, name: &str) -> Option<u64> {
    let start = tag.find(name)? + name.len();
    let rest = tag[start..].trim_start_matches(['=', '"', '\'']);
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// ODS stores repeated rows and columns once; calamine expands them into a dense grid. Count the
/// cells with a value after expansion, before calamine does, and refuse a file that would explode.
fn check_ods_expansion<R: std::io::Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, limits: &Limits) -> Result<(), Unreadable> {
    let Ok(entry) = zip.by_name("content.xml") else { return Ok(()) };
    let mut xml = String::new();
    if entry.take(limits.max_part_bytes.min(500_000_000)).read_to_string(&mut xml).is_err() {
        return Err(Unreadable::new("文件内容损坏（content.xml 无法读取），请重新保存后报送"));
    }
    let mut total: u64 = 0;
    for row in xml.split("<table:table-row").skip(1) {
        let head = &row[..row.find('>').unwrap_or(row.len())];
        let repeat = attr_u64(head, "table:number-rows-repeated").unwrap_or(1).max(1);
        let body = &row[..row.find("</table:table-row>").unwrap_or(row.len())];
        let mut cells: u64 = 0;
        for cell in body.split("<table:table-cell").skip(1) {
            let tag = &cell[..cell.find('>').unwrap_or(cell.len())];
            if tag.contains("office:value-type") {
                cells = cells.saturating_add(attr_u64(tag, "table:number-columns-repeated").unwrap_or(1).max(1));
            }
        }
        total = total.saturating_add(repeat.saturating_mul(cells));
        if total > limits.max_cells {
            return Err(Unreadable::new(format!("表格展开后超过 {} 个有内容的单元格（超出读取上限），已拒绝读取", limits.max_cells)));
        }
    }
    Ok(())
}

/// An OLE compound file: a real .xls, or an Office file encrypted with an open password.
fn cfb_format(path: &Path) -> Result<Format, Unreadable> {
    let mut bytes = Vec::new();
    File::open(path).and_then(|f| f.take(4 << 20).read_to_end(&mut bytes)).map_err(|e| Unreadable::new(format!("文件打不开：{}", io_reason(&e))))?;
    // Directory entries are UTF-16LE names; an encrypted OOXML package holds `EncryptedPackage`.
    let needle: Vec<u8> = "EncryptedPackage".encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
        return Err(Unreadable::new("文件已加密（设置了打开密码），无法读取；请取消密码后重新报送"));
    }
    check_xls_dimensions(path)?;
    Ok(Format::Xls)
}

/// Walk BIFF records from `start`: the dense cells the sheets there would take, and whether a
/// DIMENSIONS record claims more than the budget. `whole` walks to the end, else to the sheet's EOF.
fn scan_biff(stream: &[u8], start: usize, whole: bool) -> (u64, bool) {
    let mut total: u64 = 0;
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let close = |b: &mut Option<(u32, u32, u32, u32)>, total: &mut u64| {
        if let Some((r0, r1, c0, c1)) = b.take() {
            *total = total.saturating_add((r1 - r0 + 1) as u64 * (c1 - c0 + 1) as u64);
        }
    };
    let mut i = start;
    let mut depth = 0usize;
    while i + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[i], stream[i + 1]]);
        let len = u16::from_le_bytes([stream[i + 2], stream[i + 3]]) as usize;
        let data = &stream[i + 4..(i + 4 + len).min(stream.len())];
        let u16_at = |k: usize| data.get(k..k + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as u32);
        let mut extend = |row: u32, c0: u32, c1: u32| {
            let b = bounds.get_or_insert((row, row, c0, c1));
            *b = (b.0.min(row), b.1.max(row), b.2.min(c0), b.3.max(c1));
        };
        match typ {
            // BOF and EOF: a substream starts or ends.
            0x0809 => {
                close(&mut bounds, &mut total);
                depth += 1;
            }
            0x000A => {
                close(&mut bounds, &mut total);
                depth = depth.saturating_sub(1);
                if !whole && depth == 0 {
                    break;
                }
            }
            // DIMENSIONS: calamine reserves room for the whole declared area, so it must be sane.
            0x0200 => {
                let u32_at = |k: usize| data.get(k..k + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64);
                let (rf, rl, cf, cl) = match data.len() {
                    10 => (u16_at(0).map(i64::from), u16_at(2).map(i64::from), u16_at(4).map(i64::from), u16_at(6).map(i64::from)),
                    14 | 16 => (u32_at(0), u32_at(4), u16_at(8).map(i64::from), u16_at(10).map(i64::from)),
                    _ => (None, None, None, None),
                };
                if let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = (rf, rl, cf, cl) {
                    if cf > 0xFF || cl < cf {
                        cf = 0;
                    }
                    if rl >= 1 && cl >= 1 {
                        let (rows, cols) = (rl - rf, cl - cf);
                        if rows <= 0 || cols <= 0 || rows.saturating_mul(cols) as u64 > XLS_DENSE_CELLS {
                            return (total, true);
                        }
                    }
                }
            }
            // NUMBER, LABELSST, RK, BLANK, LABEL, FORMULA, BOOLERR, RSTRING
            0x0203 | 0x00FD | 0x027E | 0x0201 | 0x0204 | 0x0006 | 0x0205 | 0x00D6 => {
                if let (Some(r), Some(c)) = (u16_at(0), u16_at(2)) {
                    extend(r, c, c);
                }
            }
            // MULRK, MULBLANK: row, first column, …, last column.
            0x00BD | 0x00BE => {
                if let (Some(r), Some(c0), Some(c1)) = (u16_at(0), u16_at(2), data.len().checked_sub(2).and_then(u16_at)) {
                    extend(r, c0.min(c1), c0.max(c1));
                }
            }
            _ => {}
        }
        if total > XLS_DENSE_CELLS {
            return (total, false);
        }
        i += 4 + len;
    }
    close(&mut bounds, &mut total);
    (total, false)
}

/// Cells a .xls may span before calamine lays it out densely (rows × columns of every sheet).
const XLS_DENSE_CELLS: u64 = 8_000_000;

/// calamine reads every sheet of a .xls at open into a dense grid spanning its first to last cell:
/// one stray cell far away means gigabytes. Walk the BIFF records first and refuse such a file.
fn check_xls_dimensions(path: &Path) -> Result<(), Unreadable> {
    let corrupt = || Unreadable::new("文件已损坏（.xls 内部结构无法读取），请用 Excel 或 WPS 打开后另存为 .xlsx 再报送");
    let mut comp = cfb::open(path).map_err(|_| corrupt())?;
    let name = ["/Workbook", "/Book"].into_iter().find(|n| comp.is_stream(n)).ok_or_else(corrupt)?;
    let mut stream = Vec::new();
    comp.open_stream(name).map_err(|_| corrupt())?.read_to_end(&mut stream).map_err(|_| corrupt())?;
    // calamine reads each sheet from the offset its BOUNDSHEET record gives: check the records
    // there, and everything in stream order too (a damaged stream may disagree with itself).
    let mut starts = vec![0usize];
    let mut i = 0;
    while i + 4 <= stream.len() {
        let typ = u16::from_le_bytes([stream[i], stream[i + 1]]);
        let len = u16::from_le_bytes([stream[i + 2], stream[i + 3]]) as usize;
        if typ == 0x0085 {
            if let Some(b) = stream.get(i + 4..i + 8) {
                starts.push(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
            }
        }
        i += 4 + len;
    }
    let mut total: u64 = 0;
    let mut lying = false;
    for start in starts {
        let (cells, liar) = scan_biff(&stream, start, start == 0);
        total = total.saturating_add(cells);
        lying |= liar;
    }
    if lying || total > XLS_DENSE_CELLS {
        return Err(Unreadable::new(format!(
            "表格尺寸异常：展开后超过 {} 个单元格（可能有离表格很远的零散单元格，或文件已损坏），已拒绝读取；请删除多余内容后另存为 .xlsx 再报送",
            XLS_DENSE_CELLS
        )));
    }
    Ok(())
}
