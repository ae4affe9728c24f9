//! Every figure the meeting sees agrees with every other: a value luoshi could not use is treated
//! the same way on every sheet, counts equal the rows under them (samples: 西柳镇 wrote 4.1.2 累计完成
//! “十二”, 腾鳌镇 wrote 4.6.3 in 个 instead of 家).

use crate::common::root;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook_auto, Data, Reader};

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = open_workbook_auto(path).unwrap();
    wb.worksheet_range(name).unwrap().rows().map(|r| r.to_vec()).collect()
}

/// The header row of a table sheet and a column finder on it.
fn header(rows: &[Vec<Data>], name: &str) -> (usize, usize) {
    for (r, row) in rows.iter().enumerate().take(5) {
        if let Some(c) = row.iter().position(|d| *d == name) {
            return (r, c);
        }
    }
    panic!("no column {name}");
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        Data::Empty => 0.0,
        other => panic!("not a number: {other:?}"),
    }
}

fn out() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi")).arg("run").arg(root().join("samples/2021-06")).arg("-o").arg(t.path()).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let p = t.path().join("2021-06/汇总表_2021-06.xlsx");
    (t, p)
}

#[test]
fn a_value_luoshi_could_not_use_is_left_out_everywhere_and_said() {
    let (_t, pack) = out();
    let tasks = sheet(&pack, "任务汇总");
    let (hr, id) = header(&tasks, "任务编号");
    let col = |n: &str| header(&tasks, n).1;
    let row = |task: &str| tasks.iter().skip(hr + 1).find(|r| r[id] == task).unwrap().clone();
    for (task, unit) in [("4.1.2", "西柳镇"), ("4.6.3", "腾鳌镇")] {
        let r = row(task);
        assert_eq!(r[col("未采用数据")].to_string(), format!("不含未采用1条：{unit}"), "{task}");
        let progress = r[col("进展情况")].to_string();
        assert!(progress.contains(&format!("{unit}（数据未采用）：")), "{task}: {progress}");
        assert!(num(&r[col("已报单位")]) < num(&r[col("应报单位")]), "{task}: 已报 counts usable rows only");
    }
    // 4.1.2: the sum leaves out 西柳镇's row, and says so.
    let detail = sheet(&pack, "明细");
    let (dh, did) = header(&detail, "任务编号");
    let (_, dunit) = header(&detail, "单位");
    let (_, dlight) = header(&detail, "亮灯");
    let (_, dactual) = header(&detail, "累计完成");
    let lit = |task: &str, unit: &str| detail.iter().skip(dh + 1).find(|r| r[did] == task && r[dunit] == unit).unwrap()[dlight].to_string();
    assert_eq!(lit("4.1.2", "西柳镇"), "未启动/无数据", "no data, no light");
    assert_eq!(lit("4.6.3", "腾鳌镇"), "未启动/无数据");
    let sum: f64 = detail.iter().skip(dh + 1).filter(|r| r[did] == "4.1.2" && r[dunit] != "西柳镇").map(|r| num(&r[dactual])).sum();
    assert!((num(&row("4.1.2")[col("累计完成")]) - sum).abs() < 1e-9);
}

#[test]
fn every_unit_count_equals_the_rows_under_it() {
    let (_t, pack) = out();
    let units = sheet(&pack, "分单位");
    let (hr, u) = header(&units, "单位");
    let col = |n: &str| header(&units, n).1;
    let lights = ["已完成", "正常推进", "轻度滞后", "严重滞后", "未启动/无数据"].map(&col);
    for r in units.iter().skip(hr + 1).filter(|r| !r[u].to_string().is_empty()) {
        let parts: f64 = lights.iter().map(|&c| num(&r[c])).sum::<f64>() + num(&r[col("未报")]);
        assert_eq!(num(&r[col("任务数")]), parts, "{}", r[u]);
    }
    let ganwang = units.iter().find(|r| r[u] == "感王镇").unwrap();
    assert!(num(&ganwang[col("任务数")]) >= 1.0, "感王镇 owes its tasks");
    assert_eq!(num(&ganwang[col("未报")]), num(&ganwang[col("任务数")]));

    // 督办清单: only lagging unit rows, and the headline counts them.
    let agenda = sheet(&pack, "督办清单");
    let (ah, al) = header(&agenda, "亮灯");
    let rows: Vec<String> = agenda.iter().skip(ah + 1).map(|r| r[al].to_string()).filter(|s| !s.is_empty()).collect();
    assert!(!rows.is_empty() && rows.iter().all(|l| l == "严重滞后" || l == "轻度滞后"), "{rows:?}");
    let headline = agenda[1][0].to_string();
    let (red, yellow) = (rows.iter().filter(|l| *l == "严重滞后").count(), rows.iter().filter(|l| *l == "轻度滞后").count());
    assert!(headline.contains(&format!("单位报送行：红灯{red}行、黄灯{yellow}行")), "{headline}");
}

