//! Ingest: from a path to the data table of one submission — the sheet, its header, its
//! metadata row and its data rows as raw cells — or a reason why not.
//!
//! Designed for hostile input: the format is judged by its bytes ([`sniff`]), zip parts are
//! size-checked before calamine inflates them, xlsx sheets are streamed cell by cell (never a
//! dense `Range`), only the header's columns are kept, and every limit is our own ([`Limits`]).

pub mod archive;
pub mod csv;
pub mod layout;
pub mod limits;
pub mod ods;
pub mod sniff;
pub mod xls;

use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use calamine::{Data, DataRef, Dimensions, Ods, Reader, SheetVisible, Xls, Xlsb, Xlsx};
use chrono::NaiveDate;

pub use layout::{Column, Layout, Meta, RawRow, Truncated};
pub use limits::Limits;
pub use sniff::{Format, Unreadable};

use crate::fields::squash;

/// One cell as the workbook stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Empty,
    Text(String),
    Number(f64),
    /// A number shown as a percentage (0.079 displayed as 7.9%).
    Percent(f64),
    Date(NaiveDate),
    Bool(bool),
    /// A formula error value: `#DIV/0!`, `#REF!`, …
    Error(String),
}

impl Raw {
    pub fn is_empty(&self) -> bool {
        match self {
            Raw::Empty => true,
            Raw::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
    /// How the cell reads to a person.
    pub fn display(&self) -> String {
        use crate::values::fmt_num;
        match self {
            Raw::Empty => String::new(),
            Raw::Text(s) => s.clone(),
            Raw::Number(v) => fmt_num(*v),
            Raw::Percent(v) => format!("{}%", fmt_num(v * 100.0)),
            // Not chrono's `%Y`: it writes the year 10000 as "+10000".
            Raw::Date(d) => {
                use chrono::Datelike;
                format!("{}-{:02}-{:02}", d.year(), d.month(), d.day())
            }
            Raw::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Raw::Error(e) => e.clone(),
        }
    }
}

/// A submission's data table, as read.
#[derive(Debug, Clone)]
pub struct Table {
    pub format: Format,
    pub sheet: String,
    pub layout: Layout,
    pub meta: Meta,
    pub rows: Vec<RawRow>,
    /// Document property "modified" (ISO text), used to tell resubmissions apart.
    pub modified: Option<String>,
    /// Cells cut to Excel's limit of 32,767 characters (C09).
    pub truncated: Vec<Truncated>,
    /// A return of a level with levels below: its 下级明细 sheet, row by row (0-based row, cell
    /// texts by column).
    pub lower: Option<Vec<(u32, Vec<String>)>>,
}

/// What ingest makes of one file.
#[derive(Debug)]
pub enum Outcome {
    /// `~$` lock files, hidden files, luoshi's own outputs: listed with why, not read.
    Skipped(String),
    /// F01: the file cannot be read at all.
    Unreadable(String),
    /// F02: a workbook, but no sheet has a recognisable header. Lists the sheets looked at.
    NoTable {
        sheets: Vec<String>,
    },
    Table(Box<Table>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_found_by_scanning_the_part_match_calamine() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("任务&分解").unwrap();
        let f = rust_xlsxwriter::Format::new();
        ws.merge_range(0, 0, 0, 5, "标题", &f).unwrap();
        ws.merge_range(4, 13, 7, 13, "农业农村局", &f).unwrap();
        wb.save(&path).unwrap();
        let mut ours = xlsx_merges(&path, "任务&分解").expect("scanned");
        let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let mut theirs = book.merge_cells_by_sheet_name("任务&分解").unwrap();
        let key = |d: &Dimensions| (d.start, d.end);
        ours.sort_by_key(key);
        theirs.sort_by_key(key);
        assert_eq!(ours, theirs);
        assert_eq!(ours.len(), 2);
    }
}

#[derive(Debug)]
pub struct Ingested {
    pub path: PathBuf,
    /// The path as the user should read it: relative to the folder given.
    pub file: String,
    pub outcome: Outcome,
}

pub fn is_skipped_name(name: &str) -> bool {
    name.starts_with("~$") || name.starts_with('.')
}

pub fn is_workbook_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".et", ".csv"].iter().any(|e| lower.ends_with(e))
}

