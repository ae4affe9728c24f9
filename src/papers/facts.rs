//! The figures the 通报 and the 督办函 quote, gathered once from the batch — the same task lights,
//! reporting and lagging rows the 汇总表 shows — and handed to the wording templates as they are.

use std::collections::HashMap;

use serde::Serialize;

use crate::batch::Batch;
use crate::consolidate::{LaggingRow, TaskSummary};
use crate::lights::Light;
use crate::plan::{Kind, Plan, Task};
use crate::values::fmt_num;

/// 督办措施 that call for a 督办函 even when the row is no longer red this period, heaviest first.
pub const LETTER_MEASURES: [&str; 2] = ["约谈", "专函督办"];

/// How many tasks show each light.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Counts {
    pub total: usize,
    /// 已完成
    pub done: usize,
    /// 正常推进
    pub on_track: usize,
    /// 轻度滞后
    pub behind: usize,
    /// 严重滞后
    pub serious: usize,
    /// 未启动/无数据
    pub none: usize,
}

impl Counts {
    /// The counts as the 通报 says them, the zeros left out: 正常推进61项，轻度滞后2项.
    pub fn tally(&self) -> String {
        let parts = [("已完成", self.done), ("正常推进", self.on_track), ("轻度滞后", self.behind), ("严重滞后", self.serious), ("未启动/无数据", self.none)];
        parts.iter().filter(|(_, n)| *n > 0).map(|(w, n)| format!("{w}{n}项")).collect::<Vec<_>>().join("，")
    }
    /// The 任务汇总's lights, counted: the 通报's 总体情况.
    pub fn of_tasks(cons: &crate::consolidate::Consolidated) -> Counts {
        Counts::of(cons.tasks.iter().map(|s| &s.light))
    }

