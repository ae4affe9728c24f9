//! Values as units type them (SPEC §2 "Values as units type them"): numbers with units and
//! separators, percentages, magnitudes, dates and deadline phrases, phone numbers, status words.
//! A leaf: the task list, the readers and the rules all parse values the same way.

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

use crate::fields::{is_invisible, squash};

/// Full-width punctuation (，；：（）) is how Chinese is written: kept as typed. Full-width
/// points, signs and percent (６．５％) are figures and are folded like the digits.
fn is_fullwidth_punctuation(c: char) -> bool {
    matches!(c, '，' | '；' | '：' | '（' | '）' | '！' | '？' | '［' | '］' | '｛' | '｝' | '～')
}

/// A character NFKC would not change, or Chinese punctuation we keep as typed. Invisible
/// characters are not: they are dropped.
fn kept_as_is(c: char) -> bool {
    c.is_ascii()
        || ('\u{4E00}'..='\u{9FFF}').contains(&c)
        || is_fullwidth_punctuation(c)
        || (!is_invisible(c) && unicode_normalization::is_nfkc_quick(std::iter::once(c)) == unicode_normalization::IsNormalized::Yes)
}

/// Text as we keep it: NFKC (full-width letters and digits, U+3000, NBSP) except Chinese
/// punctuation, `_x000D_` debris and invisible characters removed, line breaks kept, lines trimmed.
pub fn clean_text(s: &str) -> String {
    // Most text is already clean: one copy, no folding.
    let trimmed = |l: &str| l.trim().len() == l.len();
    if s.chars().all(|c| c != '\r' && kept_as_is(c)) && !s.contains("_x000D_") && s.split('\n').all(trimmed) && !s.starts_with('\n') && !s.ends_with('\n') {
        return s.to_string();
    }
    let s = if s.contains("_x000D_") || s.contains('\r') { s.replace("_x000D_", "").replace("\r\n", "\n").replace('\r', "\n") } else { s.to_string() };
    let mut folded = String::with_capacity(s.len());
    for c in s.chars() {
        if kept_as_is(c) {
            folded.push(c);
        } else if !is_invisible(c) {
            folded.extend(std::iter::once(c).nfkc());
        }
    }
    let mut out = String::with_capacity(folded.len());
    for (i, line) in folded.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(line.trim());
    }
    out.trim_matches('\n').to_string()
}

/// Shortest decimal that reads back as the same figure (7.0000000000000009 → 7).
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let r = (v * 1e9).round() / 1e9;
    let s = format!("{r}");
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A number read from text: `222个`, `7.5亿元`, `6.5%`, `1,299`, `２２２`.
#[derive(Debug, Clone, PartialEq)]
pub struct TextNumber {
    pub value: f64,
    pub percent: bool,
    /// What followed the figure (`个`, `亿元`, `万亩`), if anything.
    pub unit: Option<String>,
}

/// Words that mean "no figure" — never a 0.
const NOT_NUMBERS: &[&str] = &["/", "—", "-", "--", "——", "无", "暂无", "待统计", "已完成", "完成", "√", "是", "否", "未统计", "不适用"];

