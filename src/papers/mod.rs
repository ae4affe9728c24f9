//! The meeting's paperwork settings and wording: who sends, whom to call, by when (`templates/papers.toml`),
//! and the sentences the office edits without a new binary (minijinja templates in `templates/`).

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;

pub const DEFAULT_SETTINGS: &str = include_str!("../../templates/papers.toml");
pub const DEFAULT_REMIND: &str = include_str!("../../templates/remind.txt");
pub const DEFAULT_NOTICE: &str = include_str!("../../templates/notice.txt");
pub const DEFAULT_LETTER: &str = include_str!("../../templates/letter.txt");

mod blocks;
pub mod facts;

pub use blocks::Block;

/// What the 通报 and 督办函 are written with: settings, wording, and their date.
#[derive(Clone)]
pub struct Papers {
    pub settings: Settings,
    pub notice: Wording,
    pub letter: Wording,
    /// 成文日期.
    pub date: chrono::NaiveDate,
}

impl Papers {
    /// The built-in settings and templates, dated `date`.
    pub fn builtin(date: chrono::NaiveDate) -> Papers {
        Papers::load(None, None, None, date).expect("built-in papers templates are valid")
    }

    /// Each file replaces its built-in default; a template error names the file and line.
    pub fn load(settings: Option<&Path>, notice: Option<&Path>, letter: Option<&Path>, date: chrono::NaiveDate) -> Result<Papers> {
        Ok(Papers {
            settings: Settings::load(settings)?,
            notice: Wording::load(notice, "内置的通报模板", DEFAULT_NOTICE)?,
            letter: Wording::load(letter, "内置的督办函模板", DEFAULT_LETTER)?,
            date,
        })
    }
}

impl std::fmt::Debug for Papers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Papers").field("settings", &self.settings).field("date", &self.date).finish_non_exhaustive()
    }
}

impl Settings {
    /// Who sends the papers: as set here, else the task list's 督查机构.
    pub fn office(&self, plan: &crate::plan::Plan) -> String {
        self.office.clone().unwrap_or_else(|| plan.office.clone())
    }
}

/// `templates/papers.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// 发文机关: the SMS heading and the letters' sender; the task list's 督查机构 when not given.
    pub office: Option<String>,
    /// 联系人 and phone, quoted in the 催报 message and the 督办函; none said when not given.
    #[serde(default)]
    pub contact: Option<String>,
    /// 催报: the day of the period's month by which the form is due.
    pub due_day: u32,
    /// 督办函: days after the letter's date by which the unit replies.
    #[serde(default = "default_reply_days")]
    pub reply_days: u32,
}

fn default_reply_days() -> u32 {
    10
}

impl Settings {
    pub fn builtin() -> Settings {
        // Embedded at build time and tested: failing here is a build defect, not bad input.
        Settings::parse(DEFAULT_SETTINGS, "templates/papers.toml").expect("templates/papers.toml is valid")
    }

    pub fn load(path: Option<&Path>) -> Result<Settings> {
        match path {
            None => Ok(Settings::builtin()),
            Some(p) => {
                let text = std::fs::read_to_string(p).with_context(|| format!("无法读取设置文件 {}", p.display()))?;
                Settings::parse(&text, &p.display().to_string())
            }
        }
    }

    fn parse(text: &str, name: &str) -> Result<Settings> {
        let s: Settings = toml::from_str(text).map_err(|e| {
            let at = crate::reason::toml_line(text, &e).map(|l| format!("第{l}行：")).unwrap_or_default();
            anyhow::anyhow!("设置文件 {name} {at}{}（应有 due_day，可选 office、contact、reply_days）", crate::reason::toml_reason(&e, ""))
        })?;
        if !(1..=31).contains(&s.due_day) {
            anyhow::bail!("设置文件 {name}：due_day（每月几日前报送）应为 1 到 31，现为 {}", s.due_day);
        }
        if !(1..=365).contains(&s.reply_days) {
            anyhow::bail!("设置文件 {name}：reply_days（督办函几日内回复）应为 1 到 365，现为 {}", s.reply_days);
        }
        Ok(s)
    }
}

/// File names of the papers under the output folder.
pub const LETTERS_DIR: &str = "督办函";

pub fn notice_file(period: crate::period::Period) -> String {
    format!("通报_{}.docx", period.label())
}

pub fn brief_file(period: crate::period::Period) -> String {
    format!("要情_{}.docx", period.label())
}