    fn of<'a>(lights: impl Iterator<Item = &'a Light>) -> Counts {
        let mut c = Counts::default();
        for l in lights {
            c.total += 1;
            match l {
                Light::Blue => c.done += 1,
                Light::Green => c.on_track += 1,
                Light::Yellow => c.behind += 1,
                Light::Red => c.serious += 1,
                Light::Grey => c.none += 1,
            }
        }
        c
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaCounts {
    pub name: String,
    pub counts: Counts,
}

/// 应报 = 已报 + 已报但无法使用 + 未报 (the same [`crate::batch::Reporting`] the 总览 shows).
#[derive(Debug, Clone, Serialize)]
pub struct ReportingFacts {
    pub due: usize,
    pub reported: usize,
    pub missing: Vec<String>,
    pub unusable: Vec<String>,
}

/// A unit whose form goes back (its 退回 file), with what is wrong in it.
#[derive(Debug, Clone, Serialize)]
pub struct Returned {
    pub unit: String,
    pub errors: usize,
    pub warnings: usize,
}

/// Units returned with the same numbers of errors and points to check.
#[derive(Debug, Clone, Serialize)]
pub struct ReturnedGroup {
    pub units: Vec<String>,
    pub errors: usize,
    pub warnings: usize,
}

/// A task by number and short name.
#[derive(Debug, Clone, Serialize)]
pub struct TaskName {
    pub id: String,
    pub name: String,
}

/// A figure against its yardstick, in words: "累计完成43亿元，完成全年目标的43.0%，序时进度50.0%".
#[derive(Debug, Clone, Serialize, Default)]
pub struct Figure {
    /// What was done, against what.
    pub text: String,
    /// How far behind, or empty when there is no gap to tell.
    pub gap: String,
}

/// The figure of a task (its city total, or one unit's row) in the words of the 通报.
pub fn figure(task: &Task, actual: Option<f64>, target: Option<f64>, done: Option<f64>, expected: Option<f64>) -> Figure {
    let uom = task.uom.clone().unwrap_or_default();
    let num = |v: f64| format!("{}{}", fmt_num((v * 100.0).round() / 100.0), uom);
    match (task.kind, actual) {
        (Kind::Count | Kind::Stretch | Kind::LowerBound, Some(a)) => {
            // A task due before the year's end (上半年) has a 目标, not a 全年目标.
            use chrono::Datelike;
            let year_end = matches!(task.deadline, crate::values::DeadlineValue::Date(d) if d.month() == 12 && d.day() == 31);
            let mut text = format!("累计完成{}", num(a));
            if let Some(t) = target {
                text.push_str(&format!("，{}{}", if year_end { "全年目标" } else { "目标" }, num(t)));
            }
            let gap = match (done, expected) {
                (Some(d), Some(e)) if e >= 100.0 && d < 100.0 => {
                    text.push_str(&format!("，完成进度{d:.1}%"));
                    format!("完成时限已到，目标未完成（尚差{}）", target.map(|t| num(t - a)).unwrap_or_default())
                }
                (Some(d), Some(e)) => {
                    text.push_str(&format!("，完成进度{d:.1}%，序时进度{e:.1}%"));
                    if e > d {
                        format!("落后序时进度{:.1}个百分点", e - d)
                    } else {
                        String::new()
                    }
                }
                _ => String::new(),
            };
            Figure { text, gap }
        }
        (Kind::Growth | Kind::UpperBound, Some(a)) => {
            let word = if task.kind == Kind::Growth { "目标" } else { "控制目标" };
            let mut text = if task.kind == Kind::Growth { format!("增长{}", num(a)) } else { format!("为{}", num(a)) };
            let mut gap = String::new();
            if let Some(t) = target {
                text.push_str(&format!("，{word}{}", num(t)));
                let short = if task.at_most { a - t } else { t - a };
                if short > 0.0 {
                    let unit = if uom == "%" { "个百分点".to_string() } else { uom.clone() };
                    gap = format!("{}目标{}{}", if task.at_most { "超出" } else { "低于" }, fmt_num((short * 100.0).round() / 100.0), unit);
                }
            }
            Figure { text, gap }
        }
        _ => Figure { text: format!("完成时限：{}", if task.deadline_text.is_empty() { "年底" } else { &task.deadline_text }), gap: String::new() },
    }
}

/// How long a task or a row has lagged, with what that calls for (with history only).
#[derive(Debug, Clone, Serialize)]
pub struct StreakFacts {
    pub lagging: usize,
    pub red: usize,
    pub measure: Option<String>,
}

impl From<&crate::ledger::Streak> for StreakFacts {
    fn from(s: &crate::ledger::Streak) -> StreakFacts {
        StreakFacts { lagging: s.lagging, red: s.red, measure: s.measure.clone() }
    }
}

/// A unit named under a lagging task, with how long its own row has lagged (with history).
#[derive(Debug, Clone, Serialize)]
pub struct UnitMark {
    pub unit: String,
    pub streak: Option<StreakFacts>,
}

/// A red or yellow task of the 通报's 三、滞后任务.
#[derive(Debug, Clone, Serialize)]
pub struct LaggingTask {
    pub id: String,
    pub name: String,
    pub lead: String,
    pub units: Vec<String>,
    pub light: String,
    pub figure: Figure,
    /// Units whose own rows of this task are red, then yellow.
    pub red_units: Vec<UnitMark>,
    pub yellow_units: Vec<UnitMark>,
    pub streak: Option<StreakFacts>,
}

/// A 重要指标 of the 通报's 二、主要指标.
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub light: String,
    pub figure: Figure,
}

/// A unit with red rows under tasks that are not lagging city-wide.
#[derive(Debug, Clone, Serialize)]
pub struct UnitTasks {
    pub unit: String,
    pub tasks: Vec<LetterTask>,
}

/// Everything the 通报 says, each figure from the batch the 汇总表 was written from.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeFacts {
    pub office: String,
    pub city: String,
    /// The task list's words: 发文机关, 全市/全镇, 市级/镇级, the action's title.
    pub issuer: String,
    pub scope: String,
    pub level: String,
    pub title: String,
    /// 主送: the groups of units as a 通报 addresses them.
    pub recipients: String,
    pub year: i32,
    /// 2022年6月
    pub period: String,
    /// 6
    pub month: u32,
    /// 成文日期, 2022年7月5日
    pub date: String,
    /// The day of the month forms are due (settings).
    pub due_day: u32,
    pub counts: Counts,
    pub areas: Vec<AreaCounts>,
    pub reporting: ReportingFacts,
    pub returned: Vec<Returned>,
    pub indicators: Vec<Indicator>,
    pub red: Vec<LaggingTask>,
    pub yellow: Vec<LaggingTask>,
    pub red_elsewhere: Vec<UnitTasks>,
    /// Tasks without a light (未启动/无数据), named: "2项" is not enough for a meeting.
    pub no_data: Vec<TaskName>,
    /// Returned units with the same tally said together: 交通局、民政局（各错误1处）.
    pub returned_groups: Vec<ReturnedGroup>,
    /// Earlier periods in the ledger (empty without history).
    pub history: Vec<String>,
}