/// Read one file. Never panics on bad input: a panic inside a dependency becomes F01.
pub fn read_file(path: &Path, file: &str, limits: &Limits) -> Ingested {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let outcome = if name.starts_with("~$") {
        Outcome::Skipped("Excel 的临时锁文件（原文件当时正在 Excel 中打开），不是报送文件".into())
    } else if is_skipped_name(&name) {
        Outcome::Skipped("隐藏文件".into())
    } else if name.to_lowercase().ends_with(".csv") {
        guarded(|| csv::read_csv(path, limits)).unwrap_or_else(|u| Outcome::Unreadable(u.message))
    } else {
        guarded(|| read_workbook(path, limits)).unwrap_or_else(|u| Outcome::Unreadable(u.message))
    };
    Ingested { path: path.to_path_buf(), file: file.to_string(), outcome }
}

thread_local! {
    static READING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run a reader: a panic inside calamine on a damaged file becomes that file's error, quietly.
pub(crate) fn guarded<T>(read: impl FnOnce() -> Result<T, Unreadable> + std::panic::UnwindSafe) -> Result<T, Unreadable> {
    // Guards nest (a file's reading, then one helper within it): restore what was there.
    let was = READING.with(|r| r.replace(true));
    let result = std::panic::catch_unwind(read);
    READING.with(|r| r.set(was));
    result.unwrap_or_else(|_| Err(Unreadable::new("文件结构异常，读取时出错（文件可能已损坏），请重新保存为 .xlsx 后报送")))
}

/// Keep panics inside a file's reading off the terminal (they become that file's F01);
/// any other panic is still reported. Call once from the binary.
pub fn quiet_reader_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !READING.with(|r| r.get()) {
            default(info);
        }
    }));
}

enum Book {
    Xlsx(Xlsx<BufReader<File>>),
    Xlsb(Xlsb<BufReader<File>>),
    Xls(Xls<BufReader<File>>),
    Ods(Ods<BufReader<File>>),
}

fn open_err(e: impl std::fmt::Display) -> Unreadable {
    let text = e.to_string();
    let lower = text.to_lowercase();
    // The reader's own words are English: said in Chinese, by what they mean.
    if lower.contains("password") || lower.contains("encrypt") {
        Unreadable::new("文件已加密（设置了打开密码），无法读取；请取消密码后重新报送")
    } else if lower.contains("cell limit") {
        Unreadable::new("表中有单元格远在数据之外（如最后一行最后一列有空格），表的范围大得无法读取；请删去多余的单元格，用 Excel 或 WPS 另存为 .xlsx 后再报送")
    } else {
        Unreadable::new("文件已损坏，无法读取；请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")
    }
}

/// Sniff the bytes, then open with the reader for what the file really is.
fn open_book(path: &Path, limits: &Limits) -> Result<(Format, Book), Unreadable> {
    let format = sniff::sniff(path, limits)?;
    let open = || File::open(path).map(BufReader::new).map_err(|e| Unreadable::new(format!("文件打不开：{}", sniff::io_reason(&e))));
    let book = match format {
        Format::Xlsx => Book::Xlsx(Xlsx::new(open()?).map_err(open_err)?),
        Format::Xlsb => Book::Xlsb(Xlsb::new(open()?).map_err(open_err)?),
        Format::Xls => Book::Xls(Xls::new(open()?).map_err(open_err)?),
        Format::Ods => Book::Ods(Ods::new(open()?).map_err(open_err)?),
        // Never sniffed from bytes: a .csv is read by its extension, before any workbook reader.
        Format::Csv => return Err(Unreadable::new(format!("这是文本文件（CSV），扩展名却是表格的，{}", "请用 Excel 或 WPS 打开后“另存为” .xlsx 格式再报送"))),
    };
    Ok((format, book))
}

