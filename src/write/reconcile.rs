//! 绩效对账表_<period>.xlsx: 排名 (per group, scores and their parts), 对账明细 (every unit × task),
//! and one printable 对账单 per unit with a 签字确认 block.

use std::path::Path;

use anyhow::Result;

use super::style::{safe, write_table, ColSpec, Paper, Styles, TableSheet, Val, ERROR_FILL, WARNING_FILL};
use super::{new_output_workbook, save_atomic};
use crate::plan::Plan;
use crate::reconcile::{Line, Reconciliation, UnitScore, Verdict};

pub const RANK_SHEET: &str = "排名";
pub const LINES_SHEET: &str = "对账明细";

fn verdict_val(v: Verdict) -> Val {
    match v {
        Verdict::Agree | Verdict::Qualitative => Val::text(v.label()),
        Verdict::Beyond => Val::Fill(v.label().into(), ERROR_FILL),
        Verdict::Unverified | Verdict::NotReported => Val::Fill(v.label().into(), WARNING_FILL),
    }
}

fn score_row(u: &UnitScore, all: &[UnitScore]) -> Vec<Val> {
    let d = &u.deducted;
    // A shared rank said as such, with the units it is shared with.
    let tied: Vec<&str> = all.iter().filter(|o| o.group == u.group && o.unit != u.unit && o.total == u.total).map(|o| o.unit.as_str()).collect();
    let tie = match tied.len() {
        0 => String::new(),
        n if n <= 3 => format!("与{}并列（总分相同）", tied.join("、")),
        n => format!("与{}等{}个单位并列（总分相同）", tied[..3].join("、"), n),
    };
    vec![
        Val::text(u.group.label()),
        Val::Num(u.rank as f64, "0"),
        Val::text(&u.unit),
        Val::Num(u.task_score, "0.00"),
        Val::Num(u.bonus, "0.00"),
        Val::Num(d.late, "0.00"),
        Val::Num(d.missing, "0.00"),
        Val::Num(d.not_submitted, "0.00"),
        Val::Num(d.overstated, "0.00"),
        Val::Num(d.errors, "0.00"),
        Val::Num(d.total(), "0.00"),
        Val::Num(u.total, "0.00"),
        Val::text(tie),
    ]
}

fn line_row(plan: &Plan, l: &Line, with_unit: bool) -> Vec<Val> {
    let task = plan.task(&l.task_id);
    let uom = task.and_then(|t| t.uom.clone()).unwrap_or_default();
    let mut row = Vec::new();
    if with_unit {
        row.push(Val::text(&l.unit));
    }
    row.extend([
        Val::text(&l.task_id),
        Val::text(task.map(crate::consolidate::short_name).unwrap_or_default()),
        Val::text(&uom),
        Val::figure(l.target, &uom),
        Val::figure(l.reported, &uom),
        Val::figure(l.verified, &uom),
        Val::figure(l.difference(), &uom),
        l.difference_rate().map(Val::Pct).unwrap_or(Val::Empty),
        Val::text(&l.source),
        verdict_val(l.verdict),
        Val::figure(l.accepted, &uom),
        Val::Num(l.weight, "0.##"),
        Val::Num((l.score * 1000.0).round() / 1000.0, "0.000"),
        Val::Num((l.bonus * 1000.0).round() / 1000.0, "0.000"),
        Val::text(&l.rule),
        Val::text(&l.note),
    ]);
    row
}

fn line_columns(with_unit: bool) -> Vec<ColSpec> {
    let mut c = Vec::new();
    if with_unit {
        c.push(ColSpec::new("单位", 14.0));
    }
    c.extend([
        ColSpec::new("任务编号", 9.0),
        ColSpec::wrap("指标/任务", 28.0),
        ColSpec::new("计量单位", 8.0),
        ColSpec::new("本单位目标", 10.0),
        ColSpec::new("自报值", 10.0),
        ColSpec::new("核定值", 10.0),
        ColSpec::new("差异", 9.0),
        ColSpec::new("差异率", 8.0),
        ColSpec::new("数据来源", 12.0),
        ColSpec::new("对账结论", 9.0),
        ColSpec::new("采信值", 10.0),
        ColSpec::new("权重", 6.0),
        ColSpec::new("单项得分", 8.0),
        ColSpec::new("加分", 6.0),
        ColSpec::wrap("计分规则", 26.0),
        ColSpec::wrap("说明", 24.0),
    ]);
    c
}