/// A 督办函's red (or escalated) row.
#[derive(Debug, Clone, Serialize)]
pub struct LetterTask {
    pub id: String,
    pub name: String,
    pub light: String,
    pub figure: Figure,
    pub streak: Option<StreakFacts>,
}

/// Everything one 督办函 says.
#[derive(Debug, Clone, Serialize)]
pub struct LetterFacts {
    pub unit: String,
    pub office: String,
    pub contact: Option<String>,
    pub period: String,
    pub date: String,
    pub reply_by: String,
    pub tasks: Vec<LetterTask>,
    /// The heaviest 督办措施 among the tasks, if any.
    pub measure: Option<String>,
}

/// A unit's lagging row as a 督办函 (and the 通报) tells it: its own figure, streak and measure.
fn row_task(plan: &Plan, ledger: Option<&crate::ledger::Ledger>, r: &LaggingRow) -> Option<LetterTask> {
    let t = plan.task(&r.task)?;
    Some(LetterTask {
        id: t.id.clone(),
        name: crate::consolidate::short_name(t),
        light: r.light.short().into(),
        figure: figure(t, r.actual, t.row_target(&r.unit, r.target), r.done, r.expected),
        streak: ledger.and_then(|l| l.row_streak(&r.unit, &r.task)).map(StreakFacts::from),
    })
}

/// Each unit's place on the roster: units are named in that order.
fn roster_order(plan: &Plan) -> HashMap<&str, usize> {
    plan.expected_units().into_iter().enumerate().map(|(i, u)| (u.name.as_str(), i)).collect()
}

pub fn chinese_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Items gathered under their key, keys in the order first met: (unit, its rows), (tally, its units).
fn grouped<K: PartialEq, V>(items: impl IntoIterator<Item = (K, V)>) -> Vec<(K, Vec<V>)> {
    let mut groups: Vec<(K, Vec<V>)> = Vec::new();
    for (k, v) in items {
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, vs)) => vs.push(v),
            None => groups.push((k, vec![v])),
        }
    }
    groups
}

/// A task's figure city-wide, as the 任务汇总 judges it: the 通报's and the 要情's words.
fn task_figure(t: &Task, s: &TaskSummary) -> Figure {
    figure(t, s.actual, t.target, s.completion, s.completion.map(|_| s.expected))
}