/// Sheet names, each with whether it is a visible worksheet.
fn sheet_list(book: &Book) -> Vec<(String, bool)> {
    let meta = match book {
        Book::Xlsx(b) => b.sheets_metadata(),
        Book::Xlsb(b) => b.sheets_metadata(),
        Book::Xls(b) => b.sheets_metadata(),
        Book::Ods(b) => b.sheets_metadata(),
    };
    meta.iter().map(|s| (s.name.clone(), s.visible == SheetVisible::Visible && s.typ == calamine::SheetType::WorkSheet)).collect()
}

fn read_workbook(path: &Path, limits: &Limits) -> Result<Outcome, Unreadable> {
    let (format, mut book) = open_book(path, limits)?;
    let sheets = sheet_list(&book);
    // The sheet named 任务分解表 first, then every other visible worksheet in order.
    // 下级明细 is never the data sheet: it is read beside it.
    let lower_sheet = sheets.iter().find(|(n, _)| squash(n) == crate::fields::LOWER_SHEET).map(|(n, _)| n.clone());
    let mut order: Vec<&str> = sheets.iter().filter(|(n, v)| *v && squash(n).contains("任务分解表")).map(|(n, _)| n.as_str()).collect();
    order.extend(sheets.iter().filter(|(n, v)| *v && !squash(n).contains("任务分解表") && Some(n) != lower_sheet.as_ref()).map(|(n, _)| n.as_str()));
    let props = match &mut book {
        Book::Xlsx(b) => b.workbook_properties().ok(),
        Book::Xls(b) => b.workbook_properties().ok(),
        Book::Ods(b) => b.workbook_properties().ok(),
        Book::Xlsb(b) => b.workbook_properties().ok(),
    };
    if props.as_ref().and_then(|p| p.keywords.as_deref()).is_some_and(|k| k.contains(crate::excel::OUTPUT_MARK)) {
        return Ok(Outcome::Skipped(format!("luoshi 生成的{}，不是报送文件", props.and_then(|p| p.title).unwrap_or_else(|| "汇总或报告".into()))));
    }
    let modified = props.and_then(|p| p.modified);
    let mut looked = Vec::new();
    for name in order.into_iter().take(limits.max_sheets) {
        looked.push(name.to_string());
        let extras = sheet_extras(&book, name, path, limits);
        let mut scan = layout::Scan::new(limits);
        scan_sheet(&mut book, name, &extras.percent, &mut |r, c, raw| scan.push(r, c, raw))?;
        if let Some(e) = scan.over_limit.take() {
            return Err(Unreadable::new(format!("工作表“{name}”{e}，已停止读取")));
        }
        let merges = match extras.merges {
            Some(m) => m,
            None => merges(&mut book, name, path),
        };
        let truncated = std::mem::take(&mut scan.truncated);
        if let Some((layout, meta, rows)) = scan.finish(&merges) {
            let lower = match &lower_sheet {
                Some(l) => Some(plain_rows(&mut book, l, limits)?),
                None => None,
            };
            return Ok(Outcome::Table(Box::new(Table { format, sheet: name.to_string(), layout, meta, rows, modified, truncated, lower })));
        }
    }
    Ok(Outcome::NoTable { sheets: looked })
}

/// A sheet as rows of cell texts, within the limits: for sheets read beside the data (下级明细).
fn plain_rows(book: &mut Book, name: &str, limits: &Limits) -> Result<Vec<(u32, Vec<String>)>, Unreadable> {
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = std::collections::BTreeMap::new();
    let mut cells = 0u64;
    scan_sheet(book, name, &HashSet::new(), &mut |r, c, raw| {
        cells += 1;
        if cells > limits.max_cells || r >= limits.max_rows || c >= limits.max_cols {
            return cells <= limits.max_cells;
        }
        let row = rows.entry(r).or_default();
        if row.len() <= c as usize {
            row.resize(c as usize + 1, String::new());
        }
        row[c as usize] = crate::values::clean_text(&raw.display());
        true
    })?;
    Ok(rows.into_iter().collect())
}

