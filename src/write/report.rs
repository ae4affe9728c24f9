//! 校验报告_<period>.xlsx: 总览 (per unit: submitted, rows, errors, warnings; the plan's three
//! coverages), 问题清单 (every finding, sorted by unit then severity, with how to fix it),
//! 文件清单 (every input file and what became of it) and 未报送单位.

use std::path::Path;

use anyhow::Result;

use super::style::{severity_fill, write_table, ColSpec, Paper, Styles, TableSheet, Val, ERROR_FILL};
use super::{new_output_workbook, save_atomic};
use crate::batch::Batch;
use crate::finding::Rule;
use crate::plan::Plan;
use crate::write::returns::units_to_return;

pub const OVERVIEW_SHEET: &str = "总览";
pub const FINDINGS_SHEET: &str = "问题清单";
pub const FILES_SHEET: &str = "文件清单";
pub const MISSING_SHEET: &str = "未报送单位";

pub fn write_report(path: &Path, plan: &Plan, batch: &Batch) -> Result<()> {
    let (period, findings, files) = (batch.period, &batch.findings[..], &batch.files[..]);
    let title = format!("{}报送校验报告", plan.title);
    let mut wb = new_output_workbook(&title, period);
    let st = Styles::new();
    overview(&mut wb, &st, plan, batch, &title)?;
    let counts = crate::finding::Counts::of(findings);
    let subtitle =
        format!("报送期次：{}　　文件{}个　　错误{}条　警告{}条　提示{}条", period.chinese(), files.len(), counts.errors, counts.warnings, counts.infos);
    let columns = vec![
        ColSpec::new("单位", 14.0),
        ColSpec::new("级别", 6.0),
        ColSpec::new("规则", 6.0),
        ColSpec::new("问题类型", 18.0),
        ColSpec::wrap("问题说明", 50.0),
        ColSpec::wrap("修改建议", 36.0),
        ColSpec::new("文件", 30.0),
        ColSpec::new("工作表", 12.0),
        ColSpec::new("单元格", 7.0),
        ColSpec::new("任务编号", 9.0),
        ColSpec::new("列", 10.0),
        ColSpec::wrap("填写内容", 24.0),
    ];
    let ordered = crate::finding::sorted(findings);
    let rows: Vec<Vec<Val>> = ordered
        .iter()
        .map(|f| {
            let def = f.def();
            let fill = severity_fill(f.severity);
            vec![
                Val::text(f.unit.clone().unwrap_or_else(|| format!("（{}）", plan.scope))),
                Val::Fill(f.severity.label().into(), fill),
                Val::text(f.rule.code()),
                Val::text(def.title),
                Val::text(&f.message),
                Val::text(f.fix()),
                Val::text(f.file.clone().unwrap_or_default()),
                Val::text(f.sheet.clone().unwrap_or_default()),
                Val::text(f.cell.clone().unwrap_or_default()),
                Val::text(f.task_id.clone().unwrap_or_default()),
                Val::text(f.column.clone().unwrap_or_default()),
                Val::text(f.value.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let table = TableSheet { name: FINDINGS_SHEET, title: title.clone(), subtitle: Some(subtitle), columns, rows: rows.into(), paper: Paper::A3 };
    write_table(&mut wb, &st, &table)?;

    let rows: Vec<Vec<Val>> = files
        .iter()
        .map(|l| {
            vec![
                Val::text(&l.file),
                Val::text(&l.unit),
                Val::text(l.state.label()),
                Val::text(&l.sheet),
                Val::Num(l.rows as f64, "0"),
                Val::Num(l.errors as f64, "0"),
                Val::Num(l.warnings as f64, "0"),
            ]
        })
        .chain(
            batch
                .skipped
                .iter()
                .map(|(file, why)| vec![Val::text(file), Val::Empty, Val::text(format!("已跳过：{why}")), Val::Empty, Val::Empty, Val::Empty, Val::Empty]),
        )
        .collect();
    write_table(
        &mut wb,
        &st,
        &TableSheet {
            name: FILES_SHEET,
            title: "报送文件清单".into(),
            subtitle: Some(format!("报送期次：{}　　共{}个文件（另跳过{}个）", period.chinese(), files.len(), batch.skipped.len())),
            columns: vec![
                ColSpec::new("文件", 40.0),
                ColSpec::new("单位", 14.0),
                ColSpec::new("处理结果", 24.0),
                ColSpec::new("工作表", 14.0),
                ColSpec::new("任务行数", 8.0),
                ColSpec::new("错误", 6.0),
                ColSpec::new("警告", 6.0),
            ],
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;

    let missing: Vec<Vec<Val>> = findings
        .iter()
        .filter(|f| f.rule == Rule::V01)
        .filter_map(|f| f.unit.clone())
        .map(|u| {
            let owed: Vec<String> = plan.tasks_of(&u).iter().map(|t| format!("{} {}", t.id, crate::consolidate::short_name(t))).collect();
            vec![Val::text(plan.roster.group_of(&u).label()), Val::text(&u), Val::Num(owed.len() as f64, "0"), Val::text(owed.join("\n"))]
        })
        .collect();
    write_table(
        &mut wb,
        &st,
        &TableSheet {
            name: MISSING_SHEET,
            title: "未报送单位".into(),
            subtitle: Some(format!("报送期次：{}　　共{}个单位未报送", period.chinese(), missing.len())),
            columns: vec![ColSpec::new("类别", 12.0), ColSpec::new("单位", 20.0), ColSpec::new("应报任务数", 10.0), ColSpec::wrap("应报任务", 40.0)],
            rows: missing.into(),
            paper: Paper::A4,
        },
    )?;
    save_atomic(&mut wb, path)
}

fn overview(wb: &mut rust_xlsxwriter::Workbook, st: &Styles, plan: &Plan, batch: &Batch, title: &str) -> Result<()> {
    let returned: std::collections::HashSet<String> = units_to_return(plan, &batch.findings).into_iter().collect();
    let mut units: Vec<&crate::consolidate::UnitSummary> = batch.consolidated.units.iter().collect();
    units.sort_by(|a, b| a.group.cmp(&b.group));
    // Grouped once, not searched once per unit: a province has a thousand units.
    let per_unit = crate::finding::Counts::per(&batch.findings, |f| f.unit.as_deref());
    let mut files_of: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
    for l in &batch.files {
        files_of.entry(l.unit.as_str()).or_default().push(l.file.as_str());
    }
    let mut rows: Vec<Vec<Val>> = units
        .iter()
        .map(|u| {
            let c = per_unit.get(u.unit.as_str()).copied().unwrap_or_default();
            let files = files_of.get(u.unit.as_str()).cloned().unwrap_or_default();
            let state = if u.submitted {
                Val::text("已报送")
            } else if !files.is_empty() {
                Val::Fill("文件无法使用".into(), ERROR_FILL)
            } else {
                Val::Fill("未报送".into(), ERROR_FILL)
            };
            vec![
                Val::text(u.group.label()),
                Val::text(&u.unit),
                state,
                Val::text(files.join("\n")),
                // The rows the unit sent (the terminal's and 文件清单's 任务行数), and the tasks it owes.
                Val::Num((u.tasks - u.not_reported) as f64, "0"),
                Val::Num(u.not_reported as f64, "0"),
                Val::Num(c.errors as f64, "0"),
                Val::Num(c.warnings as f64, "0"),
                Val::text(if returned.contains(&u.unit) { "是" } else { "" }),
            ]
        })
        .collect();
    rows.push(vec![Val::Empty; 9]);
    for cov in &batch.consolidated.coverage {
        let missing = if cov.missing.is_empty() { "无".to_string() } else { format!("缺：{}", cov.missing.join("、")) };
        rows.push(vec![
            Val::text(cov.name),
            Val::text(format!("{:.1}%", cov.percent())),
            Val::text(format!("{}/{}", cov.covered, cov.total)),
            Val::text(missing),
            Val::Empty,
            Val::Empty,
            Val::Empty,
            Val::Empty,
            Val::Empty,
        ]);
    }
    let c = crate::finding::Counts::of(&batch.findings);
    write_table(
        wb,
        st,
        &TableSheet {
            name: OVERVIEW_SHEET,
            title: title.to_string(),
            subtitle: Some(format!(
                "报送期次：{}　　应报{}个单位　　错误{}条　警告{}条　　退回{}个单位（见“退回”文件夹）",
                batch.period.chinese(),
                plan.expected_units().len(),
                c.errors,
                c.warnings,
                returned.len()
            )),
            columns: vec![
                ColSpec::new("类别", 10.0),
                ColSpec::new("单位", 16.0),
                ColSpec::new("报送情况", 12.0),
                ColSpec::wrap("文件", 44.0),
                ColSpec::new("任务行数", 8.0),
                ColSpec::new("未报任务", 8.0),
                ColSpec::new("错误", 6.0),
                ColSpec::new("警告", 6.0),
                ColSpec::new("退回", 6.0),
            ],
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;
    Ok(())
}