pub fn parse_number_text(raw: &str) -> Option<TextNumber> {
    let s = squash(raw);
    if s.is_empty() || NOT_NUMBERS.contains(&s.as_str()) {
        return None;
    }
    let mut s = s.replace('−', "-");
    let mut negative = false;
    for prefix in ["约", "≥", ">=", ">", "超过", "超", "增长", "达到", "达"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_string();
        }
    }
    if let Some(rest) = s.strip_prefix("下降") {
        s = rest.to_string();
        negative = true;
    }
    // Figure: sign, digits with thousands separators, one decimal point.
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut fig = String::new();
    if i < chars.len() && (chars[i] == '-' || chars[i] == '+') {
        if chars[i] == '-' {
            negative = !negative;
        }
        i += 1;
    }
    let mut seen_digit = false;
    let mut seen_point = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            fig.push(c);
            seen_digit = true;
        } else if c == '.' && !seen_point && seen_digit {
            fig.push(c);
            seen_point = true;
        } else if c == ',' && seen_digit && !seen_point && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
            // thousands separator
        } else {
            break;
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    let mut fig = fig.trim_end_matches('.').to_string();
    // An exponent as Excel shows big numbers (`1.2E+05`), pasted as text.
    if let Some(&e @ ('e' | 'E')) = chars.get(i) {
        let sign = chars.get(i + 1).filter(|c| **c == '+' || **c == '-').map(|_| 1).unwrap_or(0);
        let digits = chars[(i + 1 + sign).min(chars.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits > 0 {
            fig.push(e);
            fig.extend(&chars[i + 1..i + 1 + sign + digits]);
            i += 1 + sign + digits;
        }
    }
    let mut value: f64 = fig.parse().ok()?;
    if negative {
        value = -value;
    }
    let mut rest: String = chars[i..].iter().collect();
    // `222(含室分)`, `6.5%以上`: drop a bracketed note and a trailing qualifier.
    if let Some(p) = rest.find('(') {
        rest.truncate(p);
    }
    for suffix in ["以上", "以内", "左右", "多", "余"] {
        if let Some(r) = rest.strip_suffix(suffix) {
            rest = r.to_string();
        }
    }
    let mut percent = false;
    if let Some(r) = rest.strip_prefix('%') {
        percent = true;
        rest = r.to_string();
    }
    if rest.is_empty() {
        return Some(TextNumber { value, percent, unit: None });
    }
    // What is left must look like a unit of measure: short, no digits.
    if percent || rest.chars().count() > 6 || rest.chars().any(|c| c.is_ascii_digit() || c == '.' || c == '%') {
        return None;
    }
    Some(TextNumber { value, percent, unit: Some(rest) })
}

/// Split a unit of measure into magnitude and base: `亿元` → (1e8, `元`), `万亩` → (1e4, `亩`).
fn uom_parts(uom: &str) -> (f64, String) {
    let u = squash(uom);
    let (mag, base) = if let Some(b) = u.strip_prefix('亿') {
        (1e8, b.to_string())
    } else if let Some(b) = u.strip_prefix('万') {
        (1e4, b.to_string())
    } else if let Some(b) = u.strip_prefix('千').filter(|b| *b != "米" && *b != "克" && *b != "瓦") {
        (1e3, b.to_string())
    } else {
        (1.0, u)
    };
    let base = match base.as_str() {
        "平" | "平米" | "m2" | "㎡" => "平方米".to_string(),
        "km" | "千米" => "公里".to_string(),
        "" if mag != 1.0 => "个".to_string(),
        _ => base,
    };
    (mag, base)
}

/// Convert a figure between units of measure that differ only by 万/亿 (`85000万元` → 8.5 亿元).
/// `None` when they measure different things (`个` vs `家`).
pub fn convert(value: f64, from: &str, to: &str) -> Option<f64> {
    if squash(from) == squash(to) {
        return Some(value);
    }
    let (mf, bf) = uom_parts(from);
    let (mt, bt) = uom_parts(to);
    if bf == bt && !bf.is_empty() {
        Some(value * mf / mt)
    } else {
        None
    }
}

/// A deadline: a date, or ongoing work (长期坚持, 常态化) with no date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineValue {
    Date(NaiveDate),
    Ongoing,
}

impl DeadlineValue {
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            DeadlineValue::Date(d) => Some(d),
            DeadlineValue::Ongoing => None,
        }
    }
    pub fn display(self) -> String {
        match self {
            DeadlineValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            DeadlineValue::Ongoing => "长期坚持".into(),
        }
    }
}

const ONGOING: &[&str] = &["长期坚持", "持续推进", "常态化", "常态化推进", "长期", "持续", "长期推进", "常态", "长期坚持推进"];

pub fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) {
        return None;
    }
    let (ny, nm) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// Read a number out of `s` starting at `i`; returns the number and the index after it.
fn take_uint(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let mut j = i;
    let mut n: u32 = 0;
    while j < chars.len() && chars[j].is_ascii_digit() && j - i < 5 {
        n = n * 10 + chars[j].to_digit(10)?;
        j += 1;
    }
    if j == i {
        None
    } else {
        Some((n, j))
    }
}

