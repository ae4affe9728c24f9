//! What every workbook luoshi writes shares: formats, Chinese-aware column widths, safe text,
//! and the print set-up a meeting expects (landscape, fit to width, repeated header, page numbers).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use crate::excel;

pub const FONT: &str = "宋体";
pub const HEADER_FILL: u32 = 0xDDEBF7;
pub const ERROR_FILL: u32 = 0xFFC7CE;
pub const WARNING_FILL: u32 = 0xFFEB9C;
pub const INFO_FILL: u32 = 0xDDEBF7;

/// The fill that marks a finding's severity (级别 cells, problem cells in returned forms).
pub fn severity_fill(severity: crate::finding::Severity) -> u32 {
    use crate::finding::Severity;
    match severity {
        Severity::Error => ERROR_FILL,
        Severity::Warning => WARNING_FILL,
        Severity::Info => INFO_FILL,
    }
}

/// A cell value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Empty,
    Text(String),
    /// A figure with a number format chosen by its unit of measure.
    Num(f64, &'static str),
    /// A fraction shown as a percentage.
    Pct(f64),
    /// Text on a coloured fill (a light: the word and its colour).
    Fill(String, u32),
}

impl Val {
    pub fn text(s: impl Into<String>) -> Val {
        let s = s.into();
        if s.is_empty() {
            Val::Empty
        } else {
            Val::Text(s)
        }
    }
    pub fn num(v: Option<f64>, fmt: &'static str) -> Val {
        match v {
            Some(v) if v.is_finite() => Val::Num(v, fmt),
            _ => Val::Empty,
        }
    }
    fn width(&self) -> usize {
        match self {
            Val::Empty => 0,
            Val::Text(s) => s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0),
            Val::Num(v, _) => (v.abs().max(1.0).log10() as usize + 4).min(14),
            Val::Pct(_) => 7,
            Val::Fill(s, _) => s.width(),
        }
    }
}

/// Number format for the figure `v` in `uom`: the uom's usual format, with more decimals when
/// the value has them (核定 5.6 个 shows "5.6", never "6"; a node target 6.76 shows "6.76").
pub fn figure_format(uom: &str, v: f64) -> &'static str {
    const BY_DECIMALS: [&str; 5] = ["#,##0", "#,##0.0", "#,##0.00", "#,##0.000", "#,##0.0000"];
    let base = num_format(uom);
    let shown = match base {
        "#,##0" => 0,
        "0.0" => 1,
        _ => 2,
    };
    let needed = (0..5).find(|&k| {
        let scaled = v * 10f64.powi(k as i32);
        (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
    });
    match needed {
        Some(k) if k > shown => BY_DECIMALS[k],
        None => BY_DECIMALS[4],
        _ => base,
    }
}

impl Val {
    /// A figure in `uom`, shown with the decimals it has.
    pub fn figure(v: Option<f64>, uom: &str) -> Val {
        match v {
            Some(v) => Val::num(Some(v), figure_format(uom, v)),
            None => Val::Empty,
        }
    }
}

/// Number format for a figure in `uom`: whole counts without decimals, amounts with two.
pub fn num_format(uom: &str) -> &'static str {
    match uom {
        "%" => "0.0",
        "个" | "户" | "家" | "项" | "场" | "座" | "处" | "人" | "次" => "#,##0",
        _ => "#,##0.00",
    }
}

/// Text that is safe in a cell: no characters XML forbids, within Excel's 32,767 (cut with a
/// visible mark), and never read as a formula (rust_xlsxwriter writes strings as strings).
pub fn safe(s: &str) -> std::borrow::Cow<'_, str> {
    safe_within(s, excel::MAX_CELL_TEXT)
}

/// [`safe`] for a cell note, kept short enough to read on screen.
pub fn safe_note(s: &str) -> std::borrow::Cow<'_, str> {
    safe_within(s, excel::MAX_NOTE_TEXT)
}

fn safe_within(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let bad = |c: char| c == '\u{FFFE}' || c == '\u{FFFF}' || (c < ' ' && c != '\n' && c != '\t');
    let cleaned = if s.chars().any(bad) { Cow::Owned(s.chars().filter(|&c| !bad(c)).collect()) } else { Cow::Borrowed(s) };
    match cleaned {
        Cow::Borrowed(_) => excel::clamp_text(s, max),
        Cow::Owned(c) => Cow::Owned(excel::clamp_text(&c, max).into_owned()),
    }
}

