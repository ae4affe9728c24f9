//! 汇总表_<period>.xlsx — the 月调度 meeting pack: 总览 (key indicators, lights by area, reporting,
//! charts), 任务汇总 (one row per master task), 分单位, 督办清单 (red and yellow tasks: the agenda)
//! and 明细 (every row with provenance). Everything comes from the consolidated DataFrame.

use std::path::Path;

use anyhow::Result;
use polars::prelude::*;
use rust_xlsxwriter::{Chart, ChartFont, ChartFormat, ChartSolidFill, ChartType, Color, Workbook, Worksheet, XlsxError};

use super::style::{fill_table, num_format, row_height, safe, table_worksheet, wrapped_lines, write_table, ColSpec, Paper, Rows, Styles, TableSheet, Val};
use super::{new_output_workbook, save_atomic};
use crate::batch::Batch;
use crate::consolidate::{col as c, strings, Consolidated};
use crate::fields::Field;
use crate::finding::Counts;
use crate::lights::Light;
use crate::period::Period;
use crate::plan::Plan;

pub const BRIEF_SHEET: &str = "要情";
pub const OVERVIEW_SHEET: &str = "总览";
pub const TASKS_SHEET: &str = "任务汇总";
pub const UNITS_SHEET: &str = "分单位";
pub const AGENDA_SHEET: &str = "督办清单";
pub const DETAIL_SHEET: &str = "明细";

fn light_val(l: Light) -> Val {
    Val::Fill(l.short().to_string(), l.rgb())
}

/// A 汇总表 whose 明细 sheet is already being filled on its own thread.
pub struct StartedSummary {
    wb: Workbook,
    detail: std::thread::JoinHandle<Result<Worksheet, XlsxError>>,
}

fn title(plan: &Plan) -> String {
    format!("{}月调度汇总表", plan.title)
}

fn as_of(period: Period) -> String {
    format!("截至{}", period.end().format("%Y年%-m月%-d日"))
}

/// Start the workbook and fill its 明细, the longest sheet, on a thread of its own: a run calls
/// this as soon as the detail frame exists, while the rest is still being consolidated.
pub fn start_summary(plan: &Plan, period: Period, detail: &DataFrame) -> Result<StartedSummary> {
    let mut wb = new_output_workbook(&title(plan), period);
    if detail.height() > super::style::CONSTANT_MEMORY_ROWS {
        // Large outputs: compression level chosen for speed (files some 10 % larger).
        wb.set_zip_compression_level(1);
    }
    let (columns, rows) = detail_table(detail)?;
    let table = TableSheet {
        name: DETAIL_SHEET,
        title: format!("{}任务明细表", plan.title),
        subtitle: Some(format!("{}　　每行注明来源文件、工作表和行号；数值已换算为任务清单的计量单位", as_of(period))),
        columns,
        rows,
        paper: Paper::A3,
    };
    let mut ws = table_worksheet(&mut wb, &table)?;
    let detail = std::thread::spawn(move || {
        let t = std::time::Instant::now();
        let widths = fill_table(&mut ws, &Styles::new(), &table)?;
        // 32 columns: A3 pages wide at 8 pt, the unit repeated on each.
        super::style::print_readable(&mut ws, Paper::A3, super::style::header_row(&table), &widths, (0, 0), super::style::DETAIL_SCALE)?;
        crate::profile::stage("summary: 明细", t);
        Ok(ws)
    });
    Ok(StartedSummary { wb, detail })
}

pub fn write_summary(path: &Path, plan: &Plan, batch: &Batch) -> Result<()> {
    let started = start_summary(plan, batch.period, &batch.consolidated.detail)?;
    finish_summary(path, plan, batch, started)
}