/// The 要情: one page, its figures the 通报's.
pub fn brief(plan: &crate::plan::Plan, batch: &crate::batch::Batch, papers: &Papers) -> facts::Brief {
    facts::brief(plan, batch, &papers.settings, papers.date)
}

/// The 通报 in paragraphs: facts gathered from the batch, worded by the template.
pub fn notice(plan: &crate::plan::Plan, batch: &crate::batch::Batch, papers: &Papers) -> Result<Vec<Block>> {
    let facts = facts::notice(plan, batch, &papers.settings, papers.date);
    let text = papers.notice.render(minijinja::Value::from(minijinja::value::Serde(&facts)))?;
    Ok(Block::parse(&text))
}

/// Each 督办函 in paragraphs, with its unit: one that fails to render never costs the others.
pub fn letters(plan: &crate::plan::Plan, batch: &crate::batch::Batch, papers: &Papers) -> Vec<(String, Result<Vec<Block>>)> {
    use rayon::prelude::*;
    facts::letters(plan, batch, &papers.settings, papers.date)
        .into_par_iter()
        .map(|l| {
            let blocks = papers.letter.render(minijinja::Value::from(minijinja::value::Serde(&l))).map(|t| Block::parse(&t));
            (l.unit, blocks)
        })
        .collect()
}

/// A wording template, checked when loaded: an error names the line, never panics.
#[derive(Clone)]
pub struct Wording {
    env: minijinja::Environment<'static>,
}

impl Wording {
    /// `text` under the name `name` (the file it came from, for messages).
    pub fn new(name: &str, text: &str) -> Result<Wording> {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // `{{ loop.index | cn }}` → 一、十二、二十一: heading numbers for any count of items.
        env.add_filter("cn", |n: u32| chinese_numeral(n));
        env.add_template_owned(name.to_string(), text.to_string()).map_err(|e| template_error(name, &e, Some(text)))?;
        Ok(Wording { env })
    }

    pub fn load(path: Option<&Path>, default_name: &str, default: &str) -> Result<Wording> {
        match path {
            None => Wording::new(default_name, default),
            Some(p) => {
                let text = std::fs::read_to_string(p).with_context(|| format!("无法读取模板 {}", p.display()))?;
                Wording::new(&p.display().to_string(), &text)
            }
        }
    }

    /// The template rendered with `ctx`, trimmed of the final newline.
    pub fn render(&self, ctx: minijinja::Value) -> Result<String> {
        let name = self.env.templates().next().map(|(n, _)| n.to_string()).unwrap_or_default();
        let t = self.env.get_template(&name).map_err(|e| template_error(&name, &e, None))?;
        Ok(t.render(ctx).map_err(|e| template_error(&name, &e, Some(t.source())))?.trim_end().to_string())
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五; from 1,000 on, the figures.
pub fn chinese_numeral(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    // The ones after a 十: none for a round ten.
    let ones = |n: u32| if n.is_multiple_of(10) { "" } else { D[(n % 10) as usize] };
    match n {
        0..=9 => D[n as usize].to_string(),
        10..=19 => format!("十{}", ones(n)),
        20..=99 => format!("{}十{}", D[(n / 10) as usize], ones(n)),
        100..=999 => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", D[rest as usize]),
                10..=19 => format!("一{}", chinese_numeral(rest)),
                _ => chinese_numeral(rest),
            };
            format!("{}百{tail}", D[(n / 100) as usize])
        }
        _ => n.to_string(),
    }
}

/// A template error in Chinese: the file, the line, what is wrong and, since minijinja does not
/// always say which name or character, the line itself.
fn template_error(name: &str, e: &minijinja::Error, source: Option<&str>) -> anyhow::Error {
    let at = e.line().map(|l| format!("第{l}行：")).unwrap_or_default();
    let what = match e.kind() {
        minijinja::ErrorKind::UndefinedError => "用到了没有的变量",
        minijinja::ErrorKind::SyntaxError => "模板语法错误",
        minijinja::ErrorKind::UnknownFilter => "用到了不认识的过滤器",
        minijinja::ErrorKind::UnknownFunction => "用到了不认识的函数",
        minijinja::ErrorKind::UnknownTest => "用到了不认识的判断",
        minijinja::ErrorKind::UnknownMethod => "用到了不认识的方法",
        _ => "无法生成",
    };
    let unknown = matches!(
        e.kind(),
        minijinja::ErrorKind::UnknownFilter | minijinja::ErrorKind::UnknownFunction | minijinja::ErrorKind::UnknownTest | minijinja::ErrorKind::UnknownMethod
    );
    let detail = e.detail().filter(|_| !unknown).map(|d| format!("（{}）", detail_in_chinese(d))).unwrap_or_default();
    let line = e.line().and_then(|l| source?.lines().nth(l.saturating_sub(1))).map(|l| format!("；该行为：{}", l.trim())).unwrap_or_default();
    anyhow::anyhow!("模板 {name} {at}{what}{detail}{line}")
}