/// A number Excel cannot store, as the text written instead (with why).
pub fn unstorable_number(x: f64) -> String {
    format!("{}（数值超出Excel范围）", if x.is_nan() { "非数值".to_string() } else { x.to_string() })
}

pub struct Styles {
    pub title: Format,
    /// The title of a sheet printed several pages wide: in its first cell, repeated with the key columns.
    pub title_left: Format,
    pub subtitle: Format,
    pub header: Format,
    pub text: Format,
    pub wrap: Format,
    pub center: Format,
    pub pct: Format,
}

impl Styles {
    pub fn new() -> Styles {
        let base = Format::new().set_font_name(FONT).set_font_size(10).set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Styles {
            title: Format::new().set_font_name("黑体").set_font_size(16).set_bold().set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter),
            title_left: Format::new().set_font_name("黑体").set_font_size(16).set_bold().set_align(FormatAlign::Left).set_align(FormatAlign::VerticalCenter),
            subtitle: Format::new().set_font_name(FONT).set_font_size(10).set_align(FormatAlign::Left).set_align(FormatAlign::VerticalCenter),
            header: base.clone().set_bold().set_text_wrap().set_align(FormatAlign::Center).set_background_color(Color::RGB(HEADER_FILL)),
            // Data cells top-aligned, all alike: in a row made tall by one wrapped cell, the
            // figures beside it line up with its first line.
            text: base.clone().set_align(FormatAlign::Top),
            wrap: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            center: base.clone().set_align(FormatAlign::Center).set_align(FormatAlign::Top),
            pct: base.clone().set_align(FormatAlign::Top).set_num_format("0.0%"),
        }
    }
    pub fn number(&self, fmt: &str) -> Format {
        // Counts and row numbers centred: a right-aligned 5 beside a left-aligned 1 prints as "5|1".
        if fmt == "0" {
            self.center.clone().set_num_format(fmt)
        } else {
            self.text.clone().set_num_format(fmt)
        }
    }
    pub fn fill(&self, base: &Format, rgb: u32) -> Format {
        base.clone().set_background_color(Color::RGB(rgb))
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

#[derive(Debug, Clone)]
pub struct ColSpec {
    pub header: String,
    /// Widest the column may get, in character widths (a CJK character counts two).
    pub max_width: f64,
    pub wrap: bool,
}

impl ColSpec {
    pub fn new(header: impl Into<String>, max_width: f64) -> Self {
        ColSpec { header: header.into(), max_width, wrap: false }
    }
    pub fn wrap(header: impl Into<String>, max_width: f64) -> Self {
        ColSpec { header: header.into(), max_width, wrap: true }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    A3,
}

impl Paper {
    /// Width inside the margins of [`print_setup`], landscape, in points.
    fn printable_pt(self) -> f64 {
        let mm = match self {
            Paper::A4 => 297.0,
            Paper::A3 => 420.0,
        } - 2.0 * 0.4 * 25.4;
        mm / 25.4 * 72.0
    }
}

/// Points one unit of Excel column width takes on paper, as LibreOffice lays out these sheets
/// (measured from the PDF it renders: 7.03–7.05, with a little to spare).
const PT_PER_WIDTH: f64 = 7.1;

/// Type smaller than this on paper cannot be read at a meeting: 小五 (9 pt) for the sheets people
/// read, 8 pt for the long 明细 they look things up in. The sheets are set in 10 pt.
pub const MEETING_SCALE: f64 = 0.9;
pub const DETAIL_SCALE: f64 = 0.8;

/// How a sheet prints so that no page is scaled below `min_scale`: (pages wide, scale in per
/// cent), with the columns `key` (first, last) repeated on every page after the first.
pub fn pages_wide(widths: &[f64], key: (usize, usize), paper: Paper, min_scale: f64) -> (u16, u16) {
    let page = paper.printable_pt() / PT_PER_WIDTH;
    let total: f64 = widths.iter().sum();
    let key_w: f64 = widths.get(key.0..=key.1.min(widths.len().saturating_sub(1))).map(|w| w.iter().sum()).unwrap_or(0.0);
    let widest = widths.iter().copied().fold(0.0, f64::max);
    for n in 1..=8u16 {
        // Pages break between columns: a page holds a little less than its share.
        let needed = if n == 1 { total } else { key_w + (total - key_w) / n as f64 + widest / 2.0 };
        let scale = (page / needed).min(1.0);
        if scale >= min_scale {
            return (n, (scale * 100.0).floor() as u16);
        }
    }
    (8, (min_scale * 100.0).ceil() as u16)
}

/// Width in column units of `text` set in `size_pt` type, one line (a CJK character is `size_pt` wide).
pub fn text_units(text: &str, size_pt: f64) -> f64 {
    UnicodeWidthStr::width(text) as f64 * size_pt / 2.0 / PT_PER_WIDTH
}

/// The columns (first, last) a line above a table stands over, `units` wide. One page wide: the
/// whole table. Several: inside the repeated `key` columns when it fits there (whole on every
/// page), else over the rest of the first page (whole, once) — never across a page edge, where
/// the repeated columns would print it cut off.
pub fn heading_span(widths: &[f64], key: (usize, usize), paper: Paper, min_scale: f64, units: f64) -> (u16, u16) {
    let last = widths.len().saturating_sub(1);
    let (n, scale) = pages_wide(widths, key, paper, min_scale);
    if n == 1 {
        return (0, last as u16);
    }
    let key_w: f64 = widths[key.0..=key.1.min(last)].iter().sum();
    if units <= key_w {
        return (key.0 as u16, key.1 as u16);
    }
    // Columns on page one at that scale, with a little to spare for how a viewer rounds widths.
    let room = paper.printable_pt() / PT_PER_WIDTH / (f64::from(scale) / 100.0) * 0.97;
    let mut used = 0.0;
    let mut page_one = 0;
    for (i, w) in widths.iter().enumerate() {
        used += w;
        if used > room {
            break;
        }
        page_one = i;
    }
    if page_one <= key.1 {
        return (0, last as u16);
    }
    ((key.1 + 1) as u16, page_one as u16)
}

/// Printed as large as it must be to read: one page wide where that keeps `min_scale`, else as
/// many pages wide as needed with the `key` columns on each — at one scale that fills them.
pub fn print_readable(ws: &mut Worksheet, paper: Paper, header_row: u32, widths: &[f64], key: (usize, usize), min_scale: f64) -> Result<(), XlsxError> {
    let (n, scale) = pages_wide(widths, key, paper, min_scale);
    print_setup(ws, paper, header_row)?;
    if n > 1 {
        // An explicit scale, not "fit to n pages": a sheet that fits n pages at full size would
        // otherwise print at 100 % on more pages than it needs.
        ws.set_print_fit_to_pages(0, 0);
        ws.set_print_scale(scale);
        ws.set_repeat_columns(key.0 as u16, key.1 as u16)?;
        // Over, then down: the second half of the same rows follows the first.
        ws.set_page_order(false);
    }
    Ok(())
}

/// A table's rows: held, or made one at a time so a province's detail never sits in memory twice.
pub enum Rows<'a> {
    Owned(Vec<Vec<Val>>),
    Lazy { len: usize, make: Box<dyn Fn(usize) -> Vec<Val> + Send + Sync + 'a> },
}

impl Rows<'_> {
    pub fn len(&self) -> usize {
        match self {
            Rows::Owned(v) => v.len(),
            Rows::Lazy { len, .. } => *len,
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn row(&self, i: usize) -> std::borrow::Cow<'_, [Val]> {
        match self {
            Rows::Owned(v) => std::borrow::Cow::Borrowed(&v[i]),
            Rows::Lazy { make, .. } => std::borrow::Cow::Owned(make(i)),
        }
    }
}

impl From<Vec<Vec<Val>>> for Rows<'_> {
    fn from(v: Vec<Vec<Val>>) -> Self {
        Rows::Owned(v)
    }
}

/// A titled table on its own sheet: the shape of almost everything luoshi writes.
pub struct TableSheet<'a> {
    pub name: &'a str,
    pub title: String,
    pub subtitle: Option<String>,
    pub columns: Vec<ColSpec>,
    pub rows: Rows<'a>,
    pub paper: Paper,
}