/// The other sheets, then the 明细 once filled, then save.
pub fn finish_summary(path: &Path, plan: &Plan, batch: &Batch, started: StartedSummary) -> Result<()> {
    let StartedSummary { mut wb, detail } = started;
    let cons = &batch.consolidated;
    let st = Styles::new();
    let as_of = as_of(batch.period);
    let t = std::time::Instant::now();
    brief_sheet(&mut wb, &st, plan, batch)?;
    crate::profile::stage("summary: 要情", t);
    overview(&mut wb, &st, plan, batch, &title(plan), &as_of)?;
    crate::profile::stage("summary: 总览", t);
    tasks_sheet(&mut wb, &st, plan, cons, &as_of)?;
    crate::profile::stage("summary: 任务汇总", t);
    units_sheet(&mut wb, &st, batch, &plan.scope, &as_of)?;
    crate::profile::stage("summary: 分单位", t);
    // The level below of the units that are levels themselves (穿透): under each unit, its rows.
    let lower: Vec<(&str, &crate::normalise::LowerRow)> =
        crate::consolidate::counted(&batch.submissions).flat_map(|s| s.lower.iter().map(move |l| (s.unit.as_deref().unwrap_or(""), l))).collect();
    let mut lagging_below: std::collections::HashMap<(&str, &str), Vec<String>> = std::collections::HashMap::new();
    for (unit, l) in &lower {
        if [Light::Red.short(), Light::Yellow.short()].contains(&l.light.as_str()) {
            if let Some(up) = &l.upper_id {
                lagging_below.entry((unit, up.as_str())).or_default().push(format!("{} {}", l.unit, l.light));
            }
        }
    }
    for named in lagging_below.values_mut() {
        // 严重滞后 first.
        named.sort_by_key(|n| !n.ends_with(Light::Red.short()));
    }
    agenda_sheet(&mut wb, &st, plan, cons, batch.ledger.as_ref(), &lagging_below, &as_of)?;
    if !lower.is_empty() {
        lower_sheet(&mut wb, &st, &lower, &as_of)?;
    }
    if let Some(ledger) = &batch.ledger {
        super::ledger::add_ledger_sheets(&mut wb, &st, plan, ledger)?;
    }
    crate::profile::stage("summary: 总览…督办清单", t);
    wb.push_worksheet(detail.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?);
    let t = std::time::Instant::now();
    save_atomic(&mut wb, path)?;
    crate::profile::stage("summary: save", t);
    Ok(())
}

