//! 下级明细: the sheet a level's return carries with every row of the level below behind its
//! figures (`luoshi report-up` writes it), read back by the level above to see through.

use anyhow::{bail, Result};

use crate::values::Status;

/// The sheet's name and columns.
pub const SHEET: &str = crate::fields::LOWER_SHEET;
pub const COLUMNS: [&str; 9] = ["单位", "任务编号", "上级任务编号", "全年目标", "累计完成", "状态", "亮灯", "来源文件", "行号"];

/// A 下级 row as the level above sees it (下级明细).
#[derive(Debug, Clone)]
pub struct LowerRow {
    pub unit: String,
    pub task_id: String,
    pub upper_id: Option<String>,
    pub target: Option<f64>,
    pub actual: Option<f64>,
    pub status: Option<Status>,
    /// The row's light as the lower level's luoshi said it (严重滞后 …).
    pub light: String,
    pub file: String,
    /// 1-based row in the source file; none for a 下级 unit that sent nothing.
    pub row: Option<u32>,
    /// 1-based row of this line in the 下级明细 sheet it was read from (0 when made, not read).
    pub sheet_row: u32,
}

/// The 下级明细 rows of a return, as the level above reads them: `cells` are the sheet's rows
/// (0-based row, cell texts by column).
pub fn read_lower(cells: &[(u32, Vec<String>)]) -> Result<Vec<LowerRow>> {
    let Some(h) = cells.iter().position(|(_, r)| r.iter().any(|c| c == "上级任务编号") && r.iter().any(|c| c == "累计完成")) else {
        bail!("“下级明细”工作表中找不到表头（应有“上级任务编号”“累计完成”列）")
    };
    let head = &cells[h].1;
    let col = |name: &str| head.iter().position(|c| c == name);
    let [unit, id, up, target, actual, status, lit, file, row] = COLUMNS.map(col);
    let get = |r: &Vec<String>, c: Option<usize>| c.and_then(|c| r.get(c)).map(|s| s.trim().to_string()).unwrap_or_default();
    let num = |s: String| crate::values::parse_number_text(&s).map(|n| n.value);
    Ok(cells[h + 1..]
        .iter()
        .filter(|(_, r)| !get(r, unit).is_empty() || !get(r, id).is_empty())
        .map(|(n, r)| LowerRow {
            unit: get(r, unit),
            task_id: get(r, id),
            upper_id: Some(get(r, up)).filter(|s| !s.is_empty()),
            target: num(get(r, target)),
            actual: num(get(r, actual)),
            status: crate::values::parse_status(&get(r, status)),
            light: get(r, lit),
            file: get(r, file),
            row: get(r, row).parse().ok(),
            sheet_row: *n + 1,
        })
        .collect())
}
