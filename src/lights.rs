//! Status lights (亮灯, SPEC §4): for a row and for a master task, at the period's end, by the
//! task's kind and 序时进度 (time elapsed, or the node target due by then).

use chrono::Datelike;

use crate::period::Period;
use crate::plan::{Kind, Task};
use crate::validate::meets;
use crate::values::{DeadlineValue, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Light {
    /// 已完成
    Blue,
    /// 正常推进
    Green,
    /// 轻度滞后
    Yellow,
    /// 严重滞后
    Red,
    /// 未启动 / 无数据
    Grey,
}

impl Light {
    pub const ALL: [Light; 5] = [Light::Blue, Light::Green, Light::Yellow, Light::Red, Light::Grey];

    /// The light a `short()` word names (as stored in the detail frame).
    pub fn from_short(word: &str) -> Option<Light> {
        Light::ALL.into_iter().find(|l| l.short() == word)
    }
    pub fn short(self) -> &'static str {
        match self {
            Light::Blue => "已完成",
            Light::Green => "正常推进",
            Light::Yellow => "轻度滞后",
            Light::Red => "严重滞后",
            Light::Grey => "未启动/无数据",
        }
    }
    /// Fill colour in the workbooks.
    pub fn rgb(self) -> u32 {
        match self {
            Light::Blue => 0x9BC2E6,
            Light::Green => 0xA9D08E,
            Light::Yellow => 0xFFE699,
            Light::Red => 0xFF7C80,
            Light::Grey => 0xD9D9D9,
        }
    }
    /// How urgent for the meeting: red first.
    pub fn urgency(self) -> u8 {
        match self {
            Light::Red => 0,
            Light::Yellow => 1,
            Light::Grey => 2,
            Light::Green => 3,
            Light::Blue => 4,
        }
    }
}

/// The gaps (in percentage points behind 序时进度) that turn a light yellow and red.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    pub yellow: f64,
    pub red: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { yellow: 10.0, red: 30.0 }
    }
}

/// What a light is judged on.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub actual: Option<f64>,
    pub target: Option<f64>,
    /// The node target due by the period, if one is set (same uom as target).
    pub node: Option<f64>,
    pub status: Option<Status>,
    pub deadline: Option<DeadlineValue>,
}

/// A percentage as every paper prints it, rounded once here (half up, to one decimal): 5.79 of
/// 12 is 48.3 % in the 督办清单, the 督办函 and the 通报 alike. Figures are first taken to nine
/// places, so that a quotient whose decimal value ends in 5 (48.25) is not rounded down for
/// being 48.24999… in binary.
pub fn percent(v: f64) -> f64 {
    let decimal = (v * 1e9).round() / 1e9;
    (decimal * 10.0).round() / 10.0
}

/// 序时进度 in percent (one decimal, [`percent`]): the node due (as a share of the target), else
/// the share of time elapsed.
pub fn expected_progress(period: Period, p: &Progress) -> f64 {
    percent(raw_expected(period, p))
}

fn raw_expected(period: Period, p: &Progress) -> f64 {
    if let (Some(node), Some(target)) = (p.node, p.target) {
        if target > 0.0 {
            return (node / target * 100.0).clamp(0.0, 100.0);
        }
    }
    let months = match p.deadline {
        Some(DeadlineValue::Date(d)) if d.year() == period.year => d.month() as f64,
        Some(DeadlineValue::Date(d)) if d < period.end() => 0.1,
        _ => 12.0,
    };
    (period.month as f64 / months * 100.0).min(100.0)
}

/// Completion in percent of the target (one decimal, [`percent`]), for kinds where that ratio
/// means something.
pub fn completion(kind: Kind, p: &Progress) -> Option<f64> {
    match (kind, p.actual, p.target) {
        (Kind::Count | Kind::Stretch | Kind::LowerBound, Some(a), Some(t)) if t > 0.0 => Some(percent(a / t * 100.0)),
        _ => None,
    }
}

fn by_gap(gap: f64, th: Thresholds) -> Light {
    if gap <= th.yellow {
        Light::Green
    } else if gap <= th.red {
        Light::Yellow
    } else {
        Light::Red
    }
}

