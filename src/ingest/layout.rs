//! Finding the table in a sheet: the header row by content (SPEC §2), two-row headers, the
//! metadata row above it, merged cells, and which rows are tasks at all.

use std::collections::BTreeMap;

use calamine::Dimensions;
use chrono::NaiveDate;

use super::{Limits, Raw};
use crate::fields::{match_header, squash, Field, HeaderMatch};
use crate::values::{find_date, find_year_month};

/// The header is looked for in the first 15 rows; one more row may hold sub-headers.
pub const HEAD_ROWS: u32 = 15;
/// A header row names at least this many known columns.
const MIN_HEADER_MATCHES: usize = 3;

#[derive(Debug, Clone)]
pub struct Column {
    /// 0-based sheet column.
    pub col: u32,
    /// The header as the unit wrote it (sub-header in a two-row header).
    pub header: String,
    pub field: Option<Field>,
    /// A hint in brackets, e.g. the uom in `目标值（万亩）`.
    pub hint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Duplicate {
    pub field: Field,
    pub first: String,
    pub again: String,
    pub col: u32,
}

#[derive(Debug, Clone)]
pub struct Layout {
    /// 0-based row of the (first) header row.
    pub header_row: u32,
    pub header_rows: u32,
    pub data_start: u32,
    pub columns: Vec<Column>,
    pub duplicates: Vec<Duplicate>,
}

impl Layout {
    pub fn slot(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| c.field == Some(field))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Meta {
    /// What 填报单位 says, as written.
    pub unit: Option<String>,
    pub period: Option<(i32, u32)>,
    pub period_text: Option<String>,
    pub reported_on: Option<NaiveDate>,
    /// 填报人 and 联系电话 of the metadata row: whom to call when the next form is late (催报).
    pub reporter: Option<String>,
    pub phone: Option<String>,
}

/// A data row: 0-based sheet row, cells parallel to `Layout::columns`.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub row: u32,
    pub cells: Vec<Raw>,
}

/// Receives a sheet's cells in stream order and keeps only what the table needs.
pub struct Scan<'a> {
    limits: &'a Limits,
    head: BTreeMap<u32, BTreeMap<u32, Raw>>,
    /// `None` undecided; `Some(None)` not a table.
    layout: Option<Option<Layout>>,
    col_slot: Vec<Option<usize>>,
    rows: Vec<RawRow>,
    visited: u64,
    pub over_limit: Option<String>,
    /// Cells whose text was cut to Excel's limit, wherever they are in the sheet.
    pub truncated: Vec<Truncated>,
}

/// A cell whose text was longer than a cell can hold (0-based position, characters it had).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Truncated {
    pub row: u32,
    pub col: u32,
    pub chars: usize,
}

impl<'a> Scan<'a> {
    pub fn new(limits: &'a Limits) -> Self {
        Scan { limits, head: BTreeMap::new(), layout: None, col_slot: Vec::new(), rows: Vec::new(), visited: 0, over_limit: None, truncated: Vec::new() }
    }

    /// Take one cell; `false` means stop reading this sheet.
    pub fn push(&mut self, row: u32, col: u32, raw: Raw) -> bool {
        self.visited += 1;
        if self.visited > self.limits.max_cells {
            self.over_limit = Some(format!("的单元格超过 {} 个（超出读取上限）", self.limits.max_cells));
            return false;
        }
        if row >= self.limits.max_rows || col >= self.limits.max_cols || raw.is_empty() {
            return true;
        }
        let raw = match raw {
            Raw::Text(s) if s.len() > self.limits.max_cell_chars => match crate::excel::clamp_text(&s, self.limits.max_cell_chars) {
                std::borrow::Cow::Owned(cut) => {
                    self.truncated.push(Truncated { row, col, chars: s.chars().count() });
                    Raw::Text(cut)
                }
                std::borrow::Cow::Borrowed(_) => Raw::Text(s),
            },
            r => r,
        };
        match &self.layout {
            None if row <= HEAD_ROWS => {
                self.head.entry(row).or_default().insert(col, raw);
                return true;
            }
            None => {
                self.decide();
                if !matches!(self.layout, Some(Some(_))) {
                    return false;
                }
            }
            Some(None) => return false,
            Some(Some(_)) => {}
        }
        self.push_data(row, col, raw);
        true
    }

