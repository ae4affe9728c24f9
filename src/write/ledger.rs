//! 台账_<year>.xlsx — the year so far, one column pair per period: 任务台账, 单位台账, 节点考核
//! (季推进), 预评估 (半年评估), 销号清单 and 趋势. The same sheets join the 汇总表 when a run found
//! earlier periods. Every figure is the one that period's 汇总表 showed (a `PeriodRecord`).

use std::path::Path;

use anyhow::Result;
use rust_xlsxwriter::{Chart, ChartFont, ChartFormat, ChartLine, ChartLineDashType, ChartType, Color, Workbook, XlsxError};

use super::style::{print_across, write_table, ColSpec, Paper, Styles, TableSheet, Val};
use super::{new_output_workbook, save_atomic};
use crate::ledger::{Ledger, Streak, QUARTERS};
use crate::lights::Light;
use crate::period::Period;
use crate::plan::{Plan, Task};

pub const TASK_LEDGER_SHEET: &str = "任务台账";
pub const UNIT_LEDGER_SHEET: &str = "单位台账";
pub const NODES_SHEET: &str = "节点考核";
pub const ASSESS_SHEET: &str = "预评估";
pub const CLOSED_SHEET: &str = "销号清单";
pub const TREND_SHEET: &str = "趋势";

/// Charts on the 趋势 sheet at most: a province's list has thousands of quantified tasks.
const MAX_CHARTS: usize = 40;

/// Rows a chart takes on the 趋势 sheet.
const CHART_ROWS: u32 = 13;

const DONE_FILL: u32 = 0xA9D08E;
const MISSED_FILL: u32 = 0xFF7C80;

/// The ledger on its own: `luoshi ledger`.
pub fn write_ledger(path: &Path, plan: &Plan, ledger: &Ledger) -> Result<()> {
    let period = ledger.current().unwrap_or(Period { year: ledger.year, month: 12 });
    let mut wb = new_output_workbook(&format!("{}工作台账（{}年）", plan.title, ledger.year), period);
    add_ledger_sheets(&mut wb, &Styles::new(), plan, ledger)?;
    save_atomic(&mut wb, path)
}

fn span(ledger: &Ledger) -> String {
    match (ledger.periods.first(), ledger.periods.last()) {
        (Some(a), Some(b)) if a != b => format!("{}至{}", a.chinese(), b.chinese()),
        (Some(a), _) => a.chinese(),
        _ => String::new(),
    }
}

fn month(p: Period) -> String {
    format!("{}月", p.month)
}

fn light_val(l: Light) -> Val {
    Val::Fill(l.short().to_string(), l.rgb())
}

/// 连续滞后, 连续红灯 and 督办措施 of a row: the ledger's and the 督办清单's last three columns.
pub fn streak_vals(s: &Streak) -> [Val; 3] {
    [Val::Num(s.lagging as f64, "0"), Val::Num(s.red as f64, "0"), Val::text(s.measure.clone().unwrap_or_default())]
}

fn period_columns(ledger: &Ledger) -> Vec<ColSpec> {
    ledger.periods.iter().flat_map(|p| [ColSpec::new(format!("{}\n累计完成", month(*p)), 11.0), ColSpec::new(format!("{}\n亮灯", month(*p)), 9.0)]).collect()
}

pub fn streak_columns() -> [ColSpec; 3] {
    [ColSpec::new("连续滞后\n（期）", 8.0), ColSpec::new("连续红灯\n（期）", 8.0), ColSpec::new("督办措施", 10.0)]
}

fn uom(t: Option<&Task>) -> String {
    t.and_then(|t| t.uom.clone()).unwrap_or_default()
}

/// Many periods make a wide sheet: two A3 pages wide, the task repeated on each.
fn print_wide(ws: &mut rust_xlsxwriter::Worksheet, ledger: &Ledger, repeat_last: u16) -> Result<(), XlsxError> {
    if ledger.periods.len() > 6 {
        print_across(ws, Paper::A3, 2, 2, 0, repeat_last)?;
    }
    Ok(())
}