#[test]
fn reconcile_treats_an_unusable_figure_as_not_reported_and_keeps_decimals() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("对账.xlsx");
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .arg("reconcile")
        .arg(root().join("samples/2021-06"))
        .arg("--verified")
        .arg(root().join("samples/核定数据_2021-06.xlsx"))
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = sheet(&path, "对账明细");
    let (hr, u) = header(&lines, "单位");
    let col = |n: &str| header(&lines, n).1;
    let line = lines.iter().skip(hr + 1).find(|r| r[u] == "腾鳌镇" && r[col("任务编号")] == "4.6.3").unwrap();
    assert_eq!(line[col("对账结论")].to_string(), "未报", "never 差异超限 on a figure not used");
    assert!(line[col("说明")].to_string().contains("L09"), "{:?}", line[col("说明")]);
    // Number formats follow the decimals a value has.
    let styles = {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut s = String::new();
        z.by_name("xl/styles.xml").unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert!(styles.contains("#,##0.0"), "a one-decimal format exists for figures like 5.6");
}

#[test]
fn the_unit_chart_covers_every_unit() {
    use std::io::Read;
    let (_t, pack) = out();
    let units = sheet(&pack, "分单位");
    let (hr, u) = header(&units, "单位");
    let n = units.iter().skip(hr + 1).filter(|r| !r[u].to_string().is_empty()).count();
    let mut z = zip::ZipArchive::new(std::fs::File::open(&pack).unwrap()).unwrap();
    let names: Vec<String> = (0..z.len()).map(|i| z.by_index(i).unwrap().name().unwrap().to_string()).filter(|n| n.starts_with("xl/charts/chart")).collect();
    let mut found = false;
    for name in names {
        let mut xml = String::new();
        z.by_name(&name).unwrap().read_to_string(&mut xml).unwrap();
        if xml.contains("分单位!") {
            let want = format!("分单位!$B${}:$B${}", hr + 2, hr + 1 + n);
            assert!(xml.contains(&want), "{name}: categories {want}");
            assert!(xml.contains("<c:barDir val=\"bar\"/>"), "horizontal bars for {n} names");
            found = true;
        }
    }
    assert!(found, "a chart of the units");
}

#[test]
fn returns_put_errors_before_warnings() {
    let t = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi")).arg("run").arg(root().join("samples/2021-06")).arg("-o").arg(t.path()).output().unwrap();
    assert!(o.status.success());
    let mut checked = 0;
    for e in std::fs::read_dir(t.path().join("2021-06/退回")).unwrap() {
        let p = e.unwrap().path();
        let rows = sheet(&p, "退回意见");
        let Some((hr, c)) = rows.iter().enumerate().take(5).find_map(|(r, row)| row.iter().position(|d| *d == "级别").map(|c| (r, c))) else {
            continue;
        };
        let rank = |s: &str| match s {
            "错误" => 0,
            "警告" => 1,
            _ => 2,
        };
        let levels: Vec<i32> = rows.iter().skip(hr + 1).map(|r| r[c].to_string()).filter(|s| !s.is_empty()).map(|s| rank(&s)).collect();
        assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{}: {levels:?}", p.display());
        checked += 1;
    }
    assert!(checked > 0);
}

/// Smallest text height (points) on each PDF page, with the page's first words.
fn smallest_text(pdf: &Path) -> Vec<(f64, String)> {
    let o = Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().expect("pdftotext runs");
    let xml = String::from_utf8_lossy(&o.stdout).to_string();
    xml.split("<page ")
        .skip(1)
        .map(|page| {
            let mut min = f64::MAX;
            let mut words = String::new();
            for w in page.split("<word ").skip(1) {
                let attr = |k: &str| w.split(&format!("{k}=\"")).nth(1).and_then(|r| r.split('"').next()).and_then(|v| v.parse::<f64>().ok());
                if let (Some(a), Some(b)) = (attr("yMin"), attr("yMax")) {
                    min = min.min(b - a);
                }
                if words.chars().count() < 40 {
                    words.push_str(w.split('>').nth(1).and_then(|r| r.split('<').next()).unwrap_or(""));
                }
            }
            (min, words)
        })
        .collect()
}