fn overview(wb: &mut Workbook, st: &Styles, plan: &Plan, batch: &Batch, title: &str, as_of: &str) -> Result<()> {
    let cons = &batch.consolidated;
    let ws = wb.add_worksheet();
    ws.set_name(OVERVIEW_SHEET)?;
    // The same four numbers as the terminal and the 校验报告: 应报 = 已报 + 已报但无法使用 + 未报.
    let rep = batch.reporting(plan);
    let (expected, reported) = (rep.due.len(), rep.reported.len());
    ws.merge_range(0, 0, 0, 7, &safe(title), &st.title)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(1, 0, 1, 7, &format!("{as_of}　　应报单位{expected}个，已报送{reported}个"), &st.subtitle)?;
    let section = st.subtitle.clone().set_bold().set_font_size(12);
    // The first column holds indicator names (农村居民人均可支配收入增长): wide enough for them.
    let widths = [28.0, 12.0, 12.0, 12.0, 12.0, 14.0, 10.0, 10.0];
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }

    // 一、主要指标
    let mut r = 3;
    ws.write_string_with_format(r, 0, "一、主要指标", &section)?;
    r += 1;
    for (i, h) in ["指标", "计量单位", "全年目标", "累计完成", "亮灯"].iter().enumerate() {
        ws.write_string_with_format(r, i as u16, *h, &st.header)?;
    }
    for (t, s) in plan.tasks.iter().zip(&cons.tasks).filter(|(t, _)| Some(&t.area) == plan.areas.first()) {
        r += 1;
        let uom = t.uom.clone().unwrap_or_default();
        let fmt = st.number(num_format(&uom));
        ws.write_string_with_format(r, 0, &*safe(&crate::consolidate::short_name(t)), &st.text)?;
        ws.write_string_with_format(r, 1, &uom, &st.center)?;
        match t.target {
            Some(v) => ws.write_number_with_format(r, 2, v, &fmt)?,
            None => ws.write_blank(r, 2, &st.text)?,
        };
        match s.actual {
            Some(v) => ws.write_number_with_format(r, 3, v, &fmt)?,
            None => ws.write_string_with_format(r, 3, "未报", &st.center)?,
        };
        ws.write_string_with_format(r, 4, s.light.short(), &st.fill(&st.center, s.light.rgb()))?;
    }

    // 二、任务亮灯情况（按工作方面）
    r += 2;
    ws.write_string_with_format(r, 0, format!("二、任务亮灯情况（按工作方面，{}合计亮灯；各单位报送行的亮灯见“分单位”）", plan.scope), &section)?;
    r += 1;
    let area_header = r;
    ws.write_string_with_format(r, 0, "工作方面", &st.header)?;
    for (i, l) in Light::ALL.iter().enumerate() {
        ws.write_string_with_format(r, 1 + i as u16, l.short(), &st.fill(&st.header, l.rgb()))?;
    }
    ws.write_string_with_format(r, 6, "合计", &st.header)?;
    let mut totals = [0usize; 5];
    for area in &plan.areas {
        r += 1;
        ws.write_string_with_format(r, 0, &*safe(area), &st.text)?;
        let mut counts = [0usize; 5];
        for (t, s) in plan.tasks.iter().zip(&cons.tasks) {
            if t.area == *area {
                counts[Light::ALL.iter().position(|l| *l == s.light).unwrap_or(4)] += 1;
            }
        }
        for (i, n) in counts.iter().enumerate() {
            ws.write_number_with_format(r, 1 + i as u16, *n as f64, &st.center)?;
            totals[i] += n;
        }
        ws.write_number_with_format(r, 6, counts.iter().sum::<usize>() as f64, &st.center)?;
    }
    let last_area = r;
    r += 1;
    ws.write_string_with_format(r, 0, "合计", &st.header)?;
    for (i, n) in totals.iter().enumerate() {
        ws.write_number_with_format(r, 1 + i as u16, *n as f64, &st.header)?;
    }
    ws.write_number_with_format(r, 6, totals.iter().sum::<usize>() as f64, &st.header)?;

    // 三、报送情况
    r += 2;
    ws.write_string_with_format(r, 0, "三、报送情况", &section)?;
    r += 1;
    let names = |v: &[String]| if v.is_empty() { String::new() } else { format!("（{}）", v.join("、")) };
    ws.merge_range(
        r,
        0,
        r,
        7,
        &safe(&format!(
            "应报{}个 = 已报{}个 + 已报但无法使用{}个{} + 未报{}个{}",
            expected,
            reported,
            rep.unusable.len(),
            names(&rep.unusable),
            rep.missing.len(),
            names(&rep.missing)
        )),
        &st.wrap,
    )?;
    ws.set_row_height(r, 32)?;

    // Charts: lights by area (stacked bars), and completion by unit.
    let mut chart = Chart::new(ChartType::BarStacked);
    chart.title().set_name("各工作方面任务亮灯情况");
    for (i, l) in Light::ALL.iter().enumerate() {
        let mut fill = ChartSolidFill::new();
        fill.set_color(Color::RGB(l.rgb()));
        let mut fmt = ChartFormat::new();
        fmt.set_solid_fill(&fill);
        chart
            .add_series()
            .set_name((OVERVIEW_SHEET, area_header, 1 + i as u16))
            .set_categories((OVERVIEW_SHEET, area_header + 1, 0, last_area, 0))
            .set_values((OVERVIEW_SHEET, area_header + 1, 1 + i as u16, last_area, 1 + i as u16))
            .set_format(&mut fmt);
    }
    let readable = || chart_font(10.0, false);
    chart.title().set_font(&chart_font(12.0, true));
    // Whole tasks: ticks 0, 1, 2 … (or 0, 5, 10 … for a long list), never 0.5.
    let whole = |most: usize| (most.div_ceil(10)).max(1) as f64;
    let most = plan.areas.iter().map(|a| plan.tasks.iter().filter(|t| t.area == *a).count()).max().unwrap_or(1);
    chart.x_axis().set_font(&readable()).set_major_unit(whole(most)).set_min(0.0).set_num_format("0");
    chart.y_axis().set_font(&readable());
    chart.legend().set_font(&readable());
    chart.set_width(560).set_height(320);
    // The charts on a page of their own after the tables (a page one sheet wide prints at full
    // size), the units' chart beside the areas' so that neither is cut by a page break.
    let charts = r + 2;
    ws.insert_chart(charts, 0, &chart)?;

    // Units by lagging rows, most first: what the meeting asks. Only the units that lag, each
    // with its figures on the bars; the table the chart draws is beside it, for reading.
    let mut lagging: Vec<(&str, usize, usize)> = cons
        .units
        .iter()
        .map(|u| (u.unit.as_str(), u.lights[Light::Red as usize], u.lights[Light::Yellow as usize]))
        .filter(|(_, red, yellow)| red + yellow > 0)
        .collect();
    lagging.sort_by_key(|(_, red, yellow)| (std::cmp::Reverse(red + yellow), std::cmp::Reverse(*red)));
    if !lagging.is_empty() {
        let height = (90 + 24 * lagging.len() as u32).max(320);
        // The table under the charts (rows are 20 px), the chart beside the areas' chart.
        let head = charts + height / 20 + 2;
        let (col0, first) = (0, head + 1);
        ws.write_string_with_format(head, col0, "各单位滞后任务行数", &st.header)?;
        ws.write_string_with_format(head, col0 + 1, Light::Red.short(), &st.header)?;
        ws.write_string_with_format(head, col0 + 2, Light::Yellow.short(), &st.header)?;
        for (i, (unit, red, yellow)) in lagging.iter().enumerate() {
            let row = first + i as u32;
            ws.write_string_with_format(row, col0, &*safe(unit), &st.text)?;
            ws.write_number_with_format(row, col0 + 1, *red as f64, &st.number("0"))?;
            ws.write_number_with_format(row, col0 + 2, *yellow as f64, &st.number("0"))?;
        }
        let last = first + lagging.len() as u32 - 1;
        let mut chart = Chart::new(ChartType::BarStacked);
        chart.title().set_name("各单位滞后任务行数（红灯、黄灯）").set_font(&chart_font(12.0, true));
        for (k, light) in [Light::Red, Light::Yellow].into_iter().enumerate() {
            let c = col0 + 1 + k as u16;
            let mut fill = ChartSolidFill::new();
            fill.set_color(Color::RGB(light.rgb()));
            let mut fmt = ChartFormat::new();
            fmt.set_solid_fill(&fill);
            let mut label = rust_xlsxwriter::ChartDataLabel::new();
            // A bar's figure on it; none on a bar of nothing.
            label.show_value().set_font(&readable()).set_num_format("0;-0;;@");
            chart
                .add_series()
                .set_name((OVERVIEW_SHEET, head, c))
                .set_categories((OVERVIEW_SHEET, first, col0, last, col0))
                .set_values((OVERVIEW_SHEET, first, c, last, c))
                .set_format(&mut fmt)
                .set_data_label(&label)
                .set_gap(40);
        }
        // Horizontal bars: the category axis is the vertical one; the most lagging unit at the top.
        chart.y_axis().set_label_interval(1).set_reverse().set_font(&readable());
        // Whole rows: ticks 0, 1, 2 …, never 0.5.
        let most = lagging.first().map(|(_, red, yellow)| red + yellow).unwrap_or(1);
        chart.x_axis().set_font(&readable()).set_major_unit(whole(most)).set_min(0.0).set_num_format("0");
        chart.legend().set_font(&readable());
        chart.set_width(540).set_height(height);
        ws.insert_chart_with_offset(charts, 0, &chart, 580, 0)?;
    }
    ws.set_page_breaks(&[charts])?;
    ws.set_landscape();
    ws.set_paper_size(8);
    // One A3 page wide; the charts on a page of their own.
    ws.set_print_fit_to_pages(1, 0);
    ws.set_footer("&C第 &P 页 共 &N 页");
    Ok(())
}

