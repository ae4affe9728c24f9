//! The meeting's paperwork: 催报 (`luoshi remind`), the 通报 and the 督办函 (`run`, `notice`), on
//! the bundled samples and on monthly folders written by openpyxl; every .docx is read back.

use crate::common::samples;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common::{have_soffice, ledger_fixtures as fixtures, ledger_periods, luoshi, output_text as text, sheet, soffice_convert};
use calamine::{open_workbook_auto, Data, Reader};

/// April and May complete; June without 营商局.
fn june_missing_one(root: &Path) -> PathBuf {
    ledger_periods(root, &["营商局"]).join("2021-06")
}

#[test]
fn remind_names_the_missing_unit_with_last_periods_contact_and_exits_1() {
    let t = tempfile::tempdir().unwrap();
    let june = june_missing_one(t.path());
    let out = t.path().join("out");
    let tasks = fixtures().join("tasks.toml");
    let o = luoshi().arg("--tasks").arg(&tasks).arg("remind").arg(&june).arg("-o").arg(&out).output().unwrap();
    let said = text(&o);
    assert_eq!(o.status.code(), Some(1), "{said}");
    // The 填报人 and 联系电话 of its May form (metadata row), and the ready message.
    assert!(said.contains("营商局  未报送  周明    13941266830  1项"), "{said}");
    assert!(said.contains("【海城市政府督查室】营商局：2021年6月任务分解表尚未报送，请于6月28日前报送。"), "{said}");
    assert!(!said.contains("工信局  未报送"), "{said}");

    let mut wb = open_workbook_auto(out.join("2021-06/催报清单_2021-06.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), vec!["催报清单"]);
    let range = wb.worksheet_range("催报清单").unwrap();
    let cell = |r: u32, c: u32| range.get_value((r, c)).map(|d| if let Data::Float(f) = d { format!("{f}") } else { d.to_string() }).unwrap_or_default();
    let note: String = (0..range.width() as u32).map(|c| cell(1, c)).collect();
    assert!(note.contains("尚未报送1个"), "{note}");
    assert_eq!(cell(2, 1), "单位");
    assert_eq!(
        (cell(3, 1), cell(3, 3), cell(3, 4), cell(3, 5), cell(3, 6)),
        ("营商局".into(), "未报送".into(), "周明".into(), "13941266830".into(), "2021年5月".into())
    );
    assert_eq!(cell(3, 8), "4.1");
    assert!(cell(3, 9).starts_with("【海城市政府督查室】营商局"));
    assert_eq!(range.height(), 4, "one unit, one row under the header");

    // A due date of the office's choosing, and wording of its own.
    let tpl = t.path().join("短信.txt");
    std::fs::write(&tpl, "{{ unit }}请于{{ due }}前报送{{ period }}表格（共{{ tasks }}项任务）").unwrap();
    let o = luoshi()
        .arg("--tasks")
        .arg(&tasks)
        .arg("remind")
        .arg(&june)
        .arg("-o")
        .arg(&out)
        .args(["--due", "2021-06-25", "--remind-template"])
        .arg(&tpl)
        .output()
        .unwrap();
    assert!(text(&o).contains("营商局请于6月25日前报送2021年6月表格（共1项任务）"), "{}", text(&o));
    // A broken template: a Chinese message naming the line, exit 2, nothing chased.
    std::fs::write(&tpl, "第一行\n{{ unit }请报送").unwrap();
    let o = luoshi().arg("--tasks").arg(&tasks).arg("remind").arg(&june).arg("-o").arg(&out).arg("--remind-template").arg(&tpl).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("第2行"), "{}", text(&o));

    // Everyone in: exit 0.
    let may = june.parent().unwrap().join("2021-05");
    let o = luoshi().arg("--tasks").arg(&tasks).arg("remind").arg(&may).arg("-o").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("各单位都已报送"));
}

#[test]
fn remind_without_history_says_there_is_no_contact() {
    let t = tempfile::tempdir().unwrap();
    let june = june_missing_one(t.path());
    let o = luoshi()
        .arg("--tasks")
        .arg(fixtures().join("tasks.toml"))
        .args(["remind", "--no-history"])
        .arg(&june)
        .arg("-o")
        .arg(t.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("营商局  未报送  （往期无报送记录，请查通讯录）"), "{}", text(&o));
}

