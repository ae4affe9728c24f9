//! Any office: a 镇's own list (腾鳌镇人民政府 over its 村, 社区 and 站所, 2022, its own 工作方面; an
//! Excel list openpyxl wrote) and a city's 2022 list each go through template → run → remind →
//! ledger → reconcile, and every workbook and letter says their year, their titles and their
//! words — nothing of the built-in 2021 city list.

use std::path::{Path, PathBuf};

use crate::common::{document_xml, fixtures, have_soffice, luoshi, output_text as text, sheet};

/// Every cell of every sheet of a workbook, as one text.
fn workbook_text(path: &Path) -> String {
    use calamine::{open_workbook_auto, Reader};
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = String::new();
    for name in wb.sheet_names() {
        out.push_str(&name);
        out.push('\n');
        for row in wb.worksheet_range(&name).unwrap().rows() {
            for c in row {
                out.push_str(&c.to_string());
                out.push('\t');
            }
            out.push('\n');
        }
    }
    out
}

/// The text of a .docx body, without its markup.
fn letter_text(path: &Path) -> String {
    let xml = document_xml(path);
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The text of everything luoshi wrote under `out`: (file, text).
fn everything_written(out: &Path) -> Vec<(PathBuf, String)> {
    files(out)
        .into_iter()
        .filter_map(|p| match p.extension().and_then(|e| e.to_str()) {
            Some("xlsx") => Some((p.clone(), workbook_text(&p))),
            Some("docx") => Some((p.clone(), letter_text(&p))),
            _ => None,
        })
        .collect()
}

/// One office's year through every command; what each wrote is under `out`.
struct Year<'a> {
    list: PathBuf,
    root: PathBuf,
    year: i32,
    unit: &'a str,
    verified: PathBuf,
}

impl Year<'_> {
    fn run(&self, args: &[&str], folder: Option<&Path>, out: &Path) -> String {
        let mut c = luoshi();
        c.arg("--tasks").arg(&self.list).args(args);
        if let Some(f) = folder {
            c.arg(f);
        }
        let o = c.arg("-o").arg(out).output().unwrap();
        assert!(o.status.code().is_some_and(|c| c <= 1), "{args:?}: {}", text(&o));
        text(&o)
    }

    fn every_command(&self, out: &Path) {
        let june = self.root.join(format!("{}-06", self.year));
        let y = self.year;
        self.run(&["template", "--unit", self.unit, "--period", &format!("{y}-07")], None, &out.join(format!("{y}-07/{}_{y}-07.xlsx", self.unit)));
        self.run(&["run", "--date", &format!("{y}-07-05")], Some(&june), out);
        self.run(&["remind", "--due", &format!("{y}-06-28")], Some(&june), out);
        self.run(&["ledger"], Some(&self.root), &out.join(format!("台账_{y}.xlsx")));
        let mut c = vec!["reconcile", "--verified"];
        let verified = self.verified.to_string_lossy().to_string();
        c.push(&verified);
        self.run(&c, Some(&june), &out.join(format!("{y}-06/绩效对账表_{y}-06.xlsx")));
    }
}

fn town(out: &Path) -> Year<'static> {
    let root = fixtures().join("town-2022");
    let y = Year { list: root.join("任务清单.xlsx"), verified: root.join("核定数据.xlsx"), root, year: 2022, unit: "西腾鳌村" };
    y.every_command(out);
    y
}