/// What a sheet's cells do not say by themselves, for the formats where calamine does not tell:
/// which numbers are shown as percentages (xls, ods; xlsx styles come with its cells) and the
/// merged ranges of an ods sheet.
#[derive(Default)]
struct SheetExtras {
    percent: HashSet<(u32, u32)>,
    merges: Option<Vec<Dimensions>>,
}

fn sheet_extras(book: &Book, name: &str, path: &Path, limits: &Limits) -> SheetExtras {
    match book {
        Book::Xls(_) => SheetExtras { percent: guarded(|| Ok(xls::percent_cells(path, name))).ok().flatten().unwrap_or_default(), merges: None },
        Book::Ods(_) => match guarded(|| Ok(ods::sheet_extras(path, name, limits))).ok().flatten() {
            Some(e) => SheetExtras { percent: e.percent, merges: Some(e.merges) },
            None => SheetExtras::default(),
        },
        Book::Xlsx(_) | Book::Xlsb(_) => SheetExtras::default(),
    }
}

fn merges(book: &mut Book, name: &str, path: &Path) -> Vec<Dimensions> {
    match book {
        Book::Xlsx(b) => xlsx_merges(path, name).unwrap_or_else(|| b.merge_cells_by_sheet_name(name).unwrap_or_default()),
        Book::Xls(b) => b.merge_cells_by_sheet_name(name).unwrap_or_default(),
        // calamine has no merged regions for xlsb; ods merges come from `ods::sheet_extras`.
        Book::Xlsb(_) | Book::Ods(_) => Vec::new(),
    }
}

/// Error values pasted as text (`#DIV/0!` copied from another sheet) are still error values.
const ERROR_LITERALS: &[&str] = &["#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"];

pub(crate) fn text(s: String) -> Raw {
    if ERROR_LITERALS.contains(&s.trim()) {
        Raw::Error(s.trim().to_string())
    } else {
        Raw::Text(s)
    }
}

fn from_data(d: &Data) -> Raw {
    match d {
        Data::Empty => Raw::Empty,
        Data::String(s) => text(s.clone()),
        Data::Float(f) => Raw::Number(*f),
        Data::Int(i) => Raw::Number(*i as f64),
        Data::Bool(b) => Raw::Bool(*b),
        Data::DateTime(dt) => from_excel_dt(dt),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => Raw::Text(s.clone()),
        Data::Error(e) => Raw::Error(e.to_string()),
    }
}

fn from_dataref(d: DataRef<'_>, percent: bool) -> Raw {
    match d {
        DataRef::Empty => Raw::Empty,
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s.to_string()),
        DataRef::Float(f) if percent => Raw::Percent(f),
        DataRef::Float(f) => Raw::Number(f),
        DataRef::Int(i) if percent => Raw::Percent(i as f64),
        DataRef::Int(i) => Raw::Number(i as f64),
        DataRef::Bool(b) => Raw::Bool(b),
        DataRef::DateTime(dt) => from_excel_dt(&dt),
        DataRef::DateTimeIso(s) => iso_date(&s),
        DataRef::DurationIso(s) => Raw::Text(s),
        DataRef::Error(e) => Raw::Error(e.to_string()),
    }
}