/// The ledger's sheets, added to `wb` (the 台账 workbook or the 汇总表).
pub fn add_ledger_sheets(wb: &mut Workbook, st: &Styles, plan: &Plan, ledger: &Ledger) -> Result<()> {
    task_ledger(wb, st, plan, ledger)?;
    unit_ledger(wb, st, plan, ledger)?;
    nodes(wb, st, plan, ledger)?;
    assessment(wb, st, plan, ledger)?;
    closures(wb, st, plan, ledger)?;
    trend(wb, st, plan, ledger)?;
    Ok(())
}

/// 督办措施 by count, e.g. 约谈1、提醒督办2.
fn measures_line(counts: &[(String, usize)]) -> String {
    if counts.is_empty() {
        "无需升级督办".to_string()
    } else {
        counts.iter().map(|(m, n)| format!("{m}{n}")).collect::<Vec<_>>().join("、")
    }
}

/// Each period's 累计完成 and 亮灯 (`missing` where nothing was reported), then the streaks.
fn period_cells(marks: impl Iterator<Item = Option<(Option<f64>, Light)>>, uom: &str, missing: &Val, streak: &Streak) -> Vec<Val> {
    let mut cells = Vec::new();
    for m in marks {
        cells.push(Val::figure(m.and_then(|(actual, _)| actual), uom));
        cells.push(m.map(|(_, l)| light_val(l)).unwrap_or_else(|| missing.clone()));
    }
    cells.extend(streak_vals(streak));
    cells
}

/// A ledger table: `t`'s columns say which task it is, then one pair per period, the streaks.
fn ledger_table(wb: &mut Workbook, st: &Styles, ledger: &Ledger, mut t: TableSheet) -> Result<()> {
    t.columns.extend(period_columns(ledger));
    t.columns.extend(streak_columns());
    let ws = write_table(wb, st, &t)?;
    print_wide(ws, ledger, 1)?;
    Ok(())
}

fn task_ledger(wb: &mut Workbook, st: &Styles, plan: &Plan, ledger: &Ledger) -> Result<()> {
    let rows: Vec<Vec<Val>> = ledger
        .tasks
        .iter()
        .map(|line| {
            let task = plan.task(&line.id);
            let u = uom(task);
            let mut row = vec![
                Val::text(&line.id),
                Val::text(task.map(|t| t.name.clone()).unwrap_or_default()),
                Val::text(task.map(|t| t.lead_unit.clone()).unwrap_or_default()),
                Val::text(&u),
                Val::figure(task.and_then(|t| t.target), &u),
            ];
            row.extend(period_cells(line.marks.iter().map(|m| m.map(|m| (m.actual, m.light))), &u, &Val::Empty, &line.streak));
            // The task may be on track while a unit of it is at a higher step: said on the task's line.
            if line.streak.measure.is_none() {
                let unit_rows = ledger.rows.iter().filter(|r| r.task_id == line.id);
                if let Some(step) = unit_rows.filter(|r| r.streak.measure.is_some()).max_by_key(|r| (r.streak.red, r.streak.lagging)) {
                    let measure = step.streak.measure.clone().unwrap_or_default();
                    if let Some(last) = row.last_mut() {
                        *last = Val::text(format!("本任务有单位须{measure}（{}）", step.unit));
                    }
                }
            }
            row
        })
        .collect();
    let lead = vec![
        ColSpec::new("任务编号", 9.0),
        ColSpec::wrap("重点任务", 30.0),
        ColSpec::new("牵头单位", 12.0),
        ColSpec::new("计量单位", 8.0),
        ColSpec::new("全年目标", 10.0),
    ];
    let subtitle = format!(
        "{}　　每期为{}汇总的累计完成和亮灯；督办措施：{}",
        span(ledger),
        plan.scope,
        measures_line(&Ledger::measure_counts(ledger.tasks.iter().map(|t| &t.streak)))
    );
    let title = format!("{}任务台账", plan.title);
    ledger_table(wb, st, ledger, TableSheet { name: TASK_LEDGER_SHEET, title, subtitle: Some(subtitle), columns: lead, rows: rows.into(), paper: Paper::A3 })
}