#[test]
fn a_town_runs_its_own_year_in_its_own_words() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    town(&out);
    let title = "腾鳌镇“带头抓落实、善于抓落实、层层抓落实”专项行动";

    // The form handed to a 村: the 镇's title, that 村's tasks.
    let form = sheet(&out.join("2022-07/西腾鳌村_2022-07.xlsx"), "任务分解表");
    assert_eq!(crate::common::said(&form[0]), format!("{title}任务分解表"));
    let ids: Vec<&str> = form.iter().filter_map(|r| r.get(1)).map(String::as_str).filter(|c| c.contains('.')).collect();
    assert_eq!(ids, ["1.1", "2.1", "3.1"], "{form:?}");

    // 分单位 in the 镇's groups and order; 总览 says 全镇.
    let book = out.join("2022-06/汇总表_2022-06.xlsx");
    let units = sheet(&book, "分单位");
    let h = units.iter().position(|r| r.first().map(String::as_str) == Some("类别")).unwrap();
    let rows: Vec<(&str, &str)> = units[h + 1..].iter().filter(|r| !r[1].is_empty()).map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(rows, [("村", "东腾鳌村"), ("村", "西腾鳌村"), ("社区", "腾鳌社区"), ("站所", "农业站"), ("站所", "劳动保障所")]);
    assert!(sheet(&book, "总览")[0][0].starts_with(title), "{:?}", sheet(&book, "总览")[0]);

    // The 通报: addressed to the 镇's units, 全镇, signed by the 镇.
    let notice = letter_text(&out.join("2022-06/通报_2022-06.docx"));
    assert!(notice.contains("各村民委员会，各社区居民委员会，各站所："), "{notice}");
    assert!(notice.contains("截至2022年6月底，全镇4项任务中"), "{notice}");
    assert!(notice.contains("乡村振兴2项"), "its own 工作方面: {notice}");
    assert!(notice.contains("未报送1个（劳动保障所）"), "{notice}");
    assert!(notice.ends_with("腾鳌镇党政办2022年7月5日"), "{notice}");
    // The 督办函 to the red 村, from the 镇's office.
    let letter = letter_text(&out.join("2022-06/督办函/西腾鳌村.docx"));
    assert!(letter.contains("累计完成250亩，全年目标1500亩"), "{letter}");
    assert!(letter.contains("书面报送腾鳌镇党政办"), "{letter}");

    // 催报: the 站所 that did not report, with its May contact.
    let chase = sheet(&out.join("2022-06/催报清单_2022-06.xlsx"), "催报清单");
    let row = chase.iter().find(|r| r.iter().any(|c| c == "劳动保障所")).unwrap_or_else(|| panic!("{chase:?}"));
    assert!(row.iter().any(|c| c == "站所") && row.iter().any(|c| c == "吴丽华"), "{row:?}");

    // 台账 of the 镇's year; 排名 by the 镇's groups.
    let ledger = workbook_text(&out.join("台账_2022.xlsx"));
    assert!(ledger.contains(title) && ledger.contains("2022年5月") && ledger.contains("2022年6月"));
    let rec = out.join("2022-06/绩效对账表_2022-06.xlsx");
    let rank = sheet(&rec, "排名");
    assert!(rank[1][0].contains("按村、社区、站所分组排名"), "{:?}", rank[1]);
    let detail = sheet(&rec, "对账明细");
    let hr = detail.iter().position(|r| r.first().map(String::as_str) == Some("单位")).unwrap();
    let verdict = |unit: &str, task: &str| {
        let c = detail[hr].iter().position(|h| h == "对账结论").unwrap();
        detail[hr + 1..].iter().find(|r| r[0] == unit && r.contains(&task.to_string())).map(|r| r[c].clone()).unwrap()
    };
    assert_eq!(verdict("腾鳌社区", "2.1"), "差异超限", "45 said, 40 verified");
    assert_eq!(verdict("东腾鳌村", "1.1"), "一致");

    // Nothing of the built-in city list or its year anywhere.
    let written = everything_written(&out);
    assert!(written.len() >= 8, "{written:?}");
    for (path, text) in &written {
        for word in ["海城", "全市", "市级", "市政府", "督查室", "2021", "开发区", "各部门"] {
            assert!(!text.contains(word), "{} says {word}", path.display());
        }
    }
}