pub fn write_reconciliation(path: &Path, plan: &Plan, rec: &Reconciliation) -> Result<()> {
    let period = rec.period;
    let title = format!("{}绩效对账表", plan.title);
    let mut wb = new_output_workbook(&title, period);
    let st = Styles::new();
    let as_of = format!("对账期次：{}", period.chinese());
    let groups = plan.roster.groups.all().iter().map(|g| g.label()).collect::<Vec<_>>().join("、");
    write_table(
        &mut wb,
        &st,
        &TableSheet {
            name: RANK_SHEET,
            title: format!("{}（排名）", title),
            subtitle: Some(format!(
                "{as_of}　　总分 = 任务得分 + 加分 − 扣分（扣分多时可为负分，原因见对账单）；按{}分组排名；总分相同（含并列100分）的单位名次并列，下一名次顺延",
                groups
            )),
            columns: vec![
                ColSpec::new("类别", 10.0),
                ColSpec::new("名次", 6.0),
                ColSpec::new("单位", 16.0),
                ColSpec::new("任务得分", 9.0),
                ColSpec::new("加分", 7.0),
                ColSpec::new("迟报扣分", 8.0),
                ColSpec::new("漏报扣分", 8.0),
                ColSpec::new("未报扣分", 8.0),
                ColSpec::new("差异扣分", 8.0),
                ColSpec::new("问题扣分", 8.0),
                ColSpec::new("扣分合计", 8.0),
                ColSpec::new("总分", 8.0),
                ColSpec::wrap("名次说明", 22.0),
            ],
            rows: rec.scores.iter().map(|u| score_row(u, &rec.scores)).collect::<Vec<_>>().into(),
            paper: Paper::A4,
        },
    )?;
    write_table(
        &mut wb,
        &st,
        &TableSheet {
            name: LINES_SHEET,
            title: format!("{}（对账明细）", title),
            subtitle: Some(format!("{as_of}　　采信值：有核定值的用核定值，没有的用自报值")),
            columns: line_columns(true),
            rows: rec.lines.iter().map(|l| line_row(plan, l, true)).collect::<Vec<_>>().into(),
            paper: Paper::A3,
        },
    )?;
    let mut lines_of: std::collections::HashMap<&str, Vec<Vec<Val>>> = std::collections::HashMap::new();
    for l in &rec.lines {
        lines_of.entry(l.unit.as_str()).or_default().push(line_row(plan, l, false));
    }
    // Two long names alike in their first 27 characters must not share a sheet.
    let mut used: std::collections::HashSet<String> = [RANK_SHEET, LINES_SHEET].iter().map(|s| s.to_lowercase()).collect();
    for u in &rec.scores {
        let lines = lines_of.remove(u.unit.as_str()).unwrap_or_default();
        let n = lines.len() as u32;
        let table = TableSheet {
            name: &crate::excel::unique_sheet_name(&format!("对账单-{}", u.unit), &mut used),
            title: format!("{} {} 绩效对账单", u.unit, period.chinese()),
            subtitle: Some(format!("类别：{}　　{}", u.group.label(), as_of)),
            columns: line_columns(false),
            rows: lines.into(),
            paper: Paper::A4,
        };
        let (hr, last_col) = (super::style::header_row(&table), table.columns.len() as u16 - 1);
        let ws = write_table(&mut wb, &st, &table)?;
        let mut r = hr + n + 2;
        let bold = st.subtitle.clone().set_bold();
        let d = &u.deducted;
        let summary = [
            format!(
                "任务得分：{:.2}　　加分：{:.2}　　扣分：{:.2}　　总分：{:.2}　　在{}中排名第{}",
                u.task_score,
                u.bonus,
                d.total(),
                u.total,
                u.group.label(),
                u.rank
            ),
            if u.reasons.is_empty() { "扣分事项：无".to_string() } else { format!("扣分事项：{}", u.reasons.join("；")) },
        ];
        for line in summary {
            ws.merge_range(r, 0, r, last_col, &safe(&line), &bold)?;
            r += 1;
        }
        r += 2;
        ws.merge_range(r, 0, r, last_col, "以上对账结果经本单位核对无误。", &st.subtitle)?;
        r += 2;
        ws.merge_range(
            r,
            0,
            r,
            last_col,
            "单位主要负责人（签字）：＿＿＿＿＿＿＿＿　　　　　　日期：＿＿＿＿年＿＿月＿＿日　　　　　　（单位盖章）",
            &st.subtitle,
        )?;
    }
    save_atomic(&mut wb, path)
}

/// The blank 核定数据 form: one row per unit × quantified task, for the data departments to fill.
pub fn write_verified_template(path: &Path, plan: &Plan, period: crate::period::Period) -> Result<()> {
    let mut rows = Vec::new();
    for t in plan.tasks.iter().filter(|t| t.kind.quantified()) {
        for a in &t.units {
            rows.push(vec![
                Val::text(&a.unit),
                Val::text(&t.id),
                Val::text(crate::consolidate::short_name(t)),
                Val::text(t.uom.clone().unwrap_or_default()),
                Val::Empty,
                Val::Empty,
                Val::Empty,
            ]);
        }
    }
    let mut wb = new_output_workbook("核定数据", period);
    let st = Styles::new();
    write_table(
        &mut wb,
        &st,
        &TableSheet {
            name: "核定数据",
            title: format!("{} 绩效对账核定数据", period.chinese()),
            subtitle: Some("请数据主管部门（统计、财政、人社等部门及各任务牵头单位）填写“核定值”和“数据来源”；核定值按计量单位只填数字。".into()),
            columns: vec![
                ColSpec::new("单位", 16.0),
                ColSpec::new("任务编号", 9.0),
                ColSpec::wrap("指标名称", 30.0),
                ColSpec::new("计量单位", 9.0),
                ColSpec::new("核定值", 12.0),
                ColSpec::new("数据来源", 16.0),
                ColSpec::wrap("备注", 24.0),
            ],
            rows: rows.into(),
            paper: Paper::A4,
        },
    )?;
    save_atomic(&mut wb, path)
}
