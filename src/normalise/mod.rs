//! Normalise: raw cells → typed task rows in the master list's units, and the unit identified.
//! Findings about values that cannot be read (C02, C03, C04, C06, C07, C08, L09) are made here,
//! at the cell, because only here is the raw value still at hand.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

mod lower;

pub use lower::{read_lower, LowerRow, COLUMNS as LOWER_COLUMNS, SHEET as LOWER_SHEET};

use crate::fields::{is_invisible, squash, Field, N_FIELDS};
use crate::finding::{Finding, Rule};
use crate::ingest::{Format, Raw, Table};
use crate::plan::{Plan, Task};
use crate::values::{
    clean_text, convert, fmt_num, number_in_date_column, parse_deadline_text, parse_number_text, parse_status, DeadlineValue, NumberAsDate, Status,
};

/// One task row of one submission, in the master list's units of measure.
#[derive(Debug, Clone)]
pub struct TaskRow {
    /// 0-based sheet row.
    pub row: u32,
    /// Display text of every field (after merged cells and ditto marks), end to end; `get` cuts
    /// one out. One allocation per row instead of one per cell: a province has 200,000 rows.
    text: Box<str>,
    /// Where each field's text ends in `text`.
    ends: [u32; N_FIELDS],
    pub target: Option<f64>,
    pub nodes: [Option<f64>; 3],
    pub actual: Option<f64>,
    /// Stated completion rate, in percent points.
    pub rate: Option<f64>,
    pub deadline: Option<DeadlineValue>,
    pub status: Option<Status>,
    /// Figures are in the master list's uom (false after an L09).
    pub uom_ok: bool,
    /// Values of columns luoshi does not know, parallel to `Submission::extra_headers`.
    pub extras: Vec<String>,
    /// 累计完成 of the same unit and task last period (`--previous`).
    pub previous: Option<f64>,
    /// A second row for a task already in this sheet (L02): kept in the 明细, never counted.
    pub duplicate: bool,
    /// The list's number the row is counted under when the written one is in no list but the
    /// words are a task's, word for word (4.5.9 beside 4.5.3's name; L01 says so). The written
    /// number stays in `get(Field::TaskId)`, as the unit's form shows it.
    pub read_as: Option<Box<str>>,
}

impl TaskRow {
    pub fn get(&self, f: Field) -> &str {
        let i = f.index();
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }
    /// 累计完成 was written but cannot be used: not a number (C02, C06, C10) or in a uom that
    /// does not convert (L09). Such a row is not summed, lights 灰 (无数据), and is not 已报.
    pub fn actual_unusable(&self) -> bool {
        !self.uom_ok || (self.actual.is_none() && !self.get(Field::Actual).trim().is_empty())
    }
    /// Whether the row counts: a first row for its task with a usable 累计完成 (or none written).
    pub fn usable(&self) -> bool {
        !self.duplicate && !self.actual_unusable()
    }
    /// The task the row counts for: the written number, or the one its words name (`read_as`).
    pub fn task_id(&self) -> &str {
        self.read_as.as_deref().unwrap_or_else(|| self.get(Field::TaskId))
    }
}

/// One unit's workbook for the period, read and normalised.
#[derive(Debug, Clone)]
pub struct Submission {
    pub file: String,
    pub path: PathBuf,
    pub format: Format,
    pub sheet: String,
    /// Canonical roster name, when identified.
    pub unit: Option<String>,
    pub period: Option<(i32, u32)>,
    pub period_text: Option<String>,
    pub reported_on: Option<NaiveDate>,
    /// 填报人 and 联系电话 as the metadata row gives them.
    pub reporter: Option<String>,
    pub reporter_phone: Option<String>,
    pub modified: Option<String>,
    /// 0-based sheet column of each field, when present.
    pub cols: Vec<Option<u32>>,
    /// Header text as the unit wrote it, per field.
    pub headers: Vec<String>,
    pub extra_headers: Vec<String>,
    pub rows: Vec<TaskRow>,
    /// The newer file that replaces this one (F06).
    pub superseded_by: Option<String>,
    /// A level's return: the rows of its level below behind its figures (下级明细), as it sent them.
    pub lower: Vec<LowerRow>,
}