/// Row (0-based) where a TableSheet's header sits.
pub fn header_row(t: &TableSheet) -> u32 {
    if t.subtitle.is_some() {
        2
    } else {
        1
    }
}

/// Tables longer than this are written row by row in constant memory (the detail of a province).
pub const CONSTANT_MEMORY_ROWS: usize = 20_000;

pub fn write_table<'w>(wb: &'w mut Workbook, st: &Styles, t: &TableSheet) -> Result<&'w mut Worksheet, XlsxError> {
    let ws = if t.rows.len() > CONSTANT_MEMORY_ROWS { wb.add_worksheet_with_constant_memory()? } else { wb.add_worksheet() };
    fill_table(ws, st, t)?;
    Ok(ws)
}

/// A worksheet for `t`, apart from the workbook: it can be filled on another thread while the
/// workbook's other sheets are written, then pushed after them.
pub fn table_worksheet(wb: &mut Workbook, t: &TableSheet) -> Result<Worksheet, XlsxError> {
    if t.rows.len() > CONSTANT_MEMORY_ROWS {
        wb.new_worksheet_with_constant_memory()
    } else {
        Ok(Worksheet::new())
    }
}

/// Title, subtitle, header and rows of a table, with widths, filter, frozen header and print set-up.
/// Returns the column widths it set.
pub fn fill_table(ws: &mut Worksheet, st: &Styles, t: &TableSheet) -> Result<Vec<f64>, XlsxError> {
    ws.set_name(excel::sheet_name(t.name))?;
    let ncols = t.columns.len().max(1) as u16;
    // Widths first: a constant-memory sheet cannot change them once rows are out.
    let mut widths = Vec::with_capacity(t.columns.len());
    // Widths from every row of a short table, from an even sample of a long one.
    let step = (t.rows.len() / 2_000).max(1);
    let sample: Vec<std::borrow::Cow<'_, [Val]>> = (0..t.rows.len()).step_by(step).map(|i| t.rows.row(i)).collect();
    for (c, spec) in t.columns.iter().enumerate() {
        let content = sample.iter().filter_map(|r| r.get(c)).map(Val::width).max().unwrap_or(0);
        let header = spec.header.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
        let w = (content.max(header) as f64 + 2.0).clamp(6.0, spec.max_width.max(6.0));
        ws.set_column_width(c as u16, w)?;
        widths.push(w);
    }
    // What names a row, repeated on each page: the columns up to the first wrapped text (序号,
    // 任务编号, 重点任务), else the first.
    let key_last = t.columns.iter().position(|c| c.wrap).filter(|&i| i <= 3).unwrap_or(0);
    let hr = header_row(t);
    let key = (0, key_last);
    let span = |units: f64| heading_span(&widths, key, t.paper, MEETING_SCALE, units);
    let (a, b) = span(text_units(&t.title, 16.0));
    // In the repeated columns it starts at the left edge of every page; elsewhere it is centred.
    let title_fmt = if (a as usize, b as usize) == key && b < ncols - 1 { &st.title_left } else { &st.title };
    merge_or_write(ws, 0, (a, b), &t.title, title_fmt)?;
    if let Some(sub) = &t.subtitle {
        // Merged and wrapped: a note running past its columns would widen what prints.
        let (a, b) = span(text_units(sub, 10.0));
        let room: f64 = widths[a as usize..=b as usize].iter().sum();
        let lines = (text_units(sub, 10.0) / room.max(1.0)).ceil().max(1.0);
        merge_or_write(ws, 1, (a, b), sub, &st.subtitle.clone().set_text_wrap())?;
        ws.set_row_height(1, 14.0 * lines + 4.0)?;
    }
    ws.set_row_height(0, 30)?;
    for (c, spec) in t.columns.iter().enumerate() {
        ws.write_string_with_format(hr, c as u16, &*safe(&spec.header), &st.header)?;
    }
    ws.set_row_height(hr, 30)?;
    drop(sample);
    let mut cells = CellWriter { st, long: t.rows.len() > CONSTANT_MEMORY_ROWS, numbers: Vec::new(), fills: Vec::new() };
    // A long sheet's rows stay one line high: 200,000 rows of wrapped text cannot be scrolled.
    let wraps: Vec<Option<f64>> = t.columns.iter().zip(&widths).map(|(spec, w)| (spec.wrap && !cells.long).then_some(*w)).collect();
    if cells.long {
        // A province's detail: one thread makes the rows (text cleaned, wrapped lines counted)
        // while this one writes them; the writer is the slower half.
        std::thread::scope(|s| -> Result<(), XlsxError> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<(Vec<Val>, usize)>>(8);
            let (rows, wraps) = (&t.rows, &wraps);
            s.spawn(move || {
                for start in (0..rows.len()).step_by(1024) {
                    let chunk = (start..(start + 1024).min(rows.len())).map(|i| prepare(rows.row(i).into_owned(), wraps)).collect();
                    if tx.send(chunk).is_err() {
                        break; // the writer stopped on an error
                    }
                }
            });
            let mut r = hr + 1;
            for chunk in rx {
                for (row, lines) in chunk {
                    cells.put_row(ws, t, r, row, lines)?;
                    r += 1;
                }
            }
            Ok(())
        })?;
    } else {
        for i in 0..t.rows.len() {
            let (row, lines) = prepare(t.rows.row(i).into_owned(), &wraps);
            cells.put_row(ws, t, hr + 1 + i as u32, row, lines)?;
        }
    }
    let last_row = hr + t.rows.len() as u32;
    ws.set_freeze_panes(hr + 1, 0)?;
    ws.autofilter(hr, 0, last_row.max(hr), ncols - 1)?;
    print_readable(ws, t.paper, hr, &widths, (0, key_last), MEETING_SCALE)?;
    Ok(widths)
}