/// One part of a .docx, as text.
fn part(docx: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap_or_else(|e| panic!("{}: {e}", docx.display()))).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap_or_else(|e| panic!("{name} in {}: {e}", docx.display())).read_to_string(&mut s).unwrap();
    s
}

/// A paragraph of word/document.xml: its text, alignment, and each run's (text, east-Asian font, size).
#[derive(Debug, Default)]
struct Para {
    text: String,
    align: String,
    runs: Vec<(String, String, String)>,
}

fn attrs(e: &quick_xml::events::BytesStart) -> BTreeMap<String, String> {
    e.attributes().flatten().map(|a| (a.key.as_ref().to_string(), a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().to_string())).collect()
}

/// Every element named `tag` with its attributes, in order.
fn elements(xml: &str, tag: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut found = Vec::new();
    loop {
        match r.read_event().unwrap() {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) if e.name().as_ref() == tag => found.push(attrs(&e)),
            quick_xml::events::Event::Eof => return found,
            _ => {}
        }
    }
}

fn paragraphs(xml: &str) -> Vec<Para> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(xml);
    let (mut paras, mut p, mut run, mut in_text) = (Vec::new(), Para::default(), (String::new(), String::new(), String::new()), false);
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:p" => p = Para::default(),
                "w:r" => run = Default::default(),
                "w:rFonts" => run.1 = attrs(&e).get("w:eastAsia").cloned().unwrap_or_default(),
                "w:sz" => run.2 = attrs(&e).get("w:val").cloned().unwrap_or_default(),
                "w:jc" => p.align = attrs(&e).get("w:val").cloned().unwrap_or_default(),
                "w:t" => in_text = true,
                _ => {}
            },
            Event::Text(t) if in_text => run.0.push_str(&t.xml10_content()),
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:r" => {
                    p.text.push_str(&run.0);
                    p.runs.push(std::mem::take(&mut run));
                }
                "w:p" => paras.push(std::mem::take(&mut p)),
                _ => {}
            },
            Event::Eof => return paras,
            _ => {}
        }
    }
}

fn docx_paragraphs(docx: &Path) -> Vec<Para> {
    paragraphs(&part(docx, "word/document.xml"))
}

