//! 汇总表_<period>.xlsx: 任务汇总 (one row per master task) and 明细 (every row with provenance),
//! both from the consolidated DataFrame.

use std::path::Path;

use anyhow::Result;
use polars::prelude::{DataFrame, DataType};

use super::style::{num_format, write_table, ColSpec, Paper, Styles, TableSheet, Val};
use super::{new_workbook, save_atomic};
use crate::consolidate::{col, Consolidated};
use crate::fields::Field;
use crate::plan::{Kind, Plan};
use crate::validate::Period;

pub const TASKS_SHEET: &str = "任务汇总";
pub const DETAIL_SHEET: &str = "明细";

pub fn write_summary(path: &Path, plan: &Plan, period: Period, cons: &Consolidated) -> Result<()> {
    let title = format!("{}政府系统抓落实专项行动任务汇总表", plan.city);
    let mut wb = new_workbook(&title, period);
    let st = Styles::new();
    let as_of = format!("截至{}", period.end().format("%Y年%-m月%-d日"));

    let columns = vec![
        ColSpec::new("任务编号", 9.0),
        ColSpec::new("工作方面", 13.0),
        ColSpec::wrap("重点任务", 40.0),
        ColSpec::new("牵头单位", 12.0),
        ColSpec::new("计量单位", 9.0),
        ColSpec::new("类型", 10.0),
        ColSpec::new("全年目标", 10.0),
        ColSpec::new("力争目标", 10.0),
        ColSpec::new("累计完成", 10.0),
        ColSpec::new("完成率", 8.0),
        ColSpec::new("报送单位数", 8.0),
        ColSpec::new("应报单位数", 8.0),
        ColSpec::wrap("已报送单位", 30.0),
        ColSpec::wrap("未报送单位", 30.0),
    ];
    let mut rows = Vec::new();
    for (t, s) in plan.tasks.iter().zip(&cons.tasks) {
        let uom = t.uom.clone().unwrap_or_default();
        let fmt = num_format(&uom);
        let rate = match (t.kind, s.actual, t.target) {
            (Kind::Count | Kind::Stretch | Kind::LowerBound, Some(a), Some(tg)) if tg > 0.0 => Val::Pct(a / tg),
            _ => Val::Empty,
        };
        let missing: Vec<&str> = t.units.iter().map(|a| a.unit.as_str()).filter(|u| !s.reporters.iter().any(|r| r == u)).collect();
        rows.push(vec![
            Val::text(&t.id),
            Val::text(&t.area),
            Val::text(&t.name),
            Val::text(&t.lead_unit),
            Val::text(&uom),
            Val::text(t.kind.label()),
            Val::num(t.target, fmt),
            Val::num(t.stretch, fmt),
            Val::num(s.actual, fmt),
            rate,
            Val::Num(s.units_reporting as f64, "0"),
            Val::Num(s.units_expected as f64, "0"),
            Val::text(s.reporters.join("、")),
            Val::text(missing.join("、")),
        ]);
    }
    write_table(
        &mut wb,
        &st,
        &TableSheet {
            name: TASKS_SHEET,
            title: title.clone(),
            subtitle: Some(format!("{as_of}　　累计完成：数量、金额类为各单位合计；增速、比率类取牵头单位报送值")),
            columns,
            rows,
            paper: Paper::A3,
        },
    )?;

    let (columns, rows) = detail_table(&cons.detail)?;
    write_table(
        &mut wb,
        &st,
        &TableSheet {
            name: DETAIL_SHEET,
            title: format!("{}政府系统抓落实专项行动任务明细表", plan.city),
            subtitle: Some(format!("{as_of}　　每行注明来源文件、工作表和行号；数值已换算为市级任务清单的计量单位")),
            columns,
            rows,
            paper: Paper::A3,
        },
    )?;
    save_atomic(&mut wb, path)
}

/// The detail frame as a table: every column but the internal flag, figures as numbers.
fn detail_table(df: &DataFrame) -> Result<(Vec<ColSpec>, Vec<Vec<Val>>)> {
    let mut specs = Vec::new();
    let mut cols: Vec<Vec<Val>> = Vec::new();
    for c in df.columns() {
        let name = c.name().to_string();
        if name == col::COUNTED {
            continue;
        }
        let s = c.as_materialized_series();
        let vals: Vec<Val> = match s.dtype() {
            DataType::String => s.str()?.iter().map(|v| Val::text(v.unwrap_or_default())).collect(),
            _ => {
                let f = s.cast(&DataType::Float64)?;
                let is_rate = name == Field::Rate.header();
                f.f64()?
                    .iter()
                    .map(|v| match v {
                        Some(x) if is_rate => Val::Pct(x / 100.0),
                        Some(x) => Val::Num(x, "General"),
                        None => Val::Empty,
                    })
                    .collect()
            }
        };
        let long = [Field::Task, Field::Measures, Field::Progress, Field::Problems, Field::NextSteps].iter().any(|f| f.header() == name);
        specs.push(if long { ColSpec::wrap(name, 40.0) } else { ColSpec::new(name, 24.0) });
        cols.push(vals);
    }
    let n = df.height();
    let rows = (0..n).map(|i| cols.iter().map(|c| c[i].clone()).collect()).collect();
    Ok((specs, rows))
}