#[test]
fn the_returned_form_the_task_summary_and_the_overview_print_readably() {
    let have = |tool: &str, arg: &str| Command::new(tool).arg(arg).output().is_ok_and(|o| o.status.success() || !o.stderr.is_empty());
    if !have("soffice", "--version") || !have("pdftotext", "-v") {
        eprintln!("SKIPPED the_returned_form_the_task_summary_and_the_overview_print_readably: LibreOffice or poppler (pdftotext) is not installed; .ci/run installs them");
        return;
    }
    let (t, pack) = out();
    let form = t.path().join("2021-06/退回/西柳镇.xlsx");
    let pdfs = t.path().join("pdf");
    let o = Command::new("soffice")
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&pdfs)
        .arg(&pack)
        .arg(&form)
        .env("HOME", t.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut checked = 0;
    let summary = pdfs.join("汇总表_2021-06.pdf");
    for (pdf, marker) in
        [(summary.clone(), "任务汇总表"), (summary.clone(), "月调度汇总表"), (summary.clone(), "滞后任务行数"), (pdfs.join("西柳镇.pdf"), "任务分解表")]
    {
        for (i, (min, words)) in smallest_text(&pdf).iter().enumerate() {
            if words.contains(marker) || (marker == "任务分解表" && i > 0) {
                // Text boxes are about as tall as the font size: 10 pt text measures 9.9.
                assert!(*min >= 7.0, "{} page {}: text {min:.1} pt high ({words})", pdf.display(), i + 1);
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "pages checked: {checked}");
}

#[test]
fn the_returned_rate_is_a_number_and_the_guide_matches_the_form() {
    let (t, _) = out();
    let rows = sheet(&t.path().join("2021-06/退回/西柳镇.xlsx"), "任务分解表");
    let (hr, rate) = header(&rows, "完成率");
    let rates: Vec<&Data> = rows.iter().skip(hr + 2).map(|r| &r[rate]).filter(|d| !matches!(d, Data::Empty)).collect();
    assert!(!rates.is_empty() && rates.iter().all(|d| matches!(d, Data::Float(_))), "{rates:?}");
    let form = t.path().join("模板.xlsx");
    assert!(Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(["template", "--unit", "腾鳌镇", "--period", "2021-06", "-o"])
        .arg(&form)
        .status()
        .unwrap()
        .success());
    let guide: String = sheet(&form, "填报说明").iter().flatten().map(|d| d.to_string()).collect();
    assert!(!guide.contains("可以写“222个”") && !guide.contains("达进度"), "the guide promises only what the form accepts");
    let tasks = sheet(&t.path().join("2021-06/汇总表_2021-06.xlsx"), "任务汇总");
    assert!(tasks.iter().take(4).flatten().any(|d| *d == "完成进度"), "luoshi's figure is 完成进度, the unit's is 完成率");
}

#[test]
fn each_score_says_the_rule_it_was_scored_by() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("对账.xlsx");
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .arg("reconcile")
        .arg(root().join("samples/2021-06"))
        .arg("--verified")
        .arg(root().join("samples/核定数据_2021-06.xlsx"))
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success());
    let lines = sheet(&path, "对账明细");
    let (hr, id) = header(&lines, "任务编号");
    let rule = header(&lines, "计分规则").1;
    let of = |task: &str| lines.iter().skip(hr + 1).find(|r| r[id] == task).unwrap()[rule].to_string();
    assert!(of("1.1").contains("按是否达到全年目标计分"), "growth: {}", of("1.1"));
    assert!(of("4.1.2").contains("按完成率计分"), "count: {}", of("4.1.2"));
    assert!(lines.iter().skip(hr + 1).all(|r| !r[rule].to_string().is_empty()));
    assert!(lines.iter().flatten().all(|d| *d != "定性（按状态）"));
}

#[test]
fn a_repeated_row_is_not_quoted_twice() {
    // Fixture: 农业农村局 wrote 4.6.6 twice (L02).
    let fixtures = root().join("tests/fixtures");
    let t = tempfile::tempdir().unwrap();
    let pack = t.path().join("汇总.xlsx");
    let o = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .arg("consolidate")
        .arg(fixtures.join("2021-06"))
        .arg("--tasks")
        .arg(fixtures.join("tasks.toml"))
        .arg("-o")
        .arg(&pack)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tasks = sheet(&pack, "任务汇总");
    let (hr, id) = header(&tasks, "任务编号");
    let progress = header(&tasks, "进展情况").1;
    let row = tasks.iter().skip(hr + 1).find(|r| r[id] == "4.6.6").unwrap();
    let text = row[progress].to_string();
    assert_eq!(text.matches("农业农村局").count(), 1, "{text}");
}

#[test]
fn wrapped_rows_of_the_returned_form_are_sized() {
    use std::io::Read;
    let (t, _) = out();
    let mut z = zip::ZipArchive::new(std::fs::File::open(t.path().join("2021-06/退回/西柳镇.xlsx")).unwrap()).unwrap();
    let mut found = false;
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if !name.starts_with("xl/worksheets/sheet") {
            continue;
        }
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        if xml.contains("<pageSetup") && xml.contains("fitToWidth=\"2\"") {
            // Data rows (Excel row 5 on) of the standard form carry their own heights.
            let sized = xml.split("<row ").filter(|r| r.contains("customHeight=\"1\"")).count();
            assert!(sized >= 5, "{name}: {sized} rows sized");
            assert!(xml.contains("<cols>"), "{name}");
            found = true;
        }
    }
    assert!(found, "the 任务分解表 sheet of the return, printed two pages wide");
}