/// A .docx's paragraphs' text, a line each.
fn docx_text(docx: &Path) -> String {
    docx_paragraphs(docx).iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// The rows under the header row that starts with `first`, as header → value.
fn table(rows: &[Vec<String>], first: &str) -> Vec<BTreeMap<String, String>> {
    let h = rows.iter().position(|r| r.first().is_some_and(|c| c == first)).expect("header row");
    rows[h + 1..].iter().map(|r| rows[h].iter().cloned().zip(r.iter().cloned()).collect()).collect()
}

#[test]
fn the_notice_quotes_the_summary_and_is_laid_out_as_a_gongwen() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let o = luoshi().arg("run").arg(samples()).arg("-o").arg(&out).args(["--date", "2021-07-05"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let notice = out.join("2021-06/通报_2021-06.docx");
    let paras = docx_paragraphs(&notice);
    let all: String = paras.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n");

    // 总体情况: the 任务汇总's lights, counted.
    let summary = out.join("2021-06/汇总表_2021-06.xlsx");
    let tasks = table(&sheet(&summary, "任务汇总"), "任务编号");
    let n = |light: &str| tasks.iter().filter(|r| r["亮灯"] == light).count();
    // Zero counts are left out; the tasks without data are named.
    let parts: Vec<String> =
        [("已完成", n("已完成")), ("正常推进", n("正常推进")), ("轻度滞后", n("轻度滞后")), ("严重滞后", n("严重滞后")), ("未启动/无数据", n("未启动/无数据"))]
            .iter()
            .filter(|(_, k)| *k > 0)
            .map(|(w, k)| format!("{w}{k}项"))
            .collect();
    let headline = format!("截至2021年6月底，全市{}项任务中，{}", tasks.len(), parts.join("，"));
    assert!(n("严重滞后") > 0 && n("轻度滞后") > 0 && n("已完成") == 0, "the samples have lagging tasks and none done");
    let said = paras.iter().find(|p| p.text.starts_with(&headline)).unwrap_or_else(|| panic!("{headline}\n{all}"));
    assert!(!said.text.contains("0项"), "no zero count: {}", said.text);
    let grey: Vec<&str> = tasks.iter().filter(|r| r["亮灯"] == "未启动/无数据").map(|r| r["任务编号"].as_str()).collect();
    assert!(grey.iter().all(|id| said.text.contains(&format!("{id} "))), "the tasks without data named: {}", said.text);
    // Each list once: the returned units are named in 四 only; the heading levels in order.
    let returned_in = |needle: &str| paras.iter().filter(|p| p.text.contains(needle)).count();
    assert_eq!(returned_in("交通局"), 1, "{all}");
    assert!(!all.contains("\n（1）"), "（1）never right under 一、 or （一）: {all}");

    // 报送情况: 应报 and 未报 as the 分单位 sheet has them.
    let units = table(&sheet(&summary, "分单位"), "类别");
    let missing: Vec<&str> = units.iter().filter(|r| r["报送情况"] == "未报送").map(|r| r["单位"].as_str()).collect();
    assert!(!missing.is_empty());
    assert!(all.contains(&format!("应报送单位{}个", units.len())), "{all}");
    assert!(all.contains(&format!("未报送{}个（{}）", missing.len(), missing.join("、"))), "{all}");

    // Every unit with a red row in the 督办清单 is named in the 通报 and gets its 督办函, naming the task.
    let agenda = table(&sheet(&summary, "督办清单"), "序号");
    let red: Vec<(&str, &str)> = agenda.iter().filter(|r| r["亮灯"] == "严重滞后").map(|r| (r["责任单位"].as_str(), r["任务编号"].as_str())).collect();
    assert!(red.len() >= 2, "{red:?}");
    let mut letters: Vec<String> =
        std::fs::read_dir(out.join("2021-06/督办函")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    letters.sort();
    let mut expected: Vec<String> = red.iter().map(|(u, _)| format!("{u}.docx")).collect();
    expected.sort();
    expected.dedup();
    assert_eq!(letters, expected);
    for (unit, task) in &red {
        assert!(all.contains(unit), "{unit} not named in the 通报");
        let letter = docx_paragraphs(&out.join("2021-06/督办函").join(format!("{unit}.docx")));
        assert!(letter.iter().any(|p| p.text == format!("{unit}：")), "{unit}'s letter is addressed to it");
        assert!(
            letter.iter().any(|p| p.text.contains(&format!("{task} "))
                && p.text.contains("严重滞后")
                && (p.text.contains("序时进度") || p.text.contains("完成时限已到"))),
            "{unit} {task}"
        );
        assert!(letter.iter().any(|p| p.text.contains("2021年7月15日前")), "reply by the date plus the settings' 10 days");
    }

    // GB/T 9704: A4, margins 37/35/28/26 mm, 22 lines of 28.95 pt.
    let xml = part(&notice, "word/document.xml");
    let page = &elements(&xml, "w:pgSz")[0];
    assert_eq!((page["w:w"].as_str(), page["w:h"].as_str()), ("11906", "16838"));
    let m = &elements(&xml, "w:pgMar")[0];
    assert_eq!([&m["w:top"], &m["w:bottom"], &m["w:left"], &m["w:right"]], ["2098", "1984", "1587", "1474"]);
    assert_eq!(elements(&xml, "w:docGrid")[0]["w:linePitch"], "579");
    assert!(elements(&xml, "w:spacing").iter().filter(|s| s.contains_key("w:line")).all(|s| s["w:line"] == "579" && s["w:lineRule"] == "exact"));
    // Fonts and sizes: title 二号 小标宋, headings 三号 黑体 / 楷体, body 三号 仿宋.
    let font_of = |start: &str| -> (String, String) {
        let p = paras.iter().find(|p| p.text.starts_with(start)).unwrap_or_else(|| panic!("no paragraph {start}"));
        (p.runs[0].1.clone(), p.runs[0].2.clone())
    };
    assert_eq!(font_of("关于2021年6月"), ("方正小标宋简体".into(), "44".into()));
    assert_eq!(paras.iter().find(|p| p.text.starts_with("关于")).unwrap().align, "center");
    assert_eq!(font_of("一、总体情况"), ("黑体".into(), "32".into()));
    assert_eq!(font_of("（一）"), ("楷体".into(), "32".into()));
    assert_eq!(font_of("截至2021年6月底"), ("仿宋_GB2312".into(), "32".into()));
    let fonts = elements(&part(&notice, "word/fontTable.xml"), "w:altName");
    assert_eq!(fonts.iter().map(|a| a["w:val"].as_str()).collect::<Vec<_>>(), vec!["宋体", "仿宋"], "stand-ins for 小标宋 and 仿宋_GB2312");
    // Sender and date, in Arabic numerals, right.
    let last: Vec<&Para> = paras.iter().rev().take(2).collect();
    assert_eq!((last[1].text.as_str(), last[0].text.as_str()), ("海城市政府督查室", "2021年7月5日"));
    assert_eq!(last[0].align, "right");
    // Page numbers "— 1 —", 四号, odd pages right and even pages left.
    assert!(part(&notice, "word/settings.xml").contains("evenAndOddHeaders"));
    let footers: Vec<Vec<Para>> = (1..=2).map(|i| paragraphs(&part(&notice, &format!("word/footer{i}.xml")))).collect();
    for f in &footers {
        assert_eq!(f[0].text, "— 1 —");
        assert!(f[0].runs.iter().all(|r| r.2 == "28"));
    }
    let mut aligns: Vec<&str> = footers.iter().map(|f| f[0].align.as_str()).collect();
    aligns.sort();
    assert_eq!(aligns, ["left", "right"]);
    assert!(part(&notice, "word/footer1.xml").contains("PAGE"));

    // Printed: LibreOffice renders it on A4.
    if have_soffice("the_notice_quotes_the_summary_and_is_laid_out_as_a_gongwen (PDF)") {
        let pdf_dir = t.path().join("pdf");
        soffice_convert(std::slice::from_ref(&notice), "pdf", &pdf_dir, t.path());
        let pdf = std::fs::read(pdf_dir.join("通报_2021-06.pdf")).unwrap();
        let pdf = String::from_utf8_lossy(&pdf);
        assert!(pdf.contains("/MediaBox[0 0 595.") || pdf.contains("/MediaBox [0 0 595."), "A4 is 595 × 842 points");
        assert!(pdf.contains(" 841.") || pdf.contains(" 842"), "A4 is 595 × 842 points");
        assert!(pdf.matches("/Type/Page").count() + pdf.matches("/Type /Page").count() >= 2, "several pages");
    }
}

#[test]
fn with_history_the_papers_carry_streaks_measures_and_the_offices_own_wording() {
    let t = tempfile::tempdir().unwrap();
    let june = june_missing_one(t.path());
    let out = t.path().join("out");
    let tasks = fixtures().join("tasks.toml");
    let run = |extra: &[&str]| {
        luoshi().arg("--tasks").arg(&tasks).arg("run").arg(&june).arg("-o").arg(&out).args(["--date", "2021-07-05"]).args(extra).output().unwrap()
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("督办函 1 份：工信局"), "{}", text(&o));
    let notice = docx_text(&out.join("2021-06/通报_2021-06.docx"));
    assert!(notice.contains("未报送1个（营商局）"), "{notice}");
    // 工信局's own 2.1 row is red for the third month, though the city's 2.1 is not.
    assert!(notice.contains("工信局：2.1 新建5G基站，累计完成8个，全年目标60个"), "{notice}");
    assert!(notice.contains("已连续3期滞后，督办措施：约谈"), "{notice}");
    let letter: Vec<String> = docx_paragraphs(&out.join("2021-06/督办函/工信局.docx")).into_iter().map(|p| p.text).collect();
    assert!(letter.iter().any(|p| p.contains("须约谈")), "{letter:?}");
    assert!(letter.iter().any(|p| p.starts_with("（1）2.1 新建5G基站（严重滞后）：累计完成8个，全年目标60个，完成进度13.3%，序时进度50.0%，落后序时进度36.7个百分点；已连续3期滞后，督办措施：约谈。")), "{letter:?}");
    assert!(letter.iter().any(|p| p.contains("接受约谈") && p.contains("另行通知")), "the time and place left for the office: {letter:?}");

    // Stricter lights make the city's 2.1 red too: 工信局 is named under it with its streak and measure.
    let o = run(&["--yellow", "1", "--red", "5"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let notice = docx_text(&out.join("2021-06/通报_2021-06.docx"));
    assert!(notice.contains("1. 2.1 新建5G基站（牵头单位：工信局；责任单位：工信局、东城镇）：累计完成43个"), "{notice}");
    assert!(notice.contains("严重滞后的单位：工信局（连续3期滞后，约谈）。"), "{notice}");

    // The office's settings and wording: another sender, five days to reply, its own sentence.
    let settings = t.path().join("文书设置.toml");
    std::fs::write(&settings, "office = \"海城市委督查室\"\ncontact = \"王科长 0412-1234567\"\ndue_day = 25\nreply_days = 5\n").unwrap();
    let letter_tpl = t.path().join("督办函.txt");
    std::fs::write(&letter_tpl, "【标题】督办函\n【主送】{{ unit }}：\n{% for t in tasks %}{{ t.id }}{{ t.light }}。{% endfor %}请于{{ reply_by }}前回复。\n【落款】{{ office }}\n【日期】{{ date }}\n").unwrap();
    let o = run(&["--papers", settings.to_str().unwrap(), "--letter-template", letter_tpl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let letter: Vec<String> = docx_paragraphs(&out.join("2021-06/督办函/工信局.docx")).into_iter().map(|p| p.text).collect();
    assert_eq!(
        letter.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>(),
        ["督办函", "工信局：", "2.1严重滞后。请于2021年7月10日前回复。", "海城市委督查室", "2021年7月5日"]
    );
    let notice = docx_text(&out.join("2021-06/通报_2021-06.docx"));
    assert!(notice.contains("每月25日前报送") && notice.ends_with("海城市委督查室\n2021年7月5日"), "{notice}");

    // A broken template stops before anything is read or written, naming its line.
    let bad = t.path().join("坏模板.txt");
    std::fs::write(&bad, "【标题】通报\n{% for x in %}\n").unwrap();
    let fresh = t.path().join("out2");
    let o = luoshi().arg("--tasks").arg(&tasks).arg("run").arg(&june).arg("-o").arg(&fresh).arg("--notice-template").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("坏模板.txt 第2行"), "{}", text(&o));
    assert!(!fresh.exists());

    // A template that parses but asks for a figure luoshi does not have: that paper alone fails (exit 3).
    std::fs::write(&bad, "【标题】通报\n截至{{ rate }}\n").unwrap();
    let o = luoshi().arg("--tasks").arg(&tasks).arg("run").arg(&june).arg("-o").arg(&fresh).arg("--notice-template").arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("通报_2021-06.docx：模板"), "{}", text(&o));
    assert!(text(&o).contains("坏模板.txt 第2行：用到了没有的变量；该行为：截至{{ rate }}"), "{}", text(&o));
    assert!(fresh.join("2021-06/汇总表_2021-06.xlsx").is_file() && fresh.join("2021-06/督办函/工信局.docx").is_file());
    assert!(!fresh.join("2021-06/通报_2021-06.docx").exists());

    // No red row any more (thresholds nobody misses): the old letter is taken back.
    let o = run(&["--yellow", "100", "--red", "100"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!out.join("2021-06/督办函/工信局.docx").exists(), "{}", text(&o));
    assert!(text(&o).contains("工信局.docx"), "the removal is said: {}", text(&o));
    assert!(out.join("2021-06/通报_2021-06.docx").exists());
}

#[test]
fn notice_alone_writes_only_the_notice() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("只要通报");
    let o = luoshi().arg("notice").arg(samples()).arg("-o").arg(&out).args(["--date", "2021-07-05"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // Into the period's own folder; the lock and the manifest are luoshi's hidden files.
    let written: Vec<String> =
        std::fs::read_dir(out.join("2021-06")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).filter(|n| !n.starts_with('.')).collect();
    assert_eq!(written, ["通报_2021-06.docx"]);
    // The terminal's headline is the 通报's.
    let said = text(&o);
    let headline = said.lines().next().unwrap().split('；').next().unwrap().to_string();
    let paras = docx_paragraphs(&out.join("2021-06/通报_2021-06.docx"));
    assert!(paras.iter().any(|p| p.text.starts_with(&headline)), "{said}");
}

#[test]
fn every_percentage_in_every_letter_is_the_agenda_cell() {
    let t = tempfile::tempdir().unwrap();
    let o = luoshi().arg("run").arg(samples()).arg("-o").arg(t.path()).args(["--no-history", "--date", "2021-07-05"]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let out = t.path().join("2021-06");
    // 督办清单: (unit, task) → (完成进度, 序时进度) as the cells show them (0.0%).
    let rows = sheet(&out.join("汇总表_2021-06.xlsx"), "督办清单");
    let agenda = table(&rows, "序号");
    let pct = |s: &str| s.parse::<f64>().map(|v| format!("{:.1}", v * 100.0)).unwrap_or_default();
    let cells: BTreeMap<(String, String), (String, String)> =
        agenda.iter().map(|r| ((r["责任单位"].clone(), r["任务编号"].clone()), (pct(&r["完成进度"]), pct(&r["序时进度"])))).collect();
    let mut compared = 0;
    for e in std::fs::read_dir(out.join("督办函")).unwrap() {
        let letter = e.unwrap().path();
        let unit = letter.file_stem().unwrap().to_string_lossy().to_string();
        for p in docx_paragraphs(&letter) {
            let line = p.text;
            // （1）2.1 上半年新开工项目总投资（严重滞后）：累计完成…，完成进度61.5%，序时进度100.0%，…
            let Some(id) = line.strip_prefix('（').and_then(|l| l.split_once('）')).and_then(|(_, rest)| rest.split_whitespace().next()) else { continue };
            let Some(done) = line.split("完成进度").nth(1).and_then(|r| r.split('%').next()) else { continue };
            let cell = cells.get(&(unit.clone(), id.to_string())).unwrap_or_else(|| panic!("{unit} {id} not in the 督办清单"));
            assert_eq!(done, cell.0, "{unit} {id}: 完成进度 in the letter against the agenda");
            // 序时进度 where the letter gives one (a task past its deadline is said as not done).
            if let Some(expected) = line.split("序时进度").nth(1).and_then(|r| r.split('%').next()) {
                assert_eq!(expected, cell.1, "{unit} {id}: 序时进度");
            }
            compared += 1;
        }
    }
    assert!(compared >= 3, "letters compared: {compared}");
}

#[test]
fn the_brief_is_one_page_first_in_the_pack_and_quotes_the_task_summary() {
    let t = tempfile::tempdir().unwrap();
    let o = luoshi().arg("run").arg(samples()).arg("-o").arg(t.path()).args(["--date", "2021-07-05"]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let out = t.path().join("2021-06");
    let pack = out.join("汇总表_2021-06.xlsx");
    let wb = open_workbook_auto(&pack).unwrap();
    assert_eq!(wb.sheet_names()[0], "要情", "first in the 汇总表");
    // The headline from 任务汇总's own lights, zeros left out.
    let tasks = table(&sheet(&pack, "任务汇总"), "任务编号");
    let n = |light: &str| tasks.iter().filter(|r| r["亮灯"] == light).count();
    let tally: Vec<String> =
        ["已完成", "正常推进", "轻度滞后", "严重滞后", "未启动/无数据"].iter().filter(|l| n(l) > 0).map(|l| format!("{l}{}项", n(l))).collect();
    let headline = format!("截至2021年6月底，全市{}项任务中，{}", tasks.len(), tally.join("，"));
    let brief = sheet(&pack, "要情");
    assert!(brief.iter().any(|r| r[0] == "总体情况" && r[1] == headline), "{brief:?}");
    let reds: Vec<&str> = tasks.iter().filter(|r| r["亮灯"] == "严重滞后").map(|r| r["任务编号"].as_str()).collect();
    let paper = docx_text(&out.join("要情_2021-06.docx"));
    assert!(paper.contains(&format!("一、总体情况。{headline}。")), "{paper}");
    assert!(paper.contains(&format!("二、严重滞后任务{}项。", reds.len())) && reds.iter().all(|id| paper.contains(&format!("{id} "))), "{paper}");
    assert!(paper.contains("未报送1个：感王镇"), "{paper}");
    if have_soffice("the brief's page count") {
        let pdf = t.path().join("pdf");
        soffice_convert(&[out.join("要情_2021-06.docx")], "pdf", &pdf, t.path());
        if let Some(pages) = crate::common::pdf_pages(&pdf.join("要情_2021-06.pdf")) {
            assert_eq!(pages.len(), 1, "one A4 page");
        }
    }
    // With earlier months: what changed, and who stays red.
    let june = ledger_periods(t.path(), &[]).join("2021-06");
    let o = luoshi()
        .arg("--tasks")
        .arg(fixtures().join("tasks.toml"))
        .arg("run")
        .arg(&june)
        .arg("-o")
        .arg(t.path().join("o2"))
        .args(["--date", "2021-07-05"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let paper = docx_text(&t.path().join("o2/2021-06/要情_2021-06.docx"));
    assert!(paper.contains("四、与上月相比。") && paper.contains("连续严重滞后1行：工信局 2.1（连续3期，约谈）"), "{paper}");
}