    fn push_data(&mut self, row: u32, col: u32, raw: Raw) {
        let Some(Some(layout)) = &self.layout else { return };
        if row < layout.data_start {
            return;
        }
        let Some(Some(slot)) = self.col_slot.get(col as usize).copied() else { return };
        let n = layout.columns.len();
        let idx = match self.rows.last() {
            Some(last) if last.row == row => self.rows.len() - 1,
            Some(last) if last.row > row => match self.rows.binary_search_by_key(&row, |r| r.row) {
                Ok(i) => i,
                Err(i) => {
                    self.rows.insert(i, RawRow { row, cells: vec![Raw::Empty; n] });
                    i
                }
            },
            _ => {
                if self.rows.len() as u32 >= self.limits.max_rows {
                    return;
                }
                self.rows.push(RawRow { row, cells: vec![Raw::Empty; n] });
                self.rows.len() - 1
            }
        };
        self.rows[idx].cells[slot] = raw;
    }

    fn decide(&mut self) {
        let layout = detect_header(&self.head);
        if let Some(l) = &layout {
            let max_col = l.columns.iter().map(|c| c.col).max().unwrap_or(0) as usize;
            self.col_slot = vec![None; max_col + 1];
            for (i, c) in l.columns.iter().enumerate() {
                self.col_slot[c.col as usize] = Some(i);
            }
        }
        self.layout = Some(layout);
        if let Some(Some(l)) = &self.layout {
            let start = l.data_start;
            let head = std::mem::take(&mut self.head);
            for (&r, cells) in head.range(start..) {
                for (&c, raw) in cells {
                    self.push_data(r, c, raw.clone());
                }
            }
            self.head = head;
        }
    }

    /// The table, if this sheet has one: merged cells applied, non-task rows dropped.
    pub fn finish(mut self, merges: &[Dimensions]) -> Option<(Layout, Meta, Vec<RawRow>)> {
        if self.layout.is_none() {
            self.decide();
        }
        let layout = self.layout.take()??;
        let meta = read_meta(&self.head, layout.header_row);
        let mut rows = std::mem::take(&mut self.rows);
        apply_merges(&mut rows, merges, &self.col_slot, layout.data_start);
        rows.retain(|r| is_task_row(r, &layout));
        Some((layout, meta, rows))
    }
}

fn text_of(raw: &Raw) -> Option<String> {
    match raw {
        Raw::Text(s) => Some(s.clone()),
        _ => None,
    }
}

/// A header cell: its column, its text, and the field it names (with its unit in brackets), if any.
type HeaderCell = (u32, String, Option<(HeaderMatch, Option<String>)>);