/// The 通报's facts.
pub fn notice(plan: &Plan, batch: &Batch, settings: &super::Settings, date: chrono::NaiveDate) -> NoticeFacts {
    let cons = &batch.consolidated;
    let lagging = &cons.lagging;
    let pairs: Vec<(&Task, &TaskSummary)> = plan.tasks.iter().zip(&cons.tasks).collect();
    let counts = Counts::of_tasks(cons);
    let areas = plan
        .areas
        .iter()
        .map(|a| AreaCounts { name: a.clone(), counts: Counts::of(pairs.iter().filter(|(t, _)| t.area == *a).map(|(_, s)| &s.light)) })
        .filter(|a| a.counts.total > 0)
        .collect();
    let rep = batch.reporting(plan);
    // The same per-unit counts as the terminal's table and the 校验报告.
    let per_unit = crate::finding::Counts::per(&batch.findings, |f| f.unit.as_deref());
    let returned: Vec<Returned> = crate::batch::units_to_return(plan, &batch.findings)
        .into_iter()
        .map(|unit| {
            let c = per_unit.get(unit.as_str()).cloned().unwrap_or_default();
            Returned { errors: c.errors, warnings: c.warnings, unit }
        })
        .collect();
    let returned_groups = grouped(returned.iter().map(|r| ((r.errors, r.warnings), r.unit.clone())))
        .into_iter()
        .map(|((errors, warnings), units)| ReturnedGroup { units, errors, warnings })
        .collect();
    let no_data =
        pairs.iter().filter(|(_, s)| s.light == Light::Grey).map(|(t, _)| TaskName { id: t.id.clone(), name: crate::consolidate::short_name(t) }).collect();
    let indicators = pairs
        .iter()
        .filter(|(t, _)| Some(&t.area) == plan.areas.first())
        .map(|(t, s)| Indicator { id: t.id.clone(), name: crate::consolidate::short_name(t), light: s.light.short().into(), figure: task_figure(t, s) })
        .collect();
    let ledger = batch.ledger.as_ref();
    let mut lagging_units: HashMap<(&str, Light), Vec<UnitMark>> = HashMap::new();
    for r in lagging {
        let streak = ledger.and_then(|l| l.row_streak(&r.unit, &r.task)).map(StreakFacts::from);
        lagging_units.entry((r.task.as_str(), r.light)).or_default().push(UnitMark { unit: r.unit.clone(), streak });
    }
    let units_with = |task: &str, light: Light| -> Vec<UnitMark> { lagging_units.get(&(task, light)).cloned().unwrap_or_default() };
    let lagging_tasks = |light: Light| -> Vec<LaggingTask> {
        pairs
            .iter()
            .enumerate()
            .filter(|(_, (_, s))| s.light == light)
            .map(|(i, (t, s))| LaggingTask {
                id: t.id.clone(),
                name: crate::consolidate::short_name(t),
                lead: t.lead_unit.clone(),
                units: t.units.iter().map(|a| a.unit.clone()).collect(),
                light: s.light.short().into(),
                figure: task_figure(t, s),
                red_units: units_with(&t.id, Light::Red),
                yellow_units: units_with(&t.id, Light::Yellow),
                streak: ledger.and_then(|l| l.tasks.get(i)).filter(|line| line.id == t.id).map(|line| StreakFacts::from(&line.streak)),
            })
            .collect()
    };
    let (red, yellow) = (lagging_tasks(Light::Red), lagging_tasks(Light::Yellow));
    let listed: std::collections::HashSet<&str> = red.iter().chain(&yellow).map(|t| t.id.as_str()).collect();
    let red_rows = lagging.iter().filter(|r| r.light == Light::Red && !listed.contains(r.task.as_str()));
    let mut red_elsewhere: Vec<UnitTasks> = grouped(red_rows.filter_map(|r| Some((r.unit.clone(), row_task(plan, ledger, r)?))))
        .into_iter()
        .map(|(unit, tasks)| UnitTasks { unit, tasks })
        .collect();
    let roster = roster_order(plan);
    red_elsewhere.sort_by_cached_key(|u| (roster.get(u.unit.as_str()).copied().unwrap_or(usize::MAX), u.unit.clone()));
    NoticeFacts {
        office: settings.office(plan),
        city: plan.city.clone(),
        issuer: plan.issuer.clone(),
        scope: plan.scope.clone(),
        level: plan.level.clone(),
        title: plan.title.clone(),
        recipients: plan.recipients(),
        year: batch.period.year,
        period: batch.period.chinese(),
        month: batch.period.month,
        date: chinese_date(date),
        due_day: settings.due_day,
        counts,
        areas,
        reporting: ReportingFacts { due: rep.due.len(), reported: rep.reported.len(), missing: rep.missing, unusable: rep.unusable },
        returned,
        indicators,
        red,
        yellow,
        red_elsewhere,
        no_data,
        returned_groups,
        history: ledger.map(|l| l.periods.iter().filter(|p| **p != batch.period).map(|p| p.chinese()).collect()).unwrap_or_default(),
    }
}