fn cn_ordinal(s: &str) -> Option<u32> {
    Some(match s {
        "一" | "1" | "第一" => 1,
        "二" | "2" | "第二" => 2,
        "三" | "3" | "第三" => 3,
        "四" | "4" | "第四" => 4,
        _ => return None,
    })
}

/// Dates and deadline phrases typed as text; `year` fills in `6月底`.
pub fn parse_deadline_text(raw: &str, year: i32) -> Option<DeadlineValue> {
    let mut s = squash(raw);
    for suffix in ["以前", "之前", "前", "完成"] {
        if s.len() > suffix.len() {
            if let Some(r) = s.strip_suffix(suffix) {
                s = r.to_string();
            }
        }
    }
    if s.is_empty() {
        return None;
    }
    if ONGOING.contains(&s.as_str()) || s.starts_with("长期") || s.starts_with("常态化") {
        return Some(DeadlineValue::Ongoing);
    }
    let d = |y: i32, m: u32, day: u32| NaiveDate::from_ymd_opt(y, m, day).map(DeadlineValue::Date);
    let phrase = s.strip_prefix(&format!("{year}年")).unwrap_or(&s).to_string();
    match phrase.as_str() {
        "年底" | "年末" | "年内" | "全年" | "年底前" | "下半年" | "四季度" | "四季度末" | "第四季度" | "12月底" | "12月末" => {
            return d(year, 12, 31)
        }
        "上半年" | "年中" | "上半年末" => return d(year, 6, 30),
        _ => {}
    }
    if let Some(q) = phrase.strip_suffix("季度末").or_else(|| phrase.strip_suffix("季度")) {
        if let Some(q) = cn_ordinal(q) {
            return month_end(year, q * 3).map(DeadlineValue::Date);
        }
    }
    let chars: Vec<char> = s.chars().collect();
    let (a, i) = take_uint(&chars, 0)?;
    let rest: String = chars[i..].iter().collect();
    // 2022-06-30, 2022/6/30, 2022.6.30, 2022年6月30日, 2022年6月底, 2022年6月
    if (1900..=2100).contains(&a) {
        let y = a as i32;
        let sep = *chars.get(i)?;
        if !matches!(sep, '-' | '/' | '.' | '年') {
            return None;
        }
        let (m, j) = take_uint(&chars, i + 1)?;
        let tail: String = chars[j..].iter().collect();
        if tail.is_empty() || tail == "月" || tail == "月底" || tail == "月末" || tail == "月份" {
            return month_end(y, m).map(DeadlineValue::Date);
        }
        let sep2 = chars[j];
        if !matches!(sep2, '-' | '/' | '.' | '月') {
            return None;
        }
        let (day, k) = take_uint(&chars, j + 1)?;
        let tail: String = chars[k..].iter().collect();
        if tail.is_empty() || tail == "日" || tail == "号" {
            return d(y, m, day);
        }
        return None;
    }
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        let y: i32 = s[0..4].parse().ok()?;
        let m: u32 = s[4..6].parse().ok()?;
        let day: u32 = s[6..8].parse().ok()?;
        return d(y, m, day);
    }
    // 6月底, 6月末, 6月30日, 6月
    if (1..=12).contains(&a) {
        if rest == "月底" || rest == "月末" || rest == "月" || rest == "月份" {
            return month_end(year, a).map(DeadlineValue::Date);
        }
        if let Some(r) = rest.strip_prefix('月') {
            let rc: Vec<char> = r.chars().collect();
            let (day, k) = take_uint(&rc, 0)?;
            let tail: String = rc[k..].iter().collect();
            if tail.is_empty() || tail == "日" || tail == "号" {
                return d(year, a, day);
            }
        }
    }
    None
}

/// Excel serial day number → date (1900 system, with its phantom 29 Feb 1900; or 1904 system).
pub fn serial_to_date(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let base = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if days < 61 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    base.checked_add_signed(chrono::Duration::days(days))
}

/// A plain number in a date column: a serial date (44377), or a mistyped date (6.3, 2022.1)?
pub enum NumberAsDate {
    Serial(NaiveDate),
    LooksMistyped,
    Nonsense,
}