/// `text` over the columns `span` of `row`: merged, or in the one cell.
pub fn merge_or_write(ws: &mut Worksheet, row: u32, span: (u16, u16), text: &str, fmt: &Format) -> Result<(), XlsxError> {
    if span.0 == span.1 {
        ws.write_string_with_format(row, span.0, &*safe(text), fmt)?;
    } else {
        ws.merge_range(row, span.0, row, span.1, &safe(text), fmt)?;
    }
    Ok(())
}

/// A row ready to write: text made safe for a cell, and the lines its tallest wrapped cell takes.
fn prepare(mut row: Vec<Val>, wraps: &[Option<f64>]) -> (Vec<Val>, usize) {
    let mut lines = 1;
    for (c, v) in row.iter_mut().enumerate() {
        if let Val::Text(s) | Val::Fill(s, _) = v {
            if let std::borrow::Cow::Owned(cleaned) = safe(s) {
                *s = cleaned;
            }
        }
        if let Some(Some(w)) = wraps.get(c) {
            lines = lines.max(wrapped_lines(v, *w));
        }
    }
    (row, lines)
}

/// Writes a table's cells; formats are made once per table, not per cell.
struct CellWriter<'s> {
    st: &'s Styles,
    /// A long detail sheet is for filtering, not printing: text carries no format (no border, no
    /// wrapping), which also spares the writer a format lookup per cell.
    long: bool,
    numbers: Vec<(&'static str, Format)>,
    fills: Vec<(u32, Format)>,
}