/// minijinja's common complaints said the clerk's way; others are quoted as they are.
fn detail_in_chinese(d: &str) -> String {
    const SAID: [(&str, &str); 7] = [
        ("unexpected character", "有模板不认识的字符：变量名只能用英文字母、数字和下划线"),
        ("unexpected end of input", "模板在这里意外结束：可能少了 }} 或 %}"),
        ("unexpected end of block", "语句不完整"),
        ("unexpected end of variable block", "{{ }} 中间是空的或不完整"),
        ("unexpected end of string", "引号没有配对"),
        ("unexpected end of comment", "注释 {# #} 没有结束"),
        ("unknown statement", "不认识的语句（能用的有 if、for、set、macro）"),
    ];
    SAID.iter().find(|(en, _)| d.starts_with(en)).map(|(_, zh)| zh.to_string()).unwrap_or_else(|| format!("原文：{d}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_a_bad_template_names_its_line() {
        assert_eq!(Settings::builtin().due_day, 28);
        let e = Settings::parse("office = \"x\"\ncontact = \"y\"\ndue_day = 28\nreply_days = 4000000000\n", "设置.toml").unwrap_err().to_string();
        assert_eq!(e, "设置文件 设置.toml：reply_days（督办函几日内回复）应为 1 到 365，现为 4000000000");
        let w = Wording::new("t.txt", "第一行\n{{ unit }}：{% if %}").err().unwrap().to_string();
        assert!(w.contains("第2行"), "{w}");
        // A Chinese variable name, as a clerk may well write: said in Chinese, the line quoted.
        let w = Wording::new("t.txt", "截至{{ 完成率 }}").err().unwrap().to_string();
        assert_eq!(w, "模板 t.txt 第1行：模板语法错误（有模板不认识的字符：变量名只能用英文字母、数字和下划线）；该行为：截至{{ 完成率 }}");
        let w = Wording::new("t.txt", "第一行\n截至{{ nobody }}").unwrap();
        let e = w.render(minijinja::context! { unit => "x" }).unwrap_err().to_string();
        assert_eq!(e, "模板 t.txt 第2行：用到了没有的变量；该行为：截至{{ nobody }}");
    }

    /// The default 通报 when nothing lags and everyone reported, with a single 工作方面: no empty
    /// headings, the 报送情况 numbered （一）, and the closing lines.
    #[test]
    fn the_default_notice_reads_well_when_all_is_well() {
        let papers = Papers::builtin(chrono::NaiveDate::from_ymd_opt(2021, 7, 5).unwrap());
        let counts = minijinja::context! { total => 2, done => 1, on_track => 1, behind => 0, serious => 0, none => 0 };
        let ctx = minijinja::context! {
            office => "海城市政府督查室", city => "海城市", issuer => "海城市人民政府", scope => "全市", level => "市级", title => "海城市政府系统抓落实专项行动", recipients => "各开发区管委会，各镇人民政府、街道办事处，市政府各部门", year => 2021, period => "2021年6月", month => 6, date => "2021年7月5日", due_day => 28,
            counts => counts.clone(),
            areas => vec![minijinja::context! { name => "重要指标", counts => counts }],
            reporting => minijinja::context! { due => 2, reported => 2, missing => Vec::<String>::new(), unusable => Vec::<String>::new() },
            returned => Vec::<String>::new(), indicators => Vec::<String>::new(), red => Vec::<String>::new(), yellow => Vec::<String>::new(),
            red_elsewhere => Vec::<String>::new(), history => Vec::<String>::new(), no_data => Vec::<String>::new(), returned_groups => Vec::<String>::new(),
        };
        let text = papers.notice.render(ctx).unwrap();
        let blocks = Block::parse(&text);
        use Block::*;
        assert!(blocks.contains(&Body("截至2021年6月底，全市2项任务中，已完成1项，正常推进1项。".into())), "{text}");
        assert!(blocks.contains(&Heading2("（一）报送情况。应报送单位2个，已报送2个。".into())), "{text}");
        assert!(blocks.contains(&Body("本期没有滞后任务。".into())), "{text}");
        assert!(blocks.contains(&Body("各单位均按时报送，所报文件均通过校验。".into())), "{text}");
        assert_eq!(blocks.iter().filter(|b| matches!(b, Heading1(_))).count(), 5, "{text}");
        assert_eq!(&blocks[blocks.len() - 2..], &[Sender("海城市政府督查室".into()), Date("2021年7月5日".into())]);
        // The letter template renders too: reply date, tasks numbered.
        let task = minijinja::context! { id => "2.1", name => "新建5G基站", light => "严重滞后", figure => minijinja::context! { text => "累计完成8个", gap => "" }, streak => () };
        let letter = papers
            .letter
            .render(minijinja::context! { unit => "工信局", office => "督查室", contact => "0412", period => "2021年6月", date => "2021年7月5日", reply_by => "2021年7月15日", tasks => vec![task], measure => () })
            .unwrap();
        assert!(letter.contains("（1）2.1 新建5G基站（严重滞后）：累计完成8个。"), "{letter}");
        assert!(letter.contains("于2021年7月15日前"), "{letter}");
    }

    /// A province's 通报 stays a few pages: at most 30 of a list, the rest counted and pointed
    /// to the 汇总表; the headline counts stay whole.
    #[test]
    fn the_default_notice_lists_the_first_thirty_and_counts_the_rest() {
        let papers = Papers::builtin(chrono::NaiveDate::from_ymd_opt(2021, 7, 5).unwrap());
        let counts = minijinja::context! { total => 60, done => 0, on_track => 18, behind => 0, serious => 42, none => 0 };
        let unit = minijinja::context! { unit => "某单位", streak => () };
        let task = |i: usize| {
            minijinja::context! {
                id => format!("1.{i}"), name => format!("指标{i}"), lead => "发改局", units => vec!["发改局"], light => "严重滞后",
                figure => minijinja::context! { text => "完成5%", gap => "" }, red_units => vec![unit.clone(); 45], yellow_units => Vec::<String>::new(), streak => (),
            }
        };
        let indicator =
            |i: usize| minijinja::context! { name => format!("指标{i}"), light => "严重滞后", figure => minijinja::context! { text => "完成5%", gap => "" } };
        let ctx = minijinja::context! {
            office => "督查室", city => "某市", issuer => "某市人民政府", scope => "全省", level => "省级", title => "抓落实专项行动", recipients => "各市", year => 2021, period => "2021年6月", month => 6, date => "2021年7月5日", due_day => 28,
            counts => counts.clone(),
            areas => vec![minijinja::context! { name => "重要指标", counts => counts }],
            reporting => minijinja::context! { due => 2, reported => 2, missing => Vec::<String>::new(), unusable => Vec::<String>::new() },
            returned => Vec::<String>::new(), indicators => (0..42).map(indicator).collect::<Vec<_>>(), red => (0..42).map(task).collect::<Vec<_>>(), yellow => Vec::<String>::new(),
            red_elsewhere => Vec::<String>::new(), history => Vec::<String>::new(), no_data => Vec::<String>::new(), returned_groups => Vec::<String>::new(),
        };
        let text = papers.notice.render(ctx).unwrap();
        assert!(text.contains("（一）严重滞后任务42项。"), "the count is the whole list's: {text}");
        assert!(text.contains("\n30. 1.29 ") && !text.contains("\n31. "), "{text}");
        assert!(text.contains("另有12项严重滞后任务，见汇总表“任务汇总”（按亮灯筛选）。"), "{text}");
        assert!(text.contains("（三十）指标29。") && !text.contains("（三十一）"), "{text}");
        assert!(text.contains("另有12项指标，见汇总表“任务汇总”。"), "{text}");
        assert!(text.contains("等45个单位"), "a long list of units is counted, not listed: {text}");
    }

    #[test]
    fn heading_numbers_in_chinese_for_any_count() {
        let cn: Vec<String> = [1, 9, 10, 11, 20, 21, 99, 100, 105, 110, 999, 1000].into_iter().map(super::chinese_numeral).collect();
        assert_eq!(cn, ["一", "九", "十", "十一", "二十", "二十一", "九十九", "一百", "一百零五", "一百一十", "九百九十九", "1000"]);
        let w = super::Wording::new("t", "{% for i in items %}（{{ loop.index | cn }}）{% endfor %}").unwrap();
        let text = w.render(minijinja::context! { items => vec![0; 21] }).unwrap();
        assert!(text.ends_with("（二十）（二十一）"), "{text}");
    }
}
