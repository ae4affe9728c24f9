//! What an Excel cell can hold, in one place: ingest clamps what it reads by these limits, normalise
//! reports values beyond them, and every writer passes what it writes through them, so that no
//! value a unit typed can stop an output workbook.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};

/// Excel's limit for the text of one cell, in UTF-16 code units.
pub const MAX_CELL_TEXT: usize = 32_767;
/// A cell note (comment): rust_xlsxwriter keeps 54 units for the author's name. Notes are read on
/// screen, so luoshi keeps them much shorter.
pub const MAX_NOTE_TEXT: usize = 2_000;
/// Data-validation input and error messages.
pub const MAX_VALIDATION_TITLE: usize = 32;
pub const MAX_VALIDATION_MESSAGE: usize = 255;
/// A sheet name.
pub const MAX_SHEET_NAME: usize = 31;
/// The largest magnitude Excel stores.
pub const MAX_NUMBER: f64 = 1e308;

/// The keyword luoshi puts in the document properties of the workbooks it writes for people to read
/// (汇总表, 校验报告, 对账表, 核定数据表) — not of forms meant to be filled in and sent back (模板,
/// 退回). Ingest skips a marked file: dropped into a submissions folder, it is not a submission.
pub const OUTPUT_MARK: &str = "luoshi-output";

/// Appended where text was cut to fit.
pub const TRUNCATED_MARK: &str = "…（超长，已截断）";

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// `s` cut to at most `max` UTF-16 units, ending with [`TRUNCATED_MARK`] when cut.
pub fn clamp_text(s: &str, max: usize) -> Cow<'_, str> {
    // Byte length bounds the UTF-16 length from above: most text needs no count at all.
    if s.len() <= max || utf16_len(s) <= max {
        return Cow::Borrowed(s);
    }
    let room = max.saturating_sub(utf16_len(TRUNCATED_MARK));
    let mut used = 0;
    let mut out = String::with_capacity(room * 3);
    for ch in s.chars() {
        used += ch.len_utf16();
        if used > room {
            break;
        }
        out.push(ch);
    }
    out.push_str(TRUNCATED_MARK);
    Cow::Owned(out)
}

/// `s` without the characters an Office document (XML 1.0) cannot hold — control characters other
/// than tab and line breaks, U+FFFE and U+FFFF — which Word would call the file corrupt for.
/// Such characters come from settings and templates the office edits.
pub fn xml_safe(s: &str) -> Cow<'_, str> {
    let bad = |c: char| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}');
    if s.chars().any(bad) {
        Cow::Owned(s.chars().filter(|&c| !bad(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// Whether Excel can store this number.
pub fn number_fits(v: f64) -> bool {
    v.is_finite() && v.abs() <= MAX_NUMBER
}

/// Whether Excel can store this date (1900-01-01 to 9999-12-31).
pub fn date_fits(d: NaiveDate) -> bool {
    (1900..=9999).contains(&d.year())
}

/// A sheet name Excel accepts: no `[]:*?/\`, no leading or trailing apostrophe, at most 31
/// characters, never empty.
pub fn sheet_name(s: &str) -> String {
    let cleaned: String = s.chars().map(|c| if "[]:*?/\\".contains(c) || c.is_control() { '_' } else { c }).collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    let cut: String = cleaned.chars().take(MAX_SHEET_NAME).collect();
    if cut.is_empty() {
        "Sheet".to_string()
    } else {
        cut
    }
}

/// [`sheet_name`], made different from every name in `used` (Excel compares them ignoring case)
/// by a number at the end; the name is added to `used`.
pub fn unique_sheet_name(s: &str, used: &mut std::collections::HashSet<String>) -> String {
    let base = sheet_name(s);
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name.to_lowercase()) {
        let suffix = format!("({n})");
        let keep = MAX_SHEET_NAME - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        n += 1;
    }
    used.insert(name.to_lowercase());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_a_mark_within_the_limit() {
        let s = "字".repeat(40_000);
        let c = clamp_text(&s, MAX_CELL_TEXT);
        assert!(c.ends_with(TRUNCATED_MARK));
        assert!(utf16_len(&c) <= MAX_CELL_TEXT);
        assert!(utf16_len(&c) > MAX_CELL_TEXT - 20);
        // Characters outside the BMP count twice, as in Excel.
        let wide = "𠀀".repeat(20_000);
        assert!(utf16_len(&clamp_text(&wide, MAX_CELL_TEXT)) <= MAX_CELL_TEXT);
        assert_eq!(clamp_text("短", MAX_CELL_TEXT), "短");
    }

    #[test]
    fn values_beyond_excel() {
        assert!(!number_fits(f64::INFINITY));
        assert!(!number_fits(f64::NAN));
        assert!(number_fits(1e300));
        assert!(!date_fits(NaiveDate::from_ymd_opt(10000, 1, 1).unwrap()));
        assert!(!date_fits(NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()));
        assert_eq!(sheet_name("a/b:c[1]"), "a_b_c_1_");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
        let mut used = std::collections::HashSet::new();
        let a = unique_sheet_name(&"长".repeat(40), &mut used);
        let b = unique_sheet_name(&"长".repeat(41), &mut used);
        assert_ne!(a, b);
        assert_eq!(b.chars().count(), 31);
        assert!(b.ends_with("(2)"));
    }
}