/// 要情: one A4 page for the leader, first in the workbook — the same facts as 要情_<期次>.docx.
fn brief_sheet(wb: &mut Workbook, st: &Styles, plan: &Plan, batch: &Batch) -> Result<()> {
    let brief = crate::papers::facts::brief(plan, batch, &crate::papers::Settings::builtin(), batch.period.end());
    let ws = wb.add_worksheet();
    ws.set_name(BRIEF_SHEET)?;
    // 72 widths: an A4 portrait page at full size (小五 and up).
    ws.set_column_width(0, 12)?;
    ws.set_column_width(1, 60)?;
    ws.merge_range(0, 0, 0, 1, &safe(&format!("{}（{}）", brief.title, brief.period)), &st.title)?;
    ws.set_row_height(0, 34)?;
    let mut lines: Vec<(String, String)> = vec![("总体情况".into(), brief.headline.clone())];
    let none = || vec!["无".to_string()];
    let tasks = if brief.red_tasks.is_empty() { none() } else { brief.red_tasks.clone() };
    lines.extend(tasks.into_iter().enumerate().map(|(i, t)| (if i == 0 { "严重滞后任务".to_string() } else { String::new() }, t)));
    lines.push(("严重滞后单位".into(), if brief.red_units.is_empty() { "无".into() } else { brief.red_units.join("、") }));
    for (i, c) in brief.changes.iter().flatten().enumerate() {
        lines.push((if i == 0 { "与上月相比".into() } else { String::new() }, c.clone()));
    }
    lines.push(("报送情况".into(), brief.reporting.clone()));
    let head = st.header.clone().set_align(rust_xlsxwriter::FormatAlign::Top);
    for (r, (k, v)) in lines.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string_with_format(r, 0, &*safe(k), &head)?;
        ws.write_string_with_format(r, 1, &*safe(v), &st.wrap)?;
        ws.set_row_height(r, row_height(wrapped_lines(&Val::text(v), 60.0)))?;
    }
    ws.set_paper_size(9);
    ws.set_portrait();
    // One page, whatever the month brings.
    ws.set_print_fit_to_pages(1, 1);
    ws.set_margins(0.7, 0.7, 0.8, 0.8, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    Ok(())
}