#[test]
fn a_citys_next_year_runs_with_its_own_year() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let root = fixtures().join("ledger-2022");
    // A 核定数据 table as the data departments fill it.
    let verified = t.path().join("核定数据.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, cells) in [["单位", "任务编号", "核定值"], ["工信局", "2.1", "8"], ["东城镇", "2.1", "35"]].iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(&verified).unwrap();
    let y = Year { list: root.join("tasks.toml"), root, year: 2022, unit: "东城镇", verified };
    y.every_command(&out);
    let form = sheet(&out.join("2022-07/东城镇_2022-07.xlsx"), "任务分解表");
    let deadline = form.iter().find(|r| r.get(1).map(String::as_str) == Some("2.1")).unwrap();
    assert!(deadline.iter().any(|c| c == "2022-12-31"), "the year's end of 2022: {deadline:?}");
    let notice = letter_text(&out.join("2022-06/通报_2022-06.docx"));
    assert!(notice.contains("截至2022年6月底，全市4项任务中"), "{notice}");
    for (path, text) in everything_written(&out) {
        assert!(!text.contains("2021"), "{} says 2021", path.display());
    }
    // Rendered as the office prints it.
    if have_soffice("a_citys_next_year_runs_with_its_own_year (PDF)") {
        let pdf = t.path().join("pdf");
        crate::common::soffice_convert(&[out.join("2022-06/通报_2022-06.docx"), out.join("台账_2022.xlsx")], "pdf", &pdf, t.path());
        if let Some(pages) = crate::common::pdf_pages(&pdf.join("通报_2022-06.pdf")) {
            let said: String = pages.iter().map(|(_, t)| t.as_str()).collect();
            assert!(said.contains("2022") && said.contains("全市") && !said.contains("2021"), "{said}");
        }
        assert!(pdf.join("台账_2022.pdf").metadata().unwrap().len() > 1000);
    }
}

#[test]
fn a_towns_papers_render_to_pdf_in_its_words() {
    if !have_soffice("a_towns_papers_render_to_pdf_in_its_words") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    town(&out);
    let pdf = t.path().join("pdf");
    let papers = [out.join("2022-06/通报_2022-06.docx"), out.join("2022-06/汇总表_2022-06.xlsx")];
    crate::common::soffice_convert(&papers, "pdf", &pdf, t.path());
    let o = std::process::Command::new("pdftotext").arg(pdf.join("通报_2022-06.pdf")).arg("-").output();
    let Ok(o) = o else {
        eprintln!("SKIPPED the PDF's text: pdftotext (poppler-utils) is not installed; .ci/run installs it");
        return;
    };
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("各村民委员会，各社区居民委员会，各站所："), "{said}");
    assert!(said.contains("腾鳌镇党政办"), "{said}");
    let o = std::process::Command::new("pdftotext").arg(pdf.join("汇总表_2022-06.pdf")).arg("-").output().unwrap();
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("腾鳌镇") && said.contains("西腾鳌村") && !said.contains("海城"), "{said}");
}

#[test]
fn a_towns_list_written_back_as_excel_is_the_same_list() {
    let t = tempfile::tempdir().unwrap();
    let list = fixtures().join("town-2022/任务清单.xlsx");
    let again = t.path().join("任务清单.xlsx");
    let toml = |tasks: &Path| {
        let o = luoshi().arg("--tasks").arg(tasks).args(["tasks", "--format", "toml"]).output().unwrap();
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8(o.stdout).unwrap()
    };
    let o = luoshi().arg("--tasks").arg(&list).args(["tasks", "--format", "xlsx", "-o"]).arg(&again).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let first = toml(&list);
    assert!(first.contains("groups = [\"村\", \"社区\", \"站所\"]") && first.contains("issuer = \"腾鳌镇人民政府\""), "{first}");
    assert_eq!(toml(&again), first);
    let settings = sheet(&again, "设置");
    assert!(settings.iter().any(|r| r[0] == "单位类别" && r[1] == "村、社区、站所"), "{settings:?}");
}