/// One 督办函 per unit with a red row, or with a row whose 督办措施 is in [`LETTER_MEASURES`],
/// units in the roster's order.
pub fn letters(plan: &Plan, batch: &Batch, settings: &super::Settings, date: chrono::NaiveDate) -> Vec<LetterFacts> {
    let lagging = &batch.consolidated.lagging;
    let ledger = batch.ledger.as_ref();
    let calls_for_letter = |r: &LaggingRow| {
        r.light == Light::Red
            || ledger.and_then(|l| l.row_streak(&r.unit, &r.task)).and_then(|s| s.measure.as_deref()).is_some_and(|m| LETTER_MEASURES.contains(&m))
    };
    // Each unit's rows that call for a letter, found in one pass; units in the roster's order.
    let mut by_unit: HashMap<&str, Vec<&LaggingRow>> = HashMap::new();
    for r in lagging.iter().filter(|r| calls_for_letter(r)) {
        by_unit.entry(r.unit.as_str()).or_default().push(r);
    }
    let roster = roster_order(plan);
    let mut units: Vec<(&str, Vec<&LaggingRow>)> = by_unit.into_iter().collect();
    units.sort_by_key(|(u, _)| (roster.get(u).copied().unwrap_or(usize::MAX), u.to_string()));
    let reply_by = chinese_date(date.checked_add_days(chrono::Days::new(settings.reply_days as u64)).unwrap_or(date));
    units
        .into_iter()
        .map(|(unit, rows)| {
            let tasks: Vec<LetterTask> = rows.into_iter().filter_map(|r| row_task(plan, ledger, r)).collect();
            let measure =
                LETTER_MEASURES.iter().find(|m| tasks.iter().any(|t| t.streak.as_ref().and_then(|s| s.measure.as_deref()) == Some(**m))).map(|m| m.to_string());
            LetterFacts {
                unit: unit.to_string(),
                office: settings.office(plan),
                contact: settings.contact.clone(),
                period: batch.period.chinese(),
                date: chinese_date(date),
                reply_by: reply_by.clone(),
                tasks,
                measure,
            }
        })
        .collect()
}

/// 要情: the one page a leader reads before the meeting — this month's red tasks and red units,
/// what changed since last month, who has not reported. Every figure is the 通报's.
#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub title: String,
    pub period: String,
    /// 截至2021年6月底，全市66项任务中，正常推进61项，…
    pub headline: String,
    /// 2.1 上半年新开工项目总投资：累计完成51.5亿元，…
    pub red_tasks: Vec<String>,
    /// 牌楼镇（2.1、4.6.3）
    pub red_units: Vec<String>,
    /// With earlier periods: 新增严重滞后…, 不再严重滞后…, 连续严重滞后….
    pub changes: Option<Vec<String>>,
    /// 未报送：感王镇；已报但无法使用：…
    pub reporting: String,
    pub office: String,
    pub date: String,
}

/// At most `n` names, then how many more.
fn some(list: &[String], n: usize) -> String {
    if list.len() <= n {
        list.join("、")
    } else {
        format!("{}等{}个", list[..n].join("、"), list.len())
    }
}

/// The 要情 of the batch.
pub fn brief(plan: &Plan, batch: &Batch, settings: &super::Settings, date: chrono::NaiveDate) -> Brief {
    let cons = &batch.consolidated;
    let counts = Counts::of_tasks(cons);
    let headline = format!("截至{}底，{}{}项任务中，{}", batch.period.chinese(), plan.scope, counts.total, counts.tally());
    let red_tasks = plan
        .tasks
        .iter()
        .zip(&cons.tasks)
        .filter(|(_, s)| s.light == Light::Red)
        .map(|(t, s)| {
            let f = task_figure(t, s);
            let gap = if f.gap.is_empty() { String::new() } else { format!("，{}", f.gap) };
            format!("{} {}：{}{}", t.id, crate::consolidate::short_name(t), f.text, gap)
        })
        .collect();
    let by_unit = grouped(cons.lagging.iter().filter(|r| r.light == Light::Red).map(|r| (r.unit.clone(), r.task.clone())));
    let red_units = by_unit.into_iter().map(|(u, ids)| format!("{u}（{}）", ids.join("、"))).collect();
    // Since last month: each unit row's light this period against the period before.
    let changes = batch.ledger.as_ref().filter(|l| l.periods.len() > 1).map(|l| {
        let (now, before) = (l.periods.len() - 1, l.periods.len() - 2);
        let red = |m: &Option<crate::ledger::RowMark>| m.as_ref().is_some_and(|m| m.light == Light::Red);
        let (mut new, mut cleared, mut kept) = (Vec::new(), Vec::new(), Vec::new());
        for r in &l.rows {
            let (a, b) = (r.marks.get(now).is_some_and(red), r.marks.get(before).is_some_and(red));
            let name = format!("{} {}", r.unit, r.task_id);
            match (a, b) {
                (true, false) => new.push(name),
                (false, true) => cleared.push(name),
                (true, true) => {
                    kept.push(format!("{}（连续{}期{}）", name, r.streak.red, r.streak.measure.as_deref().map(|m| format!("，{m}")).unwrap_or_default()))
                }
                _ => {}
            }
        }
        let say = |what: &str, list: &[String]| if list.is_empty() { format!("{what}：无") } else { format!("{what}{}行：{}", list.len(), some(list, 6)) };
        vec![say("新增严重滞后", &new), say("不再严重滞后", &cleared), say("连续严重滞后", &kept)]
    });
    let rep = batch.reporting(plan);
    let mut reporting = format!("应报{}个单位，已报{}个", rep.due.len(), rep.reported.len());
    if !rep.unusable.is_empty() {
        reporting.push_str(&format!("；已报但无法使用{}个：{}", rep.unusable.len(), some(&rep.unusable, 8)));
    }
    if !rep.missing.is_empty() {
        reporting.push_str(&format!("；未报送{}个：{}", rep.missing.len(), some(&rep.missing, 8)));
    }
    Brief {
        title: format!("{}要情", plan.title),
        period: batch.period.chinese(),
        headline,
        red_tasks,
        red_units,
        changes,
        reporting,
        office: settings.office(plan),
        date: chinese_date(date),
    }
}

