//! 退回/<单位>.xlsx: what goes back to a unit — a 退回意见 sheet listing every problem (file-level
//! first) with how to fix it, and its 任务分解表 in the standard layout with each problem cell
//! filled (red for errors, yellow for warnings) and a note saying what is wrong. A unit whose file
//! could not be used gets its pre-filled blank form instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;
use rust_xlsxwriter::Note;

use super::form::{column, prefilled_rows, submitted_rows, write_form, FIRST_DATA_ROW};
use super::style::{safe, severity_fill, write_table, ColSpec, Paper, Styles, TableSheet, Val};
use super::{new_workbook, save_atomic};
use crate::batch::Batch;
use crate::fields::{Field, STANDARD_COLUMNS};
use crate::finding::{cell_ref, Finding, Rule};
use crate::normalise::Submission;
use crate::period::Period;
use crate::plan::Plan;

pub const NOTICE_SHEET: &str = "退回意见";

/// A file name from a roster name, safe on every system: no separators, no reserved device names.
pub fn safe_file_stem(name: &str) -> String {
    let mut s: String =
        name.chars().map(|c| if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c }).collect();
    s = s.trim_matches(|c: char| c == '.' || c.is_whitespace()).to_string();
    let upper = s.to_ascii_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL"].contains(&upper.as_str())
        || (upper.len() == 4 && (upper.starts_with("COM") || upper.starts_with("LPT")) && upper.as_bytes()[3].is_ascii_digit());
    if s.is_empty() || reserved {
        s = format!("_{s}");
    }
    s.chars().take(80).collect()
}

/// File stems for `names`, in order, each distinct: two names that make the same stem
/// (`市委办/市政府办` and `市委办_市政府办`, or two long names alike in their first 80
/// characters; compared ignoring case, as Windows does) get `_2`, `_3`… so no file replaces another.
pub fn unique_file_stems<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used = std::collections::HashSet::new();
    names
        .into_iter()
        .map(|n| {
            let stem = safe_file_stem(n);
            let mut k = 1;
            let mut s = stem.clone();
            while !used.insert(s.to_lowercase()) {
                k += 1;
                s = format!("{stem}_{k}");
            }
            s
        })
        .collect()
}

pub use crate::batch::units_to_return;

/// The folder of the 退回 files inside a run's output folder.
pub const RETURNS_DIR: &str = "退回";

/// Each unit's return file, with whether it was written: one that fails does not stop the rest.
/// `place` says where each file goes (the output folder keeps what a clerk edited).
pub fn write_returns(dir: &Path, place: &(dyn Fn(&Path) -> PathBuf + Sync), plan: &Plan, batch: &Batch) -> Vec<(PathBuf, Result<()>)> {
    // Each unit's findings and submission found once, not searched for per unit.
    let mut findings_of: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in batch.findings.iter().filter(|f| f.rule != Rule::V01) {
        if let Some(u) = &f.unit {
            findings_of.entry(u.as_str()).or_default().push(f);
        }
    }
    let mut subs: HashMap<&str, &Submission> = HashMap::new();
    for s in batch.submissions.iter().filter(|s| s.superseded_by.is_none()) {
        if let Some(u) = &s.unit {
            subs.entry(u.as_str()).or_insert(s);
        }
    }
    let units = units_to_return(plan, &batch.findings);
    let stems = unique_file_stems(units.iter().map(String::as_str));
    units
        .par_iter()
        .zip(stems)
        .map(|(unit, stem)| {
            let path = place(&dir.join(format!("{stem}.xlsx")));
            let findings = findings_of.get(unit.as_str()).cloned().unwrap_or_default();
            let written = write_return(&path, plan, batch.period, unit, subs.get(unit.as_str()).copied(), findings);
            (path, written)
        })
        .collect()
}