fn unit_ledger(wb: &mut Workbook, st: &Styles, plan: &Plan, ledger: &Ledger) -> Result<()> {
    let not_reported = Val::text("未报");
    let rows: Vec<Vec<Val>> = ledger
        .rows
        .iter()
        .map(|line| {
            let task = plan.task(&line.task_id);
            let u = uom(task);
            let target = line.marks.iter().rev().find_map(|m| m.and_then(|m| m.target));
            let target = task.and_then(|t| t.row_target(&line.unit, target));
            let mut row = vec![
                Val::text(&line.unit),
                Val::text(&line.task_id),
                Val::text(task.map(|t| t.name.clone()).unwrap_or_default()),
                Val::text(&u),
                Val::figure(target, &u),
            ];
            row.extend(period_cells(line.marks.iter().map(|m| m.map(|m| (m.actual, m.light))), &u, &not_reported, &line.streak));
            row
        })
        .collect();
    let lead = vec![
        ColSpec::new("单位", 14.0),
        ColSpec::new("任务编号", 9.0),
        ColSpec::wrap("重点任务", 28.0),
        ColSpec::new("计量单位", 8.0),
        ColSpec::new("全年目标", 10.0),
    ];
    let subtitle =
        format!("{}　　每个单位每项任务一行；某期未报送写“未报”，连续期数沿用上一期亮灯；督办措施：{}", span(ledger), measures_line(&ledger.row_measures()));
    let title = format!("{}单位台账", plan.title);
    ledger_table(wb, st, ledger, TableSheet { name: UNIT_LEDGER_SHEET, title, subtitle: Some(subtitle), columns: lead, rows: rows.into(), paper: Paper::A3 })
}