/// Chart type at a size a printed page can be read at.
fn chart_font(size: f64, bold: bool) -> ChartFont {
    let mut f = ChartFont::new();
    f.set_size(size);
    if bold {
        f.set_bold();
    }
    f
}

fn tasks_sheet(wb: &mut Workbook, st: &Styles, plan: &Plan, cons: &Consolidated, as_of: &str) -> Result<()> {
    // 较上期变化 only where there is a last period to change from: never an empty column.
    let changes = cons.tasks.iter().any(|s| s.previous.is_some());
    let mut columns = vec![
        // Narrow enough for two A3 pages at 小五, 任务编号…重点任务 on both.
        ColSpec::new("任务编号", 9.0),
        ColSpec::new("工作方面", 13.0),
        ColSpec::wrap("重点任务", 30.0),
        ColSpec::new("牵头单位", 12.0),
        ColSpec::wrap("责任单位", 16.0),
        ColSpec::new("计量单位", 9.0),
        ColSpec::new("全年目标", 10.0),
        ColSpec::new("力争目标", 10.0),
        ColSpec::new("累计完成", 10.0),
        ColSpec::new("完成进度", 8.0),
        ColSpec::new("序时进度", 8.0),
        ColSpec::new("亮灯", 10.0),
        ColSpec::new("已报单位", 8.0),
        ColSpec::new("应报单位", 8.0),
        ColSpec::wrap("未采用数据", 12.0),
        ColSpec::new("较上期变化", 10.0),
        ColSpec::wrap("进展情况", 36.0),
        ColSpec::wrap("存在问题", 26.0),
    ];
    // Where the column stands, found by its name: rows drop the same cell.
    let change_column = columns.iter().position(|c| c.header == "较上期变化").filter(|_| !changes);
    if let Some(c) = change_column {
        columns.remove(c);
    }
    let row = move |i: usize| -> Vec<Val> {
        let (t, s) = (&plan.tasks[i], &cons.tasks[i]);
        let uom = t.uom.clone().unwrap_or_default();
        let fmt = num_format(&uom);
        let units: Vec<&str> = t.units.iter().map(|a| a.unit.as_str()).collect();
        let mut row = vec![
            Val::text(&t.id),
            Val::text(&t.area),
            Val::text(&t.name),
            Val::text(&t.lead_unit),
            Val::text(units.join("、")),
            Val::text(&uom),
            Val::num(t.target, fmt),
            Val::num(t.stretch, fmt),
            Val::num(s.actual, fmt),
            s.completion.map(|c| Val::Pct(c / 100.0)).unwrap_or(Val::Empty),
            if s.completion.is_some() { Val::Pct(s.expected / 100.0) } else { Val::Empty },
            light_val(s.light),
            Val::Num(s.units_reporting as f64, "0"),
            Val::Num(s.units_expected as f64, "0"),
            if s.excluded.is_empty() { Val::Empty } else { Val::text(format!("不含未采用{}条：{}", s.excluded.len(), s.excluded.join("、"))) },
            Val::num(s.actual.zip(s.previous).map(|(a, p)| a - p), fmt),
            Val::text(s.progress.join("\n")),
            Val::text(s.problems.join("\n")),
        ];
        if let Some(c) = change_column {
            row.remove(c);
        }
        row
    };
    let rows = Rows::Lazy { len: plan.tasks.len().min(cons.tasks.len()), make: Box::new(row) };
    write_table(
        wb,
        st,
        &TableSheet {
            name: TASKS_SHEET,
            title: format!("{}任务汇总表", plan.title),
            subtitle: Some(format!("{as_of}　　累计完成：数量、金额类为各单位合计；增速、比率类取牵头单位报送值，不相加；无法采用的数据（不是数字、计量单位无法换算）不计入，也不算已报，见“未采用数据”")),
            columns,
            rows,
            paper: Paper::A3,
        },
    )?;
    Ok(())
}