fn write_return(path: &Path, plan: &Plan, period: Period, unit: &str, sub: Option<&Submission>, mut findings: Vec<&Finding>) -> Result<()> {
    // Errors before warnings; within each, file-level problems first, then by row.
    findings.sort_by_key(|f| (std::cmp::Reverse(f.severity), f.row.is_some(), f.row, f.cell.clone()));
    let rows = match sub {
        Some(s) => submitted_rows(s),
        None => prefilled_rows(plan, unit),
    };
    // Where each finding lands on the standard layout.
    let place = |f: &Finding| -> Option<(u32, u16)> {
        let s = sub?;
        if f.file.as_deref() != Some(s.file.as_str()) {
            return None;
        }
        let i = s.rows.iter().position(|r| Some(r.row + 1) == f.row)?;
        Some((FIRST_DATA_ROW + i as u32, column(f.field.unwrap_or(Field::TaskId))))
    };

    let mut wb = new_workbook(&format!("{unit}退回意见"), period);
    let st = Styles::new();
    let notice: Vec<Vec<Val>> = findings
        .iter()
        .enumerate()
        .map(|(n, f)| {
            // On paper a cell reference cannot be found: the task's number and the column's name.
            let at = match (place(f), &f.task_id, &f.column) {
                (Some(_), Some(id), Some(col)) => format!("任务{id}的“{col}”"),
                (Some((r, c)), _, _) => format!("第{}行“{}”", r + 1, f.column.clone().unwrap_or_else(|| cell_ref(r, c as u32))),
                (None, _, _) => "整个文件".to_string(),
            };
            let original = match (&f.file, &f.cell) {
                (Some(file), Some(cell)) => format!("{file} {cell}"),
                (Some(file), None) => file.clone(),
                _ => String::new(),
            };
            vec![
                Val::Num((n + 1) as f64, "0"),
                Val::Fill(f.severity.label().into(), severity_fill(f.severity)),
                Val::text(at),
                Val::text(&f.message),
                Val::text(f.fix()),
                Val::text(original),
            ]
        })
        .collect();
    let intro = match sub {
        Some(s) => format!("报送文件：{}。请按下列意见修改后，在“任务分解表”中更正（有问题的单元格已标色并加批注），重新报送。", s.file),
        None => "报送的文件无法使用。请在“任务分解表”（已预填本单位任务）中填写后重新报送。".to_string(),
    };
    write_table(
        &mut wb,
        &st,
        &TableSheet {
            name: NOTICE_SHEET,
            title: format!("{unit} {} 任务分解表退回意见", period.chinese()),
            subtitle: Some(intro),
            columns: vec![
                // One A4 page wide at 小五: the text wraps rather than spilling onto a second page.
                ColSpec::new("序号", 5.0),
                ColSpec::new("级别", 6.0),
                ColSpec::wrap("位置", 16.0),
                ColSpec::wrap("问题", 40.0),
                ColSpec::wrap("修改建议", 28.0),
                ColSpec::wrap("原文件位置", 20.0),
            ],
            rows: notice.into(),
            paper: Paper::A4,
        },
    )?;
    let ws = write_form(&mut wb, &st, &super::form::title(plan), unit, period, &rows)?;
    ws.set_default_note_author(&plan.office);
    let mut marked: Vec<(u32, u16)> = Vec::new();
    for f in &findings {
        let Some((r, c)) = place(f) else { continue };
        let text = format!("【{}】{}\n修改建议：{}", f.severity.label(), f.message, f.fix());
        if marked.contains(&(r, c)) {
            continue;
        }
        marked.push((r, c));
        let value = rows.get((r - FIRST_DATA_ROW) as usize).and_then(|row| row.get(c as usize)).cloned().unwrap_or(Val::Empty);
        let base = st.fill(&st.text, severity_fill(f.severity));
        match value {
            Val::Num(x, _) | Val::Pct(x) if !crate::excel::number_fits(x) => ws.write_string_with_format(r, c, super::style::unstorable_number(x), &base)?,
            Val::Num(x, _) => ws.write_number_with_format(r, c, x, &base)?,
            Val::Text(s) | Val::Fill(s, _) => ws.write_string_with_format(r, c, &*safe(&s), &base)?,
            Val::Pct(x) => ws.write_number_with_format(r, c, x, &base.set_num_format("0.0%"))?,
            Val::Empty => ws.write_blank(r, c, &base)?,
        };
        ws.insert_note(r, c, &Note::new(super::style::safe_note(&text)).set_width(320).set_height(120))?;
    }
    debug_assert!(rows.iter().all(|r| r.len() == STANDARD_COLUMNS));
    save_atomic(&mut wb, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_never_escape() {
        assert_eq!(safe_file_stem("../../../../tmp/x"), "_.._.._.._tmp_x");
        assert_eq!(safe_file_stem("CON"), "_CON");
        assert_eq!(safe_file_stem("com1"), "_com1");
        assert_eq!(safe_file_stem("a\\b"), "a_b");
        assert_eq!(safe_file_stem("腾鳌镇"), "腾鳌镇");
        assert_eq!(safe_file_stem(".."), "_");
    }

    #[test]
    fn two_units_never_share_a_file() {
        let long_a = format!("{}甲", "很长的单位名称".repeat(12));
        let long_b = format!("{}乙", "很长的单位名称".repeat(12));
        let stems = unique_file_stems(["市委办/市政府办", "市委办_市政府办", long_a.as_str(), long_b.as_str(), "CON", "con"]);
        assert_eq!(&stems[..2], ["市委办_市政府办", "市委办_市政府办_2"]);
        assert_eq!(stems[3], format!("{}_2", stems[2]));
        assert_eq!(&stems[4..], ["_CON", "_con_2"]);
        let distinct: std::collections::HashSet<String> = stems.iter().map(|s| s.to_lowercase()).collect();
        assert_eq!(distinct.len(), stems.len());
    }
}