pub fn detect_header(head: &BTreeMap<u32, BTreeMap<u32, Raw>>) -> Option<Layout> {
    let matches_in = |r: u32| -> Vec<HeaderCell> {
        head.get(&r)
            .map(|cells| {
                cells
                    .iter()
                    .filter_map(|(&c, raw)| text_of(raw).map(|t| (c, t)))
                    .map(|(c, t)| {
                        let m = match_header(&t);
                        (c, t, m)
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    for r in 0..HEAD_ROWS {
        let main = matches_in(r);
        let mut distinct: Vec<String> = main
            .iter()
            .filter_map(|(_, _, m)| match m {
                Some((HeaderMatch::Field(f), _)) => Some(format!("{f:?}")),
                Some((HeaderMatch::BareUnit, _)) => Some("单位".into()),
                _ => None,
            })
            .collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < MIN_HEADER_MATCHES {
            continue;
        }
        let sub = matches_in(r + 1);
        let sub_fields = sub.iter().filter(|(_, _, m)| matches!(m, Some((HeaderMatch::Field(_), _)))).count();
        let has_group = main.iter().any(|(_, _, m)| matches!(m, Some((HeaderMatch::Group, _))));
        let two_rows = sub_fields >= 1 && (has_group || sub_fields >= 2);
        let mut cols: BTreeMap<u32, Column> = BTreeMap::new();
        let mut bare_units = Vec::new();
        for (c, text, m) in &main {
            let (field, hint) = match m {
                Some((HeaderMatch::Field(f), h)) => (Some(*f), h.clone()),
                Some((HeaderMatch::BareUnit, h)) => {
                    bare_units.push(*c);
                    (None, h.clone())
                }
                _ => (None, None),
            };
            cols.insert(*c, Column { col: *c, header: text.clone(), field, hint });
        }
        if two_rows {
            for (c, text, m) in &sub {
                let main_is_field = cols.get(c).is_some_and(|col| col.field.is_some());
                match m {
                    Some((HeaderMatch::Field(f), h)) => {
                        cols.insert(*c, Column { col: *c, header: text.clone(), field: Some(*f), hint: h.clone() });
                    }
                    _ if main_is_field => {}
                    _ => {
                        cols.insert(*c, Column { col: *c, header: text.clone(), field: None, hint: None });
                    }
                }
            }
        }
        // `单位` alone: 计量单位 next to a number column, otherwise 责任单位.
        for c in bare_units {
            let next_to_number = [c.wrapping_sub(1), c + 1].iter().any(|n| cols.get(n).and_then(|col| col.field).is_some_and(|f| f.is_number()));
            if let Some(col) = cols.get_mut(&c) {
                col.field = Some(if next_to_number { Field::Uom } else { Field::RespUnit });
            }
        }
        let mut columns: Vec<Column> = cols.into_values().collect();
        let mut duplicates = Vec::new();
        for i in 0..columns.len() {
            if let Some(f) = columns[i].field {
                if let Some(first) = columns[..i].iter().find(|c| c.field == Some(f)) {
                    duplicates.push(Duplicate { field: f, first: first.header.clone(), again: columns[i].header.clone(), col: columns[i].col });
                    columns[i].field = None;
                }
            }
        }
        let header_rows = if two_rows { 2 } else { 1 };
        return Some(Layout { header_row: r, header_rows, data_start: r + header_rows, columns, duplicates });
    }
    None
}

const META_LABELS: &[&str] =
    &["填报单位", "报送期次", "填报人", "联系电话", "报送日期", "填报日期", "截至", "截止", "审核人", "填表人", "单位负责人", "报送时间"];

/// The text after `label` up to the next label: `填报单位（盖章）：腾鳌镇  报送期次：…` → `腾鳌镇`.
fn after_label(text: &str, label: &str) -> Option<String> {
    let start = text.find(label)? + label.len();
    let mut rest = &text[start..];
    rest = rest.trim_start_matches("(盖章)").trim_start_matches([':', '：', ' ']);
    let end = META_LABELS.iter().filter_map(|l| rest.find(l)).min().unwrap_or(rest.len());
    let value = rest[..end].trim().to_string();
    if value.is_empty() {
        None
    } else {
        Some(value)
    }
}

fn read_meta(head: &BTreeMap<u32, BTreeMap<u32, Raw>>, header_row: u32) -> Meta {
    let mut meta = Meta::default();
    for cells in head.range(..header_row).map(|(_, c)| c) {
        for raw in cells.values() {
            let Some(t) = text_of(raw) else { continue };
            let t = squash(&t);
            if meta.unit.is_none() {
                meta.unit = after_label(&t, "填报单位");
            }
            if meta.period.is_none() {
                for label in ["报送期次", "截至", "截止"] {
                    if let Some(v) = after_label(&t, label) {
                        if let Some(ym) = find_year_month(&v) {
                            meta.period = Some(ym);
                            meta.period_text = Some(v);
                            break;
                        }
                    }
                }
            }
            if meta.reporter.is_none() {
                meta.reporter = after_label(&t, "填报人").or_else(|| after_label(&t, "填表人"));
            }
            if meta.phone.is_none() {
                meta.phone = after_label(&t, "联系电话");
            }
            if meta.reported_on.is_none() {
                for label in ["报送日期", "填报日期", "报送时间"] {
                    if let Some(d) = after_label(&t, label).and_then(|v| find_date(&v, 2000)) {
                        meta.reported_on = Some(d);
                    }
                }
            }
        }
    }
    meta
}

/// A merged region's value belongs to every cell it covers (牵头单位 merged down five rows).
fn apply_merges(rows: &mut [RawRow], merges: &[Dimensions], col_slot: &[Option<usize>], data_start: u32) {
    for m in merges {
        if m.start.0 < data_start || m.end.0 == m.start.0 && m.end.1 == m.start.1 {
            continue;
        }
        let Ok(top) = rows.binary_search_by_key(&m.start.0, |r| r.row) else { continue };
        let Some(Some(src_slot)) = col_slot.get(m.start.1 as usize).copied() else { continue };
        let value = rows[top].cells[src_slot].clone();
        if value.is_empty() {
            continue;
        }
        for row in rows[top..].iter_mut().take_while(|r| r.row <= m.end.0) {
            for c in m.start.1..=m.end.1.min(col_slot.len().saturating_sub(1) as u32) {
                if let Some(Some(slot)) = col_slot.get(c as usize).copied() {
                    if row.cells[slot].is_empty() {
                        row.cells[slot] = value.clone();
                    }
                }
            }
        }
    }
}

const FOOTER_STARTS: &[&str] = &["备注", "说明", "注:", "注1", "填报人", "审核人", "填表人", "负责人", "单位负责人", "制表", "(盖章)", "盖章", "报送日期"];
const CN_NUMERALS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn is_marker(text: &str) -> bool {
    let t = squash(text);
    if t == "注" || FOOTER_STARTS.iter().any(|s| t.starts_with(s)) {
        return true;
    }
    if t.contains("小计") || t.contains("合计") || t.contains("总计") {
        return true;
    }
    // 一、重要指标 / (四)集中力量开展重点攻坚
    CN_NUMERALS.iter().any(|n| t.starts_with(&format!("{n}、")) || t.starts_with(&format!("({n})")))
}

fn is_task_row(row: &RawRow, layout: &Layout) -> bool {
    let seq = layout.slot(Field::Seq);
    let non_empty: Vec<usize> = (0..row.cells.len()).filter(|&i| !row.cells[i].is_empty()).collect();
    if non_empty.is_empty() || non_empty.iter().all(|&i| Some(i) == seq) {
        return false;
    }
    let first = row.cells[non_empty[0]].display();
    let task_id = layout.slot(Field::TaskId).map(|i| row.cells[i].display()).unwrap_or_default();
    if (task_id.trim().is_empty() || squash(&task_id) == squash(&first)) && is_marker(&first) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> BTreeMap<u32, BTreeMap<u32, Raw>> {
        let mut g = BTreeMap::new();
        for (r, cells) in rows.iter().enumerate() {
            let mut m = BTreeMap::new();
            for (c, t) in cells.iter().enumerate() {
                if !t.is_empty() {
                    m.insert(c as u32, Raw::Text(t.to_string()));
                }
            }
            g.insert(r as u32, m);
        }
        g
    }

    #[test]
    fn two_row_header_with_groups() {
        let g = grid(&[
            &["海城市政府系统抓落实专项行动任务分解表"],
            &["填报单位（盖章）：腾鳌镇", "", "报送期次：2021年6月"],
            &["序号", "任务编号", "全年目标", "节点目标", "", "", "累计完成", "责任落实", "", ""],
            &["", "", "", "一季度", "二季度", "三季度", "", "责任领导", "责任科室", "责任人"],
        ]);
        let l = detect_header(&g).unwrap();
        assert_eq!((l.header_row, l.header_rows, l.data_start), (2, 2, 4));
        let fields: Vec<_> = l.columns.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            vec![
                Some(Field::Seq),
                Some(Field::TaskId),
                Some(Field::Target),
                Some(Field::Q1),
                Some(Field::Q2),
                Some(Field::Q3),
                Some(Field::Actual),
                Some(Field::Leader),
                Some(Field::Section),
                Some(Field::Person)
            ]
        );
        let meta = read_meta(&g, 2);
        assert_eq!(meta.unit.as_deref(), Some("腾鳌镇"));
        assert_eq!(meta.period, Some((2021, 6)));
    }

    #[test]
    fn bare_unit_and_duplicates() {
        let g = grid(&[&["任务编号", "全年目标", "单位", "完成时限", "时间节点", "单位"]]);
        let l = detect_header(&g).unwrap();
        assert_eq!(l.columns[2].field, Some(Field::Uom));
        assert_eq!(l.columns[5].field, Some(Field::RespUnit));
        assert_eq!(l.duplicates.len(), 1);
        assert_eq!(l.duplicates[0].field, Field::Deadline);
    }

    #[test]
    fn meta_in_one_cell() {
        let g = grid(&[&["填报单位：海城经济开发区\u{3000}\u{3000}报送期次：2021年6月\u{3000}填报人：王某"], &["任务编号", "重点任务", "状态"]]);
        let meta = read_meta(&g, 1);
        assert_eq!(meta.unit.as_deref(), Some("海城经济开发区"));
        assert_eq!(meta.period, Some((2021, 6)));
    }

    #[test]
    fn markers() {
        assert!(is_marker("一、重要指标"));
        assert!(is_marker("（四）集中力量开展重点攻坚"));
        assert!(is_marker("备注：1.累计完成为1-6月累计数"));
        assert!(is_marker("合计"));
        assert!(!is_marker("4.1.2"));
    }
}