impl Submission {
    pub fn has(&self, f: Field) -> bool {
        self.cols[f.index()].is_some()
    }
    /// A finding located at this submission's cell for `field` on `row`.
    pub fn at(&self, code: Rule, msg: impl Into<String>, row: &TaskRow, field: Field) -> Finding {
        let mut f = Finding::new(code, msg).file(&self.file).sheet(&self.sheet).unit(self.unit.as_deref()).task(row.task_id());
        f = match self.cols[field.index()] {
            Some(col) => f.at(row.row, col, &self.headers[field.index()]),
            None => f.row(row.row),
        };
        let v = row.get(field);
        if !v.is_empty() {
            f = f.value(v);
        }
        f.field = Some(field);
        f
    }
    pub fn file_finding(&self, code: Rule, msg: impl Into<String>) -> Finding {
        Finding::new(code, msg).file(&self.file).sheet(&self.sheet).unit(self.unit.as_deref())
    }
}

/// What identifies the unit, in order (SPEC §2): 填报单位, the file name, the most common 责任单位.
/// Returns the roster name if any candidate is on the roster, and the first candidate as written.
pub fn identify_unit(plan: &Plan, meta_unit: Option<&str>, file_name: &str, resp_units: &[&str]) -> (Option<String>, Option<String>) {
    let mut candidates: Vec<String> = Vec::new();
    if let Some(u) = meta_unit {
        candidates.push(u.to_string());
    }
    // The file's own name, then the name of the .zip it came in (`西柳镇_2022-06.zip/表.xlsx`).
    let segments: Vec<&str> = file_name.rsplit(['/', '\\']).collect();
    let names = segments.first().into_iter().chain(segments.iter().skip(1).filter(|s| s.to_lowercase().ends_with(".zip")));
    for name in names {
        let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
        let cut = stem.find(['_', '-', '（', '(', ' ']).unwrap_or(stem.len());
        if cut > 0 {
            candidates.push(stem[..cut].to_string());
        }
    }
    // Count what was written first, then resolve each distinct value once.
    let mut written: HashMap<&str, usize> = HashMap::new();
    for r in resp_units {
        *written.entry(r).or_default() += 1;
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (r, n) in written {
        if let Some(first) = plan.roster.expand(r).into_iter().next() {
            *counts.entry(first).or_default() += n;
        }
    }
    let mut common: Vec<(String, usize)> = counts.into_iter().collect();
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if let Some((u, _)) = common.into_iter().next() {
        candidates.push(u);
    }
    let found = candidates.iter().find_map(|c| plan.roster.resolve(c)).map(str::to_string);
    (found, candidates.into_iter().next())
}

const DITTO: &[&str] = &["同上", "〃", "\"", "”", "″", "同左", "''", "“"];

fn is_ditto(raw: &Raw) -> bool {
    // Most cells have a character no ditto mark has: skip folding them.
    let could_be = |s: &str| s.chars().all(|c| c.is_whitespace() || is_invisible(c) || "同上左〃\"”″'“＂＇".contains(c));
    matches!(raw, Raw::Text(s) if s.len() <= 16 && could_be(s) && DITTO.contains(&squash(s).as_str()))
}

/// Turn a read table into a submission. `year` dates phrases such as `6月底`.
pub fn normalise(plan: &Plan, file: &str, path: PathBuf, table: Table, year: i32, findings: &mut Vec<Finding>) -> Submission {
    let layout = &table.layout;
    let mut cols = vec![None; N_FIELDS];
    let mut headers: Vec<String> = Field::all().map(|f| f.header().to_string()).collect();
    let mut hints: Vec<Option<String>> = vec![None; N_FIELDS];
    let mut extra_slots = Vec::new();
    let mut extra_headers = Vec::new();
    for (slot, c) in layout.columns.iter().enumerate() {
        match c.field {
            Some(f) => {
                cols[f.index()] = Some(c.col);
                headers[f.index()] = clean_text(&c.header).replace('\n', "");
                hints[f.index()] = c.hint.clone();
            }
            None => {
                extra_slots.push(slot);
                extra_headers.push(clean_text(&c.header).replace('\n', ""));
            }
        }
    }
    let slot_of: Vec<Option<usize>> = Field::all().map(|f| layout.slot(f)).collect();
    let resp_slot = slot_of[Field::RespUnit.index()];
    let resp: Vec<String> = resp_slot.map(|s| table.rows.iter().map(|r| r.cells[s].display()).collect()).unwrap_or_default();
    let resp_refs: Vec<&str> = resp.iter().map(String::as_str).collect();
    let (unit, _) = identify_unit(plan, table.meta.unit.as_deref(), file, &resp_refs);

    let mut sub = Submission {
        file: file.to_string(),
        path,
        format: table.format,
        sheet: table.sheet.clone(),
        unit,
        period: table.meta.period,
        period_text: table.meta.period_text.clone(),
        reported_on: table.meta.reported_on,
        reporter: table.meta.reporter.clone(),
        reporter_phone: table.meta.phone.clone(),
        modified: table.modified.clone(),
        cols,
        headers,
        extra_headers,
        rows: Vec::with_capacity(table.rows.len()),
        superseded_by: None,
        lower: Vec::new(),
    };
    if let Some(cells) = &table.lower {
        match read_lower(cells) {
            Ok(rows) => sub.lower = rows,
            Err(e) => findings.push(Finding::new(Rule::L16, e.to_string()).file(file).sheet(LOWER_SHEET).unit(sub.unit.as_deref())),
        }
    }

    // Text cut to what a cell holds: said where, whatever column it was in.
    for t in &table.truncated {
        let header = layout
            .columns
            .iter()
            .find(|c| c.col == t.col)
            .map(|c| clean_text(&c.header).replace('\n', ""))
            .unwrap_or_else(|| crate::finding::col_letters(t.col));
        let msg = format!("{header}有 {} 个字，超过 Excel 单元格上限 {} 字，只保留前面部分（末尾注明“已截断”）", t.chars, crate::excel::MAX_CELL_TEXT);
        let mut f = Finding::new(Rule::C09, msg).file(file).sheet(&sub.sheet).unit(sub.unit.as_deref()).at(t.row, t.col, &header);
        let task = slot_of[Field::TaskId.index()].and_then(|s| table.rows.iter().find(|r| r.row == t.row).map(|r| r.cells[s].display()));
        if let Some(task) = task.filter(|t| !t.trim().is_empty()) {
            f = f.task(&task);
        }
        findings.push(f);
    }
    // Ditto marks take the value above (C07), before anything is parsed: one pass in order.
    type Ditto = (Field, String, String);
    let mut rows: Vec<(u32, Vec<Raw>, Vec<Ditto>)> = Vec::with_capacity(table.rows.len());
    for raw_row in table.rows {
        let mut cells = raw_row.cells;
        let mut dittos = Vec::new();
        for f in Field::all() {
            let Some(slot) = slot_of[f.index()] else { continue };
            if is_ditto(&cells[slot]) {
                let mark = cells[slot].display();
                let above = rows.last().map(|(_, p, _)| p[slot].clone()).unwrap_or(Raw::Empty);
                dittos.push((f, mark, above.display()));
                cells[slot] = above;
            }
        }
        rows.push((raw_row.row, cells, dittos));
    }
    // Numbers written in the sheet: a slip is read as the task its words name only when the
    // sheet has no row of that task already.
    let written_ids: std::collections::HashSet<String> =
        slot_of[Field::TaskId.index()].map(|s| rows.iter().map(|(_, c, _)| clean_text(&c[s].display())).collect()).unwrap_or_default();
    // Then every row on its own, in parallel for a big sheet; order is kept.
    let judged: Vec<(TaskRow, Vec<Finding>)> = rows
        .into_par_iter()
        .with_min_len(256)
        .map(|(r, cells, dittos)| {
            let mut found = Vec::new();
            let mut text = String::new();
            let mut ends = [0u32; N_FIELDS];
            for f in Field::all() {
                if let Some(slot) = slot_of[f.index()] {
                    match &cells[slot] {
                        Raw::Empty => {}
                        Raw::Text(s) => text.push_str(&clean_text(s)),
                        Raw::Number(v) if f == Field::Phone => {
                            let _ = write!(text, "{v:.0}");
                        }
                        other => text.push_str(&clean_text(&other.display())),
                    }
                }
                ends[f.index()] = text.len() as u32;
            }
            let mut row = TaskRow {
                row: r,
                text: text.into_boxed_str(),
                ends,
                target: None,
                nodes: [None; 3],
                actual: None,
                rate: None,
                deadline: None,
                status: None,
                uom_ok: true,
                extras: extra_slots.iter().map(|&s| clean_text(&cells[s].display())).collect(),
                previous: None,
                duplicate: false,
                read_as: None,
            };
            let id = row.get(Field::TaskId);
            if !id.is_empty() && plan.task(id).is_none() {
                row.read_as = plan.task_worded(row.get(Field::Task)).filter(|t| !written_ids.contains(&t.id)).map(|t| t.id.as_str().into());
            }
            for (f, mark, filled) in dittos {
                let msg = if filled.is_empty() {
                    format!("{}写“{}”，但上一行没有可沿用的内容", sub.headers[f.index()], mark)
                } else {
                    format!("{}写“{}”，已按上一行填为“{}”", sub.headers[f.index()], mark, clean_text(&filled))
                };
                found.push(sub.at(Rule::C07, msg, &row, f).value(&mark));
            }
            let task = plan.task(row.task_id());
            read_values(&sub, &mut row, &cells, &slot_of, &hints, task, &plan.areas, year, &mut found);
            (row, found)
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for (mut row, mut found) in judged {
        findings.append(&mut found);
        let id = row.task_id();
        row.duplicate = !id.is_empty() && !seen.insert(id.to_string());
        sub.rows.push(row);
    }
    sub
}

/// A figure as written, before unit conversion.
struct Figure {
    value: f64,
    /// Unit written beside the figure (`85000万元`), if any.
    unit: Option<String>,
}

#[allow(clippy::too_many_arguments)]
fn read_values(
    sub: &Submission,
    row: &mut TaskRow,
    cells: &[Raw],
    slot_of: &[Option<usize>],
    hints: &[Option<String>],
    task: Option<&Task>,
    areas: &[String],
    year: i32,
    findings: &mut Vec<Finding>,
) {
    let cell = |f: Field| slot_of[f.index()].map(|s| &cells[s]);
    // Formula errors anywhere in the row.
    for f in Field::all() {
        if let Some(Raw::Error(e)) = cell(f) {
            let msg = format!("{}的公式结果是错误值 {}", sub.headers[f.index()], e);
            findings.push(sub.at(Rule::C06, msg, row, f).value(e));
        }
    }
    let master_uom = task.and_then(|t| t.uom.clone());
    let row_uom = {
        let u = row.get(Field::Uom).to_string();
        if u.is_empty() {
            hints[Field::Target.index()].clone().or_else(|| hints[Field::Actual.index()].clone()).or(master_uom.clone())
        } else {
            Some(u)
        }
    };
    // L09: the row's uom cannot be converted to the master's.
    if let (Some(m), Some(r)) = (&master_uom, &row_uom) {
        if convert(1.0, r, m).is_none() && !row.get(Field::Uom).is_empty() {
            row.uom_ok = false;
            let msg = format!("计量单位写“{}”，任务清单为“{}”，无法换算", r, m);
            findings.push(sub.at(Rule::L09, msg, row, Field::Uom));
        }
    }
    for f in [Field::Target, Field::Q1, Field::Q2, Field::Q3, Field::Actual, Field::Rate] {
        let Some(raw) = cell(f) else { continue };
        let header = &sub.headers[f.index()];
        let figure = match raw {
            Raw::Empty | Raw::Error(_) => None,
            Raw::Number(v) if f == Field::Rate && v.abs() <= 1.5 => Some(Figure { value: v * 100.0, unit: None }),
            Raw::Number(v) => Some(Figure { value: *v, unit: None }),
            Raw::Percent(v) => Some(Figure { value: v * 100.0, unit: None }),
            Raw::Text(s) => match parse_number_text(s) {
                Some(t) => Some(Figure { value: t.value, unit: t.unit }),
                None => {
                    let msg = format!("{}不是数字：{}", header, clean_text(s));
                    findings.push(sub.at(Rule::C02, msg, row, f));
                    None
                }
            },
            other => {
                let msg = format!("{}不是数字：{}", header, other.display());
                findings.push(sub.at(Rule::C02, msg, row, f));
                None
            }
        };
        let Some(fig) = figure else { continue };
        if !crate::excel::number_fits(fig.value) {
            let msg = format!("{}写“{}”，超出 Excel 能保存的数值范围（绝对值不超过 1e308），未采用", header, raw.display());
            findings.push(sub.at(Rule::C10, msg, row, f));
            continue;
        }
        let value = if f == Field::Rate { Some(fig.value) } else { to_master_uom(sub, row, f, fig, row_uom.as_deref(), master_uom.as_deref(), findings) };
        match f {
            Field::Target => row.target = value,
            Field::Q1 => row.nodes[0] = value,
            Field::Q2 => row.nodes[1] = value,
            Field::Q3 => row.nodes[2] = value,
            Field::Actual => row.actual = value,
            _ => row.rate = value,
        }
    }
    if let Some(raw) = cell(Field::Deadline) {
        let header = &sub.headers[Field::Deadline.index()];
        row.deadline = match raw {
            Raw::Empty | Raw::Error(_) => None,
            Raw::Date(d) => Some(DeadlineValue::Date(*d)),
            Raw::Number(v) => match number_in_date_column(*v) {
                NumberAsDate::Serial(d) => Some(DeadlineValue::Date(d)),
                NumberAsDate::LooksMistyped => {
                    let msg = format!("{}是数字 {}，疑似日期被 Excel 转成了数字（如 6.30 变成 6.3），请改写为 {}-06-30 这样的日期", header, fmt_num(*v), year);
                    findings.push(sub.at(Rule::C08, msg, row, Field::Deadline));
                    None
                }
                NumberAsDate::Nonsense => {
                    findings.push(sub.at(Rule::C03, format!("{}不是日期：{}", header, fmt_num(*v)), row, Field::Deadline));
                    None
                }
            },
            Raw::Text(s) => match parse_deadline_text(s, year) {
                Some(d) => Some(d),
                None => {
                    let msg = format!("{}写“{}”，不是日期，也不是规定的时限用语（如 年底前、长期坚持）", header, clean_text(s));
                    findings.push(sub.at(Rule::C03, msg, row, Field::Deadline));
                    None
                }
            },
            other => {
                findings.push(sub.at(Rule::C03, format!("{}不是日期：{}", header, other.display()), row, Field::Deadline));
                None
            }
        };
        if let Some(DeadlineValue::Date(d)) = row.deadline.filter(|d| d.date().is_some_and(|d| !crate::excel::date_fits(d))) {
            let msg = format!("{}是 {}-{:02}-{:02}，超出 Excel 能保存的日期范围（1900年至9999年），未采用", header, d.year(), d.month(), d.day());
            findings.push(sub.at(Rule::C11, msg, row, Field::Deadline));
            row.deadline = None;
        }
    }
    let status = row.get(Field::Status).to_string();
    if !status.is_empty() && !matches!(cell(Field::Status), Some(Raw::Error(_))) {
        row.status = parse_status(&status);
        if row.status.is_none() {
            let msg = format!("状态写“{}”，不是允许的值（已完成、正常推进、滞后、未启动）", status);
            findings.push(sub.at(Rule::C04, msg, row, Field::Status));
        }
    }
    let area = row.get(Field::Area).to_string();
    if !area.is_empty() && !areas.iter().any(|a| squash(a) == squash(&area)) {
        let msg = format!("工作方面写“{}”，不是任务清单的工作方面之一（{}）", area, areas.join("、"));
        findings.push(sub.at(Rule::C04, msg, row, Field::Area));
    }
}

/// Convert a figure to the master uom: from the unit written beside it, else the row's 计量单位.
fn to_master_uom(
    sub: &Submission,
    row: &mut TaskRow,
    f: Field,
    fig: Figure,
    row_uom: Option<&str>,
    master_uom: Option<&str>,
    findings: &mut Vec<Finding>,
) -> Option<f64> {
    let Some(master) = master_uom else { return Some(fig.value) };
    let from = fig.unit.as_deref().or(row_uom).unwrap_or(master);
    match convert(fig.value, from, master) {
        Some(v) => Some(v),
        None if fig.unit.is_some() => {
            row.uom_ok = false;
            let msg = format!("{}写“{}”，单位“{}”与任务清单的“{}”不同，无法换算", sub.headers[f.index()], row.get(f), from, master);
            findings.push(sub.at(Rule::L09, msg, row, f));
            None
        }
        // The row's own uom is unconvertible: already reported once (L09 at 计量单位).
        None => Some(fig.value),
    }
}