pub fn light(task: &Task, period: Period, p: &Progress, th: Thresholds) -> Light {
    let overdue = matches!(p.deadline.or(Some(task.deadline)), Some(DeadlineValue::Date(d)) if d < period.end());
    let due_now = matches!(p.deadline.or(Some(task.deadline)), Some(DeadlineValue::Date(d)) if d <= period.end());
    if !task.kind.quantified() || p.actual.is_none() {
        return match p.status {
            Some(Status::Done) => Light::Blue,
            _ if overdue && (task.kind == Kind::Milestone || p.status.is_some()) => Light::Red,
            Some(Status::OnTrack) => Light::Green,
            Some(Status::Behind) => Light::Yellow,
            Some(Status::NotStarted) | None => Light::Grey,
        };
    }
    let (Some(actual), Some(target)) = (p.actual, p.target) else { return Light::Grey };
    let met = meets(task.kind, actual, target);
    match task.kind {
        Kind::Growth | Kind::UpperBound => {
            if met {
                return if due_now { Light::Blue } else { Light::Green };
            }
            if overdue {
                return Light::Red;
            }
            let shortfall = if target.abs() > 0.0 { (actual - target).abs() / target.abs() * 100.0 } else { 100.0 };
            by_gap(shortfall, th)
        }
        _ => {
            if met {
                return Light::Blue;
            }
            if overdue {
                return Light::Red;
            }
            let done = completion(task.kind, p).unwrap_or(0.0);
            by_gap(expected_progress(period, p) - done, th)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentage_is_rounded_once_half_up() {
        assert_eq!(percent(5.79 / 12.0 * 100.0), 48.3, "48.25 in decimal, 48.2499… in binary");
        assert_eq!(percent(1.0 / 3.0 * 100.0), 33.3);
        assert_eq!(percent(100.0), 100.0);
        assert_eq!(format!("{:.1}", percent(5.79 / 12.0 * 100.0)), "48.3");
    }
    use crate::plan::Plan;
    use chrono::NaiveDate;

    fn june() -> Period {
        Period { year: 2021, month: 6 }
    }

    fn p(actual: Option<f64>, target: f64, node: Option<f64>) -> Progress {
        Progress { actual, target: Some(target), node, status: None, deadline: None }
    }

    #[test]
    fn count_lights_follow_the_node_target() {
        let plan = Plan::builtin();
        let t = plan.task("4.1.2").unwrap(); // 222, q2 = 100 → 序时进度 45%
        let th = Thresholds::default();
        assert_eq!(light(t, june(), &p(Some(222.0), 222.0, Some(100.0)), th), Light::Blue);
        assert_eq!(light(t, june(), &p(Some(95.0), 222.0, Some(100.0)), th), Light::Green); // 42.8% vs 45%
        assert_eq!(light(t, june(), &p(Some(60.0), 222.0, Some(100.0)), th), Light::Yellow); // 27% vs 45%: 18 behind
        assert_eq!(light(t, june(), &p(Some(20.0), 222.0, Some(100.0)), th), Light::Red); // 9% vs 45%
        assert_eq!(light(t, june(), &p(None, 222.0, Some(100.0)), th), Light::Grey);
        // Without a node: 50% of the year has passed.
        assert_eq!(expected_progress(june(), &p(Some(1.0), 10.0, None)), 50.0);
        // Thresholds are settings.
        let strict = Thresholds { yellow: 1.0, red: 5.0 };
        assert_eq!(light(t, june(), &p(Some(95.0), 222.0, Some(100.0)), strict), Light::Yellow);
    }

    #[test]
    fn rates_and_bounds_are_judged_in_points_not_ratios() {
        let plan = Plan::builtin();
        let gdp = plan.task("1.1").unwrap();
        let th = Thresholds::default();
        assert_eq!(light(gdp, june(), &p(Some(7.9), 6.5, Some(6.5)), th), Light::Green);
        assert_eq!(light(gdp, june(), &p(Some(-2.0), 6.5, Some(6.5)), th), Light::Red);
        let jobless = plan.task("5.1.1").unwrap();
        assert_eq!(light(jobless, june(), &p(Some(2.9), 3.0, None), th), Light::Green);
        assert_eq!(light(jobless, june(), &p(Some(3.5), 3.0, None), th), Light::Yellow);
        assert_eq!(light(jobless, june(), &p(Some(4.5), 3.0, None), th), Light::Red);
    }

    #[test]
    fn deadlines_and_statuses() {
        let plan = Plan::builtin();
        let t = plan.task("4.6.5").unwrap();
        let th = Thresholds::default();
        let past = Some(DeadlineValue::Date(NaiveDate::from_ymd_opt(2021, 4, 30).unwrap()));
        let q = |status, deadline| Progress { actual: None, target: None, node: None, status, deadline };
        assert_eq!(light(t, june(), &q(Some(Status::OnTrack), past), th), Light::Red);
        assert_eq!(light(t, june(), &q(Some(Status::Done), past), th), Light::Blue);
        assert_eq!(light(t, june(), &q(Some(Status::OnTrack), None), th), Light::Green);
        assert_eq!(light(t, june(), &q(Some(Status::NotStarted), None), th), Light::Grey);
        // 2.1 is due on 30 June: short of 75 then is red.
        let t = plan.task("2.1").unwrap();
        let due = Some(DeadlineValue::Date(NaiveDate::from_ymd_opt(2021, 6, 30).unwrap()));
        let pr = Progress { actual: Some(60.0), target: Some(75.0), node: Some(75.0), status: None, deadline: due };
        assert_eq!(light(t, june(), &pr, th), Light::Yellow);
    }
}
