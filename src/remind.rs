//! 催报: the units still owing this period's return before the deadline, whom to call and what
//! to say. Made by `luoshi remind`, written by `write::remind`, said by the terminal.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::ledger::Contact;
use crate::period::Period;

/// Why a unit is chased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chase {
    /// Nothing sent yet.
    NotSent,
    /// Files sent, none of them usable (unreadable, no table, unit not identified).
    Unusable,
}

impl Chase {
    pub fn label(self) -> &'static str {
        match self {
            Chase::NotSent => "未报送",
            Chase::Unusable => "已报但无法使用",
        }
    }
}

/// One unit to chase.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub unit: String,
    pub group: String,
    pub state: Chase,
    pub contact: Option<Contact>,
    /// The period the contact comes from.
    pub contact_period: Option<String>,
    pub tasks: Vec<String>,
    pub message: String,
}

/// What `remind` found and wrote.
pub struct Reminders {
    pub period: Period,
    pub due: NaiveDate,
    pub list: Vec<Reminder>,
    pub path: PathBuf,
    pub notes: Vec<String>,
}