fn units_sheet(wb: &mut Workbook, st: &Styles, batch: &Batch, scope: &str, as_of: &str) -> Result<()> {
    let cons = &batch.consolidated;
    let mut units: Vec<_> = cons.units.iter().collect();
    units.sort_by(|a, b| a.group.cmp(&b.group));
    let per_unit = Counts::per(&batch.findings, |f| f.unit.as_deref());
    let rows: Vec<Vec<Val>> = units
        .iter()
        .map(|u| {
            let c = per_unit.get(u.unit.as_str()).copied().unwrap_or_default();
            let mut row = vec![
                Val::text(u.group.label()),
                Val::text(&u.unit),
                if u.submitted { Val::text("已报送") } else { Val::Fill("未报送".into(), Light::Red.rgb()) },
                Val::Num(u.lights.iter().sum::<usize>() as f64, "0"),
            ];
            row.extend(u.lights.iter().map(|n| Val::Num(*n as f64, "0")));
            row.push(Val::Num(u.not_reported as f64, "0"));
            row.push(Val::num(u.avg_completion, "0.0"));
            row.push(Val::Num(c.errors as f64, "0"));
            row.push(Val::Num(c.warnings as f64, "0"));
            row
        })
        .collect();
    let mut columns = vec![ColSpec::new("类别", 10.0), ColSpec::new("单位", 16.0), ColSpec::new("报送情况", 8.0), ColSpec::new("任务行数", 7.0)];
    columns.extend(Light::ALL.iter().map(|l| ColSpec::new(l.short(), 9.0)));
    columns.push(ColSpec::new("未报", 6.0));
    columns.extend([ColSpec::new("平均完成进度(%)", 10.0), ColSpec::new("错误", 6.0), ColSpec::new("警告", 6.0)]);
    write_table(
        wb,
        st,
        &TableSheet {
            name: UNITS_SHEET,
            title: "各单位推进情况".into(),
            subtitle: Some(format!("{as_of}　　按单位报送行亮灯（本单位目标），与任务汇总按{scope}合计亮灯可以不同；任务行数是本单位报送的行（= 各亮灯行数，合计与校验报告、终端的任务行数相同），未报是分给本单位而没有报送的任务；数据无法采用、任务编号不在清单的行计入“未启动/无数据”；平均完成进度只计数量、金额类任务，单项最高按100%计")),
            columns,
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;
    Ok(())
}

/// 下级明细: every row of the level below that the units which are levels themselves sent with
/// their returns, under the unit that sent it; filterable by unit and task.
fn lower_sheet(wb: &mut Workbook, st: &Styles, lower: &[(&str, &crate::normalise::LowerRow)], as_of: &str) -> Result<()> {
    let mut columns = vec![ColSpec::new("报送单位", 14.0)];
    columns.extend(crate::normalise::LOWER_COLUMNS.iter().map(|h| {
        if *h == "来源文件" || *h == "单位" {
            ColSpec::new(*h, 22.0)
        } else {
            ColSpec::new(*h, 11.0)
        }
    }));
    let rows: Vec<Vec<Val>> = lower
        .iter()
        .map(|(unit, l)| {
            vec![
                Val::text(*unit),
                Val::text(&l.unit),
                Val::text(&l.task_id),
                Val::text(l.upper_id.clone().unwrap_or_default()),
                Val::num(l.target, "General"),
                Val::num(l.actual, "General"),
                Val::text(l.status.map(|s| s.label()).unwrap_or("")),
                match Light::ALL.into_iter().find(|x| x.short() == l.light) {
                    Some(x) => light_val(x),
                    None => Val::text(&l.light),
                },
                Val::text(&l.file),
                l.row.map_or(Val::Empty, |r| Val::Num(r as f64, "0")),
            ]
        })
        .collect();
    write_table(
        wb,
        st,
        &TableSheet {
            name: crate::normalise::LOWER_SHEET,
            title: "下级明细（穿透）".into(),
            subtitle: Some(format!("{as_of}　　各单位报送时附的下级各行（下级单位、任务编号、来源文件和行号照其所报），可按报送单位、上级任务编号筛选")),
            columns,
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;
    Ok(())
}

fn agenda_sheet(
    wb: &mut Workbook,
    st: &Styles,
    plan: &Plan,
    cons: &Consolidated,
    ledger: Option<&crate::ledger::Ledger>,
    lagging_below: &std::collections::HashMap<(&str, &str), Vec<String>>,
    as_of: &str,
) -> Result<()> {
    let scope = &plan.scope;
    // Only the unit rows that lag; the rest of each task's units are context, not rows of the list.
    let lagging_row = col(c::LIGHT).eq(lit(Light::Red.short())).or(col(c::LIGHT).eq(lit(Light::Yellow.short())));
    let others_df = cons
        .detail
        .clone()
        .lazy()
        .filter(lagging_row.not().and(col(c::REPEAT).not()))
        .select([col(Field::TaskId.header()), col(c::UNIT), col(c::LIGHT)])
        .collect()?;
    let mut others: std::collections::HashMap<String, Vec<(String, String)>> = std::collections::HashMap::new();
    for ((t, u), l) in strings(&others_df, Field::TaskId.header())?.into_iter().zip(strings(&others_df, c::UNIT)?).zip(strings(&others_df, c::LIGHT)?) {
        others.entry(t).or_default().push((if l.is_empty() { Light::Grey.short().to_string() } else { l }, u));
    }
    let context = |task: &str| -> String {
        let Some(list) = others.get(task) else { return String::new() };
        let mut by_light: Vec<(String, Vec<&str>)> = Vec::new();
        for (l, u) in list {
            match by_light.iter_mut().find(|(k, _)| k == l) {
                Some((_, us)) => us.push(u),
                None => by_light.push((l.clone(), vec![u])),
            }
        }
        by_light.iter().map(|(l, us)| format!("{l}：{}", us.join("、"))).collect::<Vec<_>>().join("；")
    };
    let lagging = &cons.lagging;
    let rows: Vec<Vec<Val>> = lagging
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let task = plan.task(&r.task);
            let uom = task.and_then(|t| t.uom.clone()).unwrap_or_default();
            let fmt = num_format(&uom);
            let mut row = vec![
                Val::Num((n + 1) as f64, "0"),
                light_val(r.light),
                Val::text(&r.task),
                Val::text(task.map(|t| t.name.clone()).unwrap_or_default()),
                Val::text(&r.unit),
                Val::text(&uom),
                Val::num(r.target, fmt),
                Val::num(r.actual, fmt),
                r.done.map(|d| Val::Pct(d / 100.0)).unwrap_or(Val::Empty),
                r.expected.map(|d| Val::Pct(d / 100.0)).unwrap_or(Val::Empty),
                Val::text(match lagging_below.get(&(r.unit.as_str(), r.task.as_str())) {
                    Some(below) => format!("其中：{}\n{}", below.join("、"), r.problems).trim_end().to_string(),
                    None => r.problems.clone(),
                }),
                Val::text(&r.next_steps),
                Val::text(contact(&r.person, &r.phone, &r.leader)),
                Val::text(context(&r.task)),
            ];
            // With history: how long this unit's row has lagged, and what that calls for.
            if let Some(l) = ledger {
                row.extend(super::ledger::streak_vals(&l.row_streak(&r.unit, &r.task).cloned().unwrap_or_default()));
            }
            row
        })
        .collect();
    let unit_rows = |l: Light| lagging.iter().filter(|r| r.light == l).count();
    // One A3 page wide at 小五: long texts wrapped, who to call in one column.
    let columns = vec![
        ColSpec::new("序号", 5.0),
        ColSpec::new("亮灯", 10.0),
        ColSpec::new("任务编号", 9.0),
        ColSpec::wrap("重点任务", 24.0),
        ColSpec::wrap("责任单位", 10.0),
        ColSpec::new("计量\n单位", 6.0),
        ColSpec::new("全年目标", 10.0),
        ColSpec::new("累计完成", 10.0),
        ColSpec::new("完成进度", 8.0),
        ColSpec::new("序时进度", 8.0),
        ColSpec::wrap("存在问题", 20.0),
        ColSpec::wrap("下步措施", 16.0),
        ColSpec::wrap("责任人及电话", 14.0),
        ColSpec::wrap("本任务\n其他单位", 14.0),
    ];
    let mut columns = columns;
    if ledger.is_some() {
        columns.extend(super::ledger::streak_columns());
    }
    write_table(
        wb,
        st,
        &TableSheet {
            name: AGENDA_SHEET,
            title: "滞后任务督办清单".into(),
            subtitle: Some(format!(
                "{as_of}　　{scope}汇总：红灯任务{}项、黄灯任务{}项；单位报送行：红灯{}行、黄灯{}行（下列各行）。{scope}按各单位合计亮灯，单位行按本单位目标亮灯，两者可以不同",
                count(cons, Light::Red),
                count(cons, Light::Yellow),
                unit_rows(Light::Red),
                unit_rows(Light::Yellow)
            )),
            columns,
            rows: rows.into(),
            paper: Paper::A3,
        },
    )?;
    Ok(())
}

/// Who to call about a lagging row: 责任人 and phone, then the 分管 leader.
fn contact(person: &str, phone: &str, leader: &str) -> String {
    let who = [person, phone].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
    match (who.is_empty(), leader.is_empty()) {
        (_, true) => who,
        (true, false) => format!("分管：{leader}"),
        (false, false) => format!("{who}\n分管：{leader}"),
    }
}

fn count(cons: &Consolidated, l: Light) -> usize {
    cons.tasks.iter().filter(|s| s.light == l).count()
}

/// The detail frame as a table, rows made one at a time from the frame's columns: every column
/// but the internal flag, figures as numbers, lights as coloured words.
fn detail_table(df: &DataFrame) -> Result<(Vec<ColSpec>, Rows<'static>)> {
    enum Src {
        Text(StringChunked),
        Light(StringChunked),
        Num(Float64Chunked, bool),
    }
    let mut specs = Vec::new();
    let mut srcs = Vec::new();
    for column in df.columns() {
        let name = column.name().to_string();
        if name == c::COUNTED || name == c::REPEAT {
            continue;
        }
        let s = column.as_materialized_series();
        // Columns nobody filled (牵头领导, 上期 without --previous …) are left out.
        let empty = match s.dtype() {
            DataType::String => s.str()?.iter().all(|v| v.is_none_or(str::is_empty)),
            _ => s.null_count() == s.len(),
        };
        if empty && df.height() > 0 {
            continue;
        }
        let percent = name == Field::Rate.header() || name == c::EXPECTED || name == c::DONE;
        srcs.push(match s.dtype() {
            DataType::String if name == c::LIGHT => Src::Light(s.str()?.clone()),
            DataType::String => Src::Text(s.str()?.clone()),
            _ => Src::Num(s.cast(&DataType::Float64)?.f64()?.clone(), percent),
        });
        let long = Field::all().any(|f| f.is_long_text() && f.header() == name);
        specs.push(if long { ColSpec::wrap(name, 40.0) } else { ColSpec::new(name, 24.0) });
    }
    let make = move |i: usize| -> Vec<Val> {
        srcs.iter()
            .map(|src| match src {
                Src::Text(ca) => Val::text(ca.get(i).unwrap_or_default()),
                Src::Light(ca) => Light::from_short(ca.get(i).unwrap_or_default()).map(light_val).unwrap_or(Val::Empty),
                Src::Num(ca, true) => ca.get(i).map(|x| Val::Pct(x / 100.0)).unwrap_or(Val::Empty),
                Src::Num(ca, false) => ca.get(i).map(|x| Val::Num(x, "General")).unwrap_or(Val::Empty),
            })
            .collect()
    };
    Ok((specs, Rows::Lazy { len: df.height(), make: Box::new(make) }))
}