pub fn number_in_date_column(v: f64) -> NumberAsDate {
    if v.fract() == 0.0 && (20_000.0..=80_000.0).contains(&v) {
        if let Some(d) = serial_to_date(v, false) {
            return NumberAsDate::Serial(d);
        }
    }
    let whole = v.trunc();
    let frac_digits = fmt_num(v).split('.').nth(1).map(|f| f.len()).unwrap_or(0);
    if ((1.0..=12.0).contains(&whole) && frac_digits <= 2 && v.fract() != 0.0)
        || ((1990.0..=2100.0).contains(&whole) && (1..=2).contains(&frac_digits))
        || (v.fract() == 0.0 && (1.0..=12.0).contains(&v))
    {
        NumberAsDate::LooksMistyped
    } else {
        NumberAsDate::Nonsense
    }
}

/// 11-digit mobile, or landline with area code (0412-3123456).
pub fn phone_ok(raw: &str) -> bool {
    let s = squash(raw);
    let mut any = false;
    for part in s.split(['、', ',', ';', '/']) {
        if part.is_empty() {
            continue;
        }
        any = true;
        let digits: String = part.chars().filter(|c| c.is_ascii_digit()).collect();
        let only_digits_and_dash = part.chars().all(|c| c.is_ascii_digit() || c == '-');
        if !only_digits_and_dash {
            return false;
        }
        let mobile = digits.len() == 11 && digits.starts_with('1') && !part.contains('-');
        let landline = digits.starts_with('0') && (10..=12).contains(&digits.len());
        if !(mobile || landline) {
            return false;
        }
    }
    any
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Done,
    OnTrack,
    Behind,
    NotStarted,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Done => "已完成",
            Status::OnTrack => "正常推进",
            Status::Behind => "滞后",
            Status::NotStarted => "未启动",
        }
    }
    pub const ALLOWED: [&'static str; 4] = ["已完成", "正常推进", "滞后", "未启动"];
}

pub fn parse_status(raw: &str) -> Option<Status> {
    Some(match squash(raw).as_str() {
        "已完成" | "完成" | "提前完成" | "超额完成" | "已销号" | "销号" => Status::Done,
        "正常推进" | "达进度" | "按序时" | "持续推进" | "长期坚持" | "超进度" | "正常" | "按序时推进" => Status::OnTrack,
        "滞后" | "欠进度" | "慢序时" | "进度滞后" | "滞后推进" => Status::Behind,
        "未启动" | "未开工" | "未开始" => Status::NotStarted,
        _ => return None,
    })
}