impl CellWriter<'_> {
    fn put_row(&mut self, ws: &mut Worksheet, t: &TableSheet, r: u32, row: Vec<Val>, lines: usize) -> Result<(), XlsxError> {
        let st = self.st;
        for (c, v) in row.into_iter().enumerate() {
            let c16 = c as u16;
            let wrap = t.columns.get(c).is_some_and(|s| s.wrap);
            let text = if wrap { &st.wrap } else { &st.text };
            let v = match v {
                Val::Num(x, _) | Val::Pct(x) if !excel::number_fits(x) => Val::Text(unstorable_number(x)),
                v => v,
            };
            match v {
                Val::Empty if self.long => {}
                Val::Empty => {
                    ws.write_blank(r, c16, text)?;
                }
                Val::Text(s) if self.long => {
                    ws.write_string(r, c16, s)?;
                }
                Val::Text(s) => {
                    ws.write_string_with_format(r, c16, s, text)?;
                }
                Val::Num(x, "General") if self.long => {
                    ws.write_number(r, c16, x)?;
                }
                Val::Num(x, fmt) => {
                    let k = match self.numbers.iter().position(|(k, _)| *k == fmt) {
                        Some(k) => k,
                        None => {
                            self.numbers.push((fmt, st.number(fmt)));
                            self.numbers.len() - 1
                        }
                    };
                    ws.write_number_with_format(r, c16, x, &self.numbers[k].1)?;
                }
                Val::Pct(x) => {
                    ws.write_number_with_format(r, c16, x, &st.pct)?;
                }
                Val::Fill(s, rgb) => {
                    let k = match self.fills.iter().position(|(k, _)| *k == rgb) {
                        Some(k) => k,
                        None => {
                            self.fills.push((rgb, st.fill(&st.center, rgb)));
                            self.fills.len() - 1
                        }
                    };
                    ws.write_string_with_format(r, c16, s, &self.fills[k].1)?;
                }
            }
        }
        // Viewers do not grow rows for wrapped text on their own: size each row to its longest cell.
        if lines > 1 {
            ws.set_row_height(r, row_height(lines))?;
        }
        Ok(())
    }
}