/// Merged regions of an xlsx sheet, found by scanning the sheet part's bytes for `<mergeCells>`
/// (it follows the cell data), instead of parsing the whole sheet's XML a second time.
/// `None` when anything is unexpected; the caller then asks calamine.
pub fn xlsx_merges(path: &Path, sheet: &str) -> Option<Vec<Dimensions>> {
    fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
        let i = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let rest = &tag[i..];
        Some(&rest[..rest.find('"')?])
    }
    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
    }
    fn read_small(zip: &mut zip::ZipArchive<BufReader<File>>, name: &str) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(name).ok()?, &mut out).ok()?;
        Some(out)
    }
    fn cell(s: &str) -> Option<(u32, u32)> {
        let split = s.find(|c: char| c.is_ascii_digit())?;
        let col = s[..split].bytes().try_fold(0u32, |n, b| b.is_ascii_uppercase().then(|| n * 26 + (b - b'A' + 1) as u32))?;
        let row: u32 = s[split..].parse().ok()?;
        Some((row.checked_sub(1)?, col.checked_sub(1)?))
    }
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
    let workbook = String::from_utf8(read_small(&mut zip, "xl/workbook.xml")?).ok()?;
    let rid = workbook.split("<sheet ").skip(1).find_map(|tag| {
        let tag = format!(" {}", &tag[..tag.find('>')?]);
        (unescape(attr(&tag, "name")?) == sheet).then(|| attr(&tag, "r:id").map(str::to_string))?
    })?;
    let rels = String::from_utf8(read_small(&mut zip, "xl/_rels/workbook.xml.rels")?).ok()?;
    let target = rels.split("<Relationship ").skip(1).find_map(|tag| {
        let tag = format!(" {}", &tag[..tag.find('>')?]);
        (attr(&tag, "Id")? == rid).then(|| attr(&tag, "Target").map(str::to_string))?
    })?;
    let target = target.replace('\\', "/");
    let part = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    };
    // Stream the part: keep only what follows `<mergeCells`, never the whole sheet.
    let mut entry = zip.by_name(&part).ok()?;
    let finder = memchr::memmem::Finder::new(b"<mergeCells");
    let keep = b"<mergeCells".len() - 1;
    let mut window: Vec<u8> = Vec::with_capacity(64 << 10);
    let mut found: Option<Vec<u8>> = None;
    let mut chunk = [0u8; 16 << 10];
    loop {
        let n = std::io::Read::read(&mut entry, &mut chunk).ok()?;
        if n == 0 {
            break;
        }
        match &mut found {
            Some(tail) => {
                tail.extend_from_slice(&chunk[..n]);
                if tail.len() > 64 << 20 {
                    return None;
                }
            }
            None => {
                // Only the needle's length minus one byte is carried from one chunk to the next.
                let carried = window.len().saturating_sub(keep);
                window.drain(..carried);
                window.extend_from_slice(&chunk[..n]);
                if let Some(p) = finder.find(&window) {
                    found = Some(window.split_off(p));
                }
            }
        }
    }
    let Some(bytes) = found else { return Some(Vec::new()) };
    let block = String::from_utf8_lossy(&bytes);
    let block = &block[..block.find("</mergeCells>").unwrap_or(block.len())];
    block
        .split("<mergeCell ")
        .skip(1)
        .map(|tag| {
            let r = attr(&format!(" {tag}"), "ref")?.to_string();
            let (a, b) = r.split_once(':').unwrap_or((&r, &r));
            Some(Dimensions { start: cell(a)?, end: cell(b)? })
        })
        .collect()
}

fn from_excel_dt(dt: &calamine::ExcelDateTime) -> Raw {
    match dt.as_datetime() {
        Some(d) if dt.is_datetime() => Raw::Date(d.date()),
        _ => Raw::Number(dt.as_f64()),
    }
}

fn iso_date(s: &str) -> Raw {
    s.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).map(Raw::Date).unwrap_or_else(|| Raw::Text(s.to_string()))
}