/// `报送期次：2022年6月`, `截至2022年6月30日`, `2022-06` → (2022, 6).
pub fn find_year_month(s: &str) -> Option<(i32, u32)> {
    let chars: Vec<char> = squash(s).chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            if let Some((y, j)) = take_uint(&chars, i) {
                if (1990..=2100).contains(&y) && j < chars.len() && matches!(chars[j], '年' | '-' | '/' | '.') {
                    if let Some((m, _)) = take_uint(&chars, j + 1) {
                        if (1..=12).contains(&m) {
                            return Some((y as i32, m));
                        }
                    }
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    None
}

pub fn find_date(s: &str, year: i32) -> Option<NaiveDate> {
    let sq = squash(s);
    let start = sq.find(|c: char| c.is_ascii_digit())?;
    parse_deadline_text(&sq[start..], year)?.date().filter(|d| d.year() > 1900)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<(f64, bool, Option<String>)> {
        parse_number_text(s).map(|t| (t.value, t.percent, t.unit))
    }

    #[test]
    fn numbers_as_units_type_them() {
        assert_eq!(n("２２２"), Some((222.0, false, None)));
        assert_eq!(n("1,299"), Some((1299.0, false, None)));
        assert_eq!(n("1，299"), Some((1299.0, false, None)));
        assert_eq!(n("222个"), Some((222.0, false, Some("个".into()))));
        assert_eq!(n("7.5亿元"), Some((7.5, false, Some("亿元".into()))));
        assert_eq!(n("5.88万亩"), Some((5.88, false, Some("万亩".into()))));
        assert_eq!(n("6.5%"), Some((6.5, true, None)));
        assert_eq!(n("６．５％"), Some((6.5, true, None)));
        assert_eq!(n("－3.2%"), Some((-3.2, true, None)));
        assert_eq!(n("下降3.2%"), Some((-3.2, true, None)));
        assert_eq!(n("222(含室分)"), Some((222.0, false, None)));
        for bad in ["两百", "一千一百亿", "已完成", "/", "—", "无", "待统计", "", "12.3.4", "5月底完成80%"] {
            assert_eq!(n(bad), None, "{bad}");
        }
    }

    #[test]
    fn magnitudes_convert() {
        assert_eq!(convert(85000.0, "万元", "亿元"), Some(8.5));
        assert_eq!(convert(9000.0, "亩", "万亩"), Some(0.9));
        assert_eq!(convert(10.2, "万株", "万株"), Some(10.2));
        assert_eq!(convert(1_200_000.0, "株", "万株"), Some(120.0));
        assert_eq!(convert(100.0, "万平", "万平方米"), Some(100.0));
        assert_eq!(convert(3.0, "个", "家"), None);
        assert_eq!(convert(3.0, "处", "个"), None);
    }

    #[test]
    fn dates_and_phrases() {
        let d = |y, m, day| Some(DeadlineValue::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap()));
        assert_eq!(parse_deadline_text("2021-06-30", 2021), d(2021, 6, 30));
        assert_eq!(parse_deadline_text("2021/6/30", 2021), d(2021, 6, 30));
        assert_eq!(parse_deadline_text("2021.6.30", 2021), d(2021, 6, 30));
        assert_eq!(parse_deadline_text("2021.12.31", 2021), d(2021, 12, 31));
        assert_eq!(parse_deadline_text("2021年6月30日", 2021), d(2021, 6, 30));
        assert_eq!(parse_deadline_text("2021年6月底", 2021), d(2021, 6, 30));
        assert_eq!(parse_deadline_text("6月底", 2021), d(2021, 6, 30));
        assert_eq!(parse_deadline_text("11月底前", 2021), d(2021, 11, 30));
        assert_eq!(parse_deadline_text("年底前", 2021), d(2021, 12, 31));
        assert_eq!(parse_deadline_text("上半年", 2021), d(2021, 6, 30));
        assert_eq!(parse_deadline_text("三季度末", 2021), d(2021, 9, 30));
        assert_eq!(parse_deadline_text("长期坚持", 2021), Some(DeadlineValue::Ongoing));
        assert_eq!(parse_deadline_text("常态化", 2021), Some(DeadlineValue::Ongoing));
        assert_eq!(parse_deadline_text("待定", 2021), None);
        assert_eq!(parse_deadline_text("2021-02-30", 2021), None);
        assert_eq!(serial_to_date(44377.0, false), NaiveDate::from_ymd_opt(2021, 6, 30));
        assert_eq!(serial_to_date(44561.0, false), NaiveDate::from_ymd_opt(2021, 12, 31));
        assert!(matches!(number_in_date_column(6.3), NumberAsDate::LooksMistyped));
        assert!(matches!(number_in_date_column(2021.1), NumberAsDate::LooksMistyped));
        assert!(matches!(number_in_date_column(44377.0), NumberAsDate::Serial(_)));
    }

    #[test]
    fn phones_and_statuses() {
        assert!(phone_ok("13941266830"));
        assert!(phone_ok("0412-3123456"));
        assert!(!phone_ok("1394126683"));
        assert!(!phone_ok("电话"));
        assert_eq!(parse_status("欠进度"), Some(Status::Behind));
        assert_eq!(parse_status("超额完成"), Some(Status::Done));
        assert_eq!(parse_status("进行中"), None);
        assert_eq!(find_year_month("报送期次：2021年6月"), Some((2021, 6)));
        assert_eq!(find_year_month("截至2021年6月30日"), Some((2021, 6)));
        assert_eq!(clean_text("  a_x000D_\r\nｂ\u{3000}c \u{200B}"), "a\nb c");
        assert_eq!(clean_text("增长６．４%，低于目标（预计）。"), "增长6.4%，低于目标（预计）。");
    }
}