/// Height in points of a row whose tallest cell takes `lines` lines: LibreOffice and WPS set 宋体
/// in a wider substitute, so one line is kept to spare.
pub fn row_height(lines: usize) -> f64 {
    ((lines + 1) as f64 * 13.5 + 3.0).min(409.0)
}

/// Lines a text takes in a column `width` characters wide.
pub fn wrapped_lines(v: &Val, width: f64) -> usize {
    let Val::Text(s) = v else { return 1 };
    let per_line = ((width - 1.0) * 1.15).max(1.0);
    s.lines().map(|l| ((l.width() as f64) / per_line).ceil().max(1.0) as usize).sum::<usize>().max(1)
}

/// A sheet too wide for one readable page (the 24-column 任务分解表): `pages` pages wide at full
/// size instead of one page shrunk to 5 pt, with the columns that say which task it is
/// (`first..=last`) repeated on every page.
pub fn print_across(ws: &mut Worksheet, paper: Paper, header_row: u32, pages: u16, first: u16, last: u16) -> Result<(), XlsxError> {
    print_setup(ws, paper, header_row)?;
    ws.set_print_fit_to_pages(pages, 0);
    ws.set_repeat_columns(first, last)?;
    // Over, then down: the second half of the same rows follows the first.
    ws.set_page_order(false);
    Ok(())
}

/// Landscape, one page wide, header rows repeated, 第 N 页 共 M 页.
pub fn print_setup(ws: &mut Worksheet, paper: Paper, header_row: u32) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(match paper {
        Paper::A4 => 9,
        Paper::A3 => 8,
    });
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, header_row)?;
    ws.set_footer("&C第 &P 页 共 &N 页");
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_their_decimals() {
        assert_eq!(figure_format("个", 5.6), "#,##0.0");
        assert_eq!(figure_format("个", 19.0), "#,##0");
        assert_eq!(figure_format("万亩", 6.76), "#,##0.00");
        assert_eq!(figure_format("万亩", 11.495), "#,##0.000");
        assert_eq!(figure_format("%", 7.9), "0.0");
    }

    #[test]
    fn a_heading_stands_where_it_prints_whole() {
        // One page wide: over the whole table.
        assert_eq!(heading_span(&[10.0; 5], (0, 1), Paper::A3, MEETING_SCALE, 200.0), (0, 4));
        // Several: inside the repeated key columns when it fits there …
        let wide = [8.0, 12.0, 30.0, 40.0, 40.0, 40.0, 40.0, 40.0];
        assert_eq!(heading_span(&wide, (0, 2), Paper::A3, MEETING_SCALE, 45.0), (0, 2));
        // … else over the rest of page one, never past its edge.
        let (a, b) = heading_span(&wide, (0, 2), Paper::A3, MEETING_SCALE, 80.0);
        assert_eq!(a, 3);
        let (_, scale) = pages_wide(&wide, (0, 2), Paper::A3, MEETING_SCALE);
        let room = Paper::A3.printable_pt() / PT_PER_WIDTH / (f64::from(scale) / 100.0);
        assert!(wide[..=b as usize].iter().sum::<f64>() <= room);
        assert_eq!(text_units("任务分解表", 16.0), 5.0 * 16.0 / PT_PER_WIDTH);
    }

    #[test]
    fn safe_text() {
        assert_eq!(safe("a\u{FFFE}b\u{1}c\nd"), "abc\nd");
        assert_eq!(safe("=cmd|' /C calc'!A0"), "=cmd|' /C calc'!A0");
    }
}