/// Stream a sheet's cells into `sink` (row, column, value) until it returns `false`.
fn scan_sheet(book: &mut Book, name: &str, percent: &HashSet<(u32, u32)>, sink: &mut dyn FnMut(u32, u32, Raw) -> bool) -> Result<(), Unreadable> {
    // The reader's words are English and name its internals: the clerk is told the sheet and what to do.
    let sheet_err = |_: &dyn std::fmt::Display| Unreadable::new(format!("工作表“{name}”内容损坏，无法读取；请用 Excel 或 WPS 打开后另存为 .xlsx 再报送"));
    match book {
        Book::Xlsx(b) => {
            let mut reader = b.worksheet_cells_reader(name).map_err(|e| sheet_err(&e))?;
            let percent: Vec<bool> = reader.styles().iter().map(|s| s.number_format.as_ref().is_some_and(|f| xls::is_percent_code(&f.format_code))).collect();
            loop {
                match reader.next_cell_with_style_id() {
                    Ok(Some((cell, style))) => {
                        let (r, c) = cell.get_position();
                        let pct = percent.get(style).copied().unwrap_or(false);
                        let raw = from_dataref(cell.get_value().clone(), pct);
                        if !sink(r, c, raw) {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Err(sheet_err(&e)),
                }
            }
        }
        Book::Xlsb(b) => {
            // Streamed like xlsx: never a dense grid.
            let mut reader = b.worksheet_cells_reader(name).map_err(|e| sheet_err(&e))?;
            loop {
                match reader.next_cell() {
                    Ok(Some(cell)) => {
                        let (r, c) = cell.get_position();
                        if !sink(r, c, from_dataref(cell.get_value().clone(), false)) {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Err(sheet_err(&e)),
                }
            }
        }
        Book::Xls(b) => {
            let range = b.worksheet_range(name).map_err(|e| sheet_err(&e))?;
            push_range(&range, percent, sink);
        }
        Book::Ods(b) => {
            let range = b.worksheet_range(name).map_err(|e| sheet_err(&e))?;
            push_range(&range, percent, sink);
        }
    }
    Ok(())
}

fn push_range(range: &calamine::Range<Data>, percent: &HashSet<(u32, u32)>, sink: &mut dyn FnMut(u32, u32, Raw) -> bool) {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, d) in range.used_cells() {
        let at = (r0 + r as u32, c0 + c as u32);
        let raw = match from_data(d) {
            Raw::Number(v) if percent.contains(&at) => Raw::Percent(v),
            raw => raw,
        };
        if !sink(at.0, at.1, raw) {
            break;
        }
    }
}

/// A plain sheet as rows of non-empty cells: for small side files (核定数据) that are not task tables.
pub type Grid = std::collections::BTreeMap<u32, std::collections::BTreeMap<u32, Raw>>;

/// Read every visible sheet of a small workbook as grids, with the same sniffing and limits.
pub fn read_grids(path: &Path, limits: &Limits) -> Result<Vec<(String, Grid)>, Unreadable> {
    let run = || -> Result<Vec<(String, Grid)>, Unreadable> {
        let (_, mut book) = open_book(path, limits)?;
        let names: Vec<String> = sheet_list(&book).into_iter().filter(|(_, visible)| *visible).map(|(n, _)| n).collect();
        let mut out = Vec::new();
        for name in names.into_iter().take(limits.max_sheets) {
            let mut grid = Grid::new();
            let mut seen: u64 = 0;
            let mut over = false;
            let extras = sheet_extras(&book, &name, path, limits);
            scan_sheet(&mut book, &name, &extras.percent, &mut |r, c, raw| {
                seen += 1;
                if seen > limits.max_cells {
                    over = true;
                    return false;
                }
                if !raw.is_empty() && c < limits.max_cols {
                    grid.entry(r).or_default().insert(c, raw);
                }
                true
            })?;
            if over {
                return Err(Unreadable::new(format!("工作表“{name}”的单元格超过 {} 个（超出读取上限）", limits.max_cells)));
            }
            out.push((name, grid));
        }
        Ok(out)
    };
    guarded(run)
}