impl Brief {
    /// The 要情 as paragraphs of a one-page paper: at most six tasks and units named, then how many.
    pub fn blocks(&self) -> Vec<super::Block> {
        use super::Block::*;
        let list = |v: &[String]| if v.is_empty() { "无。".to_string() } else { format!("{}。", some(v, 6)) };
        let mut b = vec![
            // The list's own title, as on the 要情 sheet: no office's name is assumed.
            Title(self.title.clone()),
            Title(format!("（{}）", self.period)),
            Heading1(format!("一、总体情况。{}。", self.headline)),
            Heading1(format!("二、严重滞后任务{}项。", self.red_tasks.len())),
        ];
        b.extend(self.red_tasks.iter().take(6).enumerate().map(|(i, t)| Body(format!("{}. {t}。", i + 1))));
        if self.red_tasks.len() > 6 {
            b.push(Body(format!("另有{}项，见汇总表“任务汇总”（按亮灯筛选）。", self.red_tasks.len() - 6)));
        }
        b.push(Heading1(format!("三、严重滞后单位{}个。{}", self.red_units.len(), list(&self.red_units))));
        let mut n = 3;
        if let Some(changes) = &self.changes {
            n += 1;
            b.push(Heading1(format!("{}、与上月相比。{}。", super::chinese_numeral(n), changes.join("；"))));
        }
        b.push(Heading1(format!("{}、报送情况。{}。", super::chinese_numeral(n + 1), self.reporting)));
        b.push(Sender(self.office.clone()));
        b.push(Date(self.date.clone()));
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_say_what_was_done_against_what_and_how_far_behind() {
        let plan = Plan::builtin();
        let count = plan.task("4.1.2").unwrap(); // 222 个
        let f = figure(count, Some(60.0), Some(222.0), Some(27.03), Some(45.05));
        assert_eq!(f.text, format!("累计完成60{u}，全年目标222{u}，完成进度27.0%，序时进度45.0%", u = count.uom.clone().unwrap_or_default()));
        assert_eq!(f.gap, "落后序时进度18.0个百分点");
        // Ahead of pace: no gap to tell.
        assert_eq!(figure(count, Some(150.0), Some(222.0), Some(67.6), Some(45.0)).gap, "");
        // Growth rates in points, upper bounds as overshoot.
        let gdp = plan.task("1.1").unwrap();
        let f = figure(gdp, Some(6.4), Some(6.5), None, None);
        assert_eq!((f.text.as_str(), f.gap.as_str()), ("增长6.4%，目标6.5%", "低于目标0.1个百分点"));
        let jobless = plan.task("5.1.1").unwrap();
        let f = figure(jobless, Some(3.5), Some(3.0), None, None);
        assert_eq!((f.text.as_str(), f.gap.as_str()), ("为3.5%，控制目标3%", "超出目标0.5个百分点"));
        // No figure: the deadline.
        let milestone = plan.tasks.iter().find(|t| t.kind == Kind::Milestone).unwrap();
        assert!(figure(milestone, None, None, None, None).text.starts_with("完成时限："));
    }
}