fn nodes(wb: &mut Workbook, st: &Styles, plan: &Plan, ledger: &Ledger) -> Result<()> {
    let rows: Vec<Vec<Val>> = ledger
        .nodes
        .iter()
        .map(|n| {
            let task = plan.task(&n.task_id);
            let u = uom(task);
            let (word, fill) = if n.met { ("完成", DONE_FILL) } else { ("未完成", MISSED_FILL) };
            vec![
                Val::text(&n.unit),
                Val::text(&n.task_id),
                Val::text(task.map(|t| t.name.clone()).unwrap_or_default()),
                Val::text(QUARTERS[n.quarter]),
                Val::text(n.period.chinese()),
                Val::text(&u),
                Val::figure(Some(n.node), &u),
                n.actual.map(|a| Val::figure(Some(a), &u)).unwrap_or_else(|| Val::text("未报")),
                Val::Fill(word.into(), fill),
            ]
        })
        .collect();
    let missed = ledger.nodes.iter().filter(|n| !n.met).count();
    let quarters: Vec<String> = ledger.periods.iter().filter(|p| p.month % 3 == 0).map(|p| p.chinese()).collect();
    let subtitle = if quarters.is_empty() {
        "所读期次中没有季度末（3月、6月、9月、12月），暂无节点考核".to_string()
    } else {
        format!("季度末：{}　　有节点目标的量化任务行{}行，未完成{}行", quarters.join("、"), ledger.nodes.len(), missed)
    };
    write_table(
        wb,
        st,
        &TableSheet {
            name: NODES_SHEET,
            title: "季度节点目标考核（季推进）".into(),
            subtitle: Some(subtitle),
            columns: vec![
                ColSpec::new("单位", 14.0),
                ColSpec::new("任务编号", 9.0),
                ColSpec::wrap("重点任务", 30.0),
                ColSpec::new("季度", 12.0),
                ColSpec::new("期次", 10.0),
                ColSpec::new("计量单位", 8.0),
                ColSpec::new("节点目标", 10.0),
                ColSpec::new("期末累计完成", 10.0),
                ColSpec::new("是否完成", 8.0),
            ],
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;
    Ok(())
}

fn assessment(wb: &mut Workbook, st: &Styles, plan: &Plan, ledger: &Ledger) -> Result<()> {
    let Some(list) = &ledger.assessment else { return Ok(()) };
    let rows: Vec<Vec<Val>> = list
        .iter()
        .map(|a| {
            let task = plan.task(&a.task_id);
            let u = uom(task);
            vec![
                Val::text(a.unit.clone().unwrap_or_else(|| plan.scope.clone())),
                Val::text(&a.task_id),
                Val::text(task.map(|t| t.name.clone()).unwrap_or_default()),
                Val::text(&u),
                Val::figure(a.target, &u),
                Val::figure(a.actual, &u),
                Val::figure(a.projected.map(|p| (p * 100.0).round() / 100.0), &u),
                if a.at_risk { Val::Fill("有风险".into(), MISSED_FILL) } else { Val::Fill("无风险".into(), DONE_FILL) },
                Val::text(&a.basis),
            ]
        })
        .collect();
    let risky = |city: bool| list.iter().filter(|a| a.unit.is_none() == city && a.at_risk).count();
    let current = ledger.current().map(Period::chinese).unwrap_or_default();
    write_table(
        wb,
        st,
        &TableSheet {
            name: ASSESS_SHEET,
            title: "全年目标完成预评估（半年评估）".into(),
            subtitle: Some(format!(
                "截至{current}　　预计全年 = 累计完成 ÷ 已过时间占比（1月1日至完成时限）；增速、上下限类按最新数值判断。有风险：{}任务{}项，单位任务行{}行",
                plan.scope,
                risky(true),
                risky(false)
            )),
            columns: vec![
                ColSpec::new("范围", 14.0),
                ColSpec::new("任务编号", 9.0),
                ColSpec::wrap("重点任务", 30.0),
                ColSpec::new("计量单位", 8.0),
                ColSpec::new("全年目标", 10.0),
                ColSpec::new("累计完成", 10.0),
                ColSpec::new("预计全年", 10.0),
                ColSpec::new("风险", 8.0),
                ColSpec::wrap("测算方法", 26.0),
            ],
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;
    Ok(())
}

fn closures(wb: &mut Workbook, st: &Styles, plan: &Plan, ledger: &Ledger) -> Result<()> {
    let rows: Vec<Vec<Val>> = ledger
        .closures
        .iter()
        .map(|c| {
            let task = plan.task(&c.task_id);
            vec![
                Val::text(&c.unit),
                Val::text(&c.task_id),
                Val::text(task.map(|t| t.name.clone()).unwrap_or_default()),
                Val::text(c.closed_in.chinese()),
                match &c.reopened {
                    Some((p, said)) => Val::Fill(format!("是：{}报为“{}”", p.chinese(), said), MISSED_FILL),
                    None => Val::text("否"),
                },
            ]
        })
        .collect();
    let reopened = ledger.closures.iter().filter(|c| c.reopened.is_some()).count();
    write_table(
        wb,
        st,
        &TableSheet {
            name: CLOSED_SHEET,
            title: "已销号任务清单".into(),
            subtitle: Some(format!("{}　　销号：状态为“已完成”且达到目标；共{}行，其中反复{}行", span(ledger), ledger.closures.len(), reopened)),
            columns: vec![
                ColSpec::new("单位", 14.0),
                ColSpec::new("任务编号", 9.0),
                ColSpec::wrap("重点任务", 30.0),
                ColSpec::new("销号期次", 10.0),
                ColSpec::wrap("反复", 24.0),
            ],
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;
    Ok(())
}

/// The tasks charted: the 重要指标 first, then the other quantified tasks, at most `MAX_CHARTS`.
fn charted(plan: &Plan) -> (Vec<&Task>, usize) {
    let quantified: Vec<&Task> = plan.tasks.iter().filter(|t| t.kind.quantified() && t.target.is_some()).collect();
    let first = plan.areas.first();
    let mut order: Vec<&Task> = quantified.iter().copied().filter(|t| Some(&t.area) == first).collect();
    order.extend(quantified.iter().copied().filter(|t| Some(&t.area) != first));
    let all = order.len();
    order.truncate(MAX_CHARTS);
    (order, all)
}

fn trend(wb: &mut Workbook, st: &Styles, plan: &Plan, ledger: &Ledger) -> Result<()> {
    let (tasks, all) = charted(plan);
    let lines: std::collections::HashMap<&str, &crate::ledger::TaskLine> = ledger.tasks.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut rows = Vec::new();
    for t in &tasks {
        let u = uom(Some(t));
        let line = lines.get(t.id.as_str());
        let marks: Vec<Option<crate::ledger::TaskMark>> = line.map(|l| l.marks.clone()).unwrap_or_else(|| vec![None; ledger.periods.len()]);
        let mut actual = vec![Val::text(&t.id), Val::text(crate::consolidate::short_name(t)), Val::text(&u), Val::text("累计完成")];
        actual.extend(marks.iter().map(|m| Val::figure(m.and_then(|m| m.actual), &u)));
        // The target path: where the figure should stand at each period's end (序时目标).
        let mut path = vec![Val::text(&t.id), Val::text(crate::consolidate::short_name(t)), Val::text(&u), Val::text("序时目标")];
        path.extend(marks.iter().map(|m| {
            let due = match (t.kind.sums(), t.target, m) {
                (true, Some(target), Some(m)) => Some(target * m.expected / 100.0),
                (false, target, _) => target,
                _ => None,
            };
            Val::figure(due.map(|v| (v * 100.0).round() / 100.0), &u)
        }));
        rows.push(actual);
        rows.push(path);
    }
    let mut columns = vec![ColSpec::new("任务编号", 9.0), ColSpec::new("指标", 24.0), ColSpec::new("计量单位", 8.0), ColSpec::new("系列", 9.0)];
    columns.extend(ledger.periods.iter().map(|p| ColSpec::new(month(*p), 10.0)));
    let shown =
        if all > tasks.len() { format!("（共{}项量化任务，图表只列前{}项，其余见任务台账）", all, tasks.len()) } else { String::new() };
    let table = TableSheet {
        name: TREND_SHEET,
        title: "重要指标和量化任务走势".into(),
        subtitle: Some(format!("{}　　{}累计完成与序时目标（全年目标 × 序时进度）逐月对照{}", span(ledger), plan.scope, shown)),
        columns,
        rows: rows.into(),
        paper: Paper::A3,
    };
    let n_rows = table.rows.len() as u32;
    let header = 2;
    let ws = write_table(wb, st, &table)?;
    let n_periods = ledger.periods.len() as u16;
    if n_periods == 0 {
        return Ok(());
    }
    let (first_col, last_col) = (4u16, 3 + n_periods);
    let below = header + n_rows + 2;
    for (k, t) in tasks.iter().enumerate() {
        let r = header + 1 + 2 * k as u32;
        let mut chart = Chart::new(ChartType::Line);
        let uom = t.uom.clone().unwrap_or_default();
        chart
            .title()
            .set_name(crate::excel::clamp_text(&format!("{} {}（{}）", t.id, crate::consolidate::short_name(t), uom), 200).as_ref())
            .set_font(ChartFont::new().set_size(10).set_name("宋体"));
        let mut solid = ChartFormat::new();
        solid.set_line(ChartLine::new().set_color(Color::RGB(0x2F5597)).set_width(2.25));
        chart
            .add_series()
            .set_name((TREND_SHEET, r, 3))
            .set_categories((TREND_SHEET, header, first_col, header, last_col))
            .set_values((TREND_SHEET, r, first_col, r, last_col))
            .set_format(&mut solid);
        let mut dashed = ChartFormat::new();
        dashed.set_line(ChartLine::new().set_color(Color::RGB(0xC00000)).set_dash_type(ChartLineDashType::Dash).set_width(1.5));
        chart
            .add_series()
            .set_name((TREND_SHEET, r + 1, 3))
            .set_categories((TREND_SHEET, header, first_col, header, last_col))
            .set_values((TREND_SHEET, r + 1, first_col, r + 1, last_col))
            .set_format(&mut dashed);
        chart.legend().set_position(rust_xlsxwriter::ChartLegendPosition::Bottom).set_font(ChartFont::new().set_size(9).set_name("宋体"));
        chart.set_width(480).set_height(250);
        // Two charts a row, 13 rows (of 20 px) apart.
        ws.insert_chart_with_offset(below + (k as u32 / 2) * CHART_ROWS, 0, &chart, (k as u32 % 2) * 500, 0)?;
    }
    // The charts start a page of their own, two rows of charts a page: none is cut by a break.
    let breaks: Vec<u32> = (0..tasks.len().div_ceil(4)).map(|p| below + p as u32 * 2 * CHART_ROWS).collect();
    ws.set_page_breaks(&breaks)?;
    Ok(())
}
