//! The period a batch is for (报送期次): a month of a year, as people write it in folder and file
//! names and in the forms. A leaf every stage uses.

use chrono::NaiveDate;

use crate::fields::squash;
use crate::values::{find_year_month, month_end};

/// The period being processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub month: u32,
}

impl Period {
    /// A period as people write it: `2022-06`, `2022-6`, `2022年6月`, `2022.6`, `2022/06`, `202206`.
    pub fn parse(s: &str) -> Option<Period> {
        let s = squash(s);
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 6 && digits == s {
            let p = Period { year: digits[..4].parse().ok()?, month: digits[4..].parse().ok()? };
            return p.valid().then_some(p);
        }
        let (y, m) = find_year_month(&s)?;
        let p = Period { year: y, month: m };
        // The whole text is the period (a trailing 月 allowed), not a period inside other words.
        let rest = s.trim_end_matches('月');
        let whole = rest.chars().all(|c| c.is_ascii_digit() || matches!(c, '年' | '-' | '/' | '.'));
        (whole && p.valid()).then_some(p)
    }
    /// A period inside a folder or file name: `2022年6月报送`, `东四街道_2022-06.xlsx`, `202206`.
    pub fn find_in(name: &str) -> Option<Period> {
        if let Some((y, m)) = find_year_month(name) {
            return Some(Period { year: y, month: m });
        }
        // Six digits standing alone: 202206.
        let chars: Vec<char> = name.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            if run == 6 {
                let d: String = chars[i..i + 6].iter().collect();
                let p = Period { year: d[..4].parse().ok()?, month: d[4..].parse().ok()? };
                if p.valid() {
                    return Some(p);
                }
            }
            i += run.max(1);
        }
        None
    }
    fn valid(self) -> bool {
        (1..=12).contains(&self.month) && (1990..=2100).contains(&self.year)
    }
    pub fn end(self) -> NaiveDate {
        month_end(self.year, self.month).unwrap_or_default()
    }
    pub fn label(self) -> String {
        format!("{}-{:02}", self.year, self.month)
    }
    pub fn chinese(self) -> String {
        format!("{}年{}月", self.year, self.month)
    }
    pub fn next(self) -> Period {
        if self.month == 12 {
            Period { year: self.year + 1, month: 1 }
        } else {
            Period { year: self.year, month: self.month + 1 }
        }
    }
    pub fn previous(self) -> Period {
        if self.month == 1 {
            Period { year: self.year - 1, month: 12 }
        } else {
            Period { year: self.year, month: self.month - 1 }
        }
    }
    /// Index of the node target due by the end of this period (q1 at March, q2 at June, q3 at September).
    pub fn due_node(self) -> Option<usize> {
        match self.month {
            3..=5 => Some(0),
            6..=8 => Some(1),
            9..=12 => Some(2),
            _ => None,
        }
    }
}
