//! Hostile and broken input: no file crashes the batch, exhausts memory, or plants a formula.
//! Each input is built here; every case runs in one batch beside a good file, which must still be read.

use crate::common::luoshi;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use luoshi::fields::Field;
use luoshi::write::form::{column, prefilled_rows, write_form};
use luoshi::write::style::{Styles, Val};
use zip::write::SimpleFileOptions;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="任务分解表" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

fn is(s: &str) -> String {
    format!(r#" t="inlineStr"><is><t>{s}</t></is></c>"#)
}

/// A minimal task table as sheet XML rows: header on row 1, one task on row 2.
fn table_rows() -> String {
    let head =
        ["任务编号", "重点任务", "累计完成", "具体措施", "牵头单位", "责任单位", "责任领导", "责任科室", "责任人", "联系电话", "完成时限", "进展情况", "状态"];
    let row =
        ["4.6.6", "持续改善农村人居环境", "", "清理垃圾", "农业农村局", "八里镇", "王某", "农业办", "李某", "13941266830", "长期坚持", "推进中", "正常推进"];
    let cells = |r: u32, vals: &[&str]| -> String {
        vals.iter().enumerate().filter(|(_, v)| !v.is_empty()).map(|(c, v)| format!(r#"<c r="{}{}"{}"#, (b'A' + c as u8) as char, r, is(v))).collect()
    };
    format!(r#"<row r="1">{}</row><row r="2">{}</row>"#, cells(1, &head), cells(2, &row))
}

fn sheet_xml(dimension: &str, extra_rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{}{extra_rows}</sheetData></worksheet>"#,
        table_rows()
    )
}

/// An xlsx from parts, each (name, bytes).
fn craft(path: &Path, parts: &[(&str, Vec<u8>)]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in parts {
        z.start_file(*name, SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated)).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

fn standard_parts(sheet: String) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
        ("_rels/.rels", RELS.as_bytes().to_vec()),
        ("xl/workbook.xml", WORKBOOK.as_bytes().to_vec()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ]
}

/// A good submission in the standard layout, with text that looks like formulas.
fn good_file(dir: &Path) {
    let plan = luoshi::plan::Plan::builtin();
    let mut rows = prefilled_rows(&plan, "腾鳌镇");
    let tricky = ["=HYPERLINK(\"http://x\",\"y\")", "=cmd|' /C calc'!A0", "+SUM(1,2)", "@SUM(1)", "-2+3", "控制\u{1}字符_x0001_", "\u{FFFE}"];
    for (i, row) in rows.iter_mut().enumerate() {
        row[column(Field::Measures) as usize] = Val::text(tricky[i % tricky.len()]);
        row[column(Field::Progress) as usize] = Val::text("推进中");
        row[column(Field::Status) as usize] = Val::text("正常推进");
    }
    let period = luoshi::period::Period { year: 2021, month: 6 };
    let mut wb = luoshi::write::new_workbook("t", period);
    write_form(&mut wb, &Styles::new(), crate::common::FORM_TITLE, "腾鳌镇", period, &rows).unwrap();
    luoshi::write::save_atomic(&mut wb, &dir.join("腾鳌镇_2021-06.xlsx")).unwrap();
}

fn batch_dir() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("2021-06");
    std::fs::create_dir_all(&d).unwrap();
    good_file(&d);
    (t, d)
}

fn validate(dir: &Path, limit_kb: Option<u64>) -> Vec<serde_json::Value> {
    let bin = env!("CARGO_BIN_EXE_luoshi");
    let cmd = format!("{} validate --format jsonl --fail-on never --period 2021-06 '{}'", bin, dir.display());
    let cmd = match limit_kb {
        Some(kb) => format!("ulimit -v {kb} && {cmd}"),
        None => cmd,
    };
    let o = Command::new("sh").arg("-c").arg(cmd).output().unwrap();
    assert!(o.status.success(), "luoshi failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn f01(findings: &[serde_json::Value], file: &str) -> Option<String> {
    findings.iter().find(|f| f["file"] == file && f["rule"] == "F01").map(|f| f["message"].as_str().unwrap().to_string())
}

fn read_ok(findings: &[serde_json::Value], file: &str) -> bool {
    !findings.iter().any(|f| f["file"] == file && (f["rule"] == "F01" || f["rule"] == "F02"))
}

#[test]
fn memory_is_bounded_by_the_data_not_by_what_the_file_claims() {
    let (_t, d) = batch_dir();
    craft(&d.join("八里镇_尺寸谎报.xlsx"), &standard_parts(sheet_xml("A1:XFD1048576", "")));
    let far = format!(r#"<row r="1048576"><c r="XFD1048576"{}</row>"#, is("x"));
    craft(&d.join("八里镇_远处单元格.xlsx"), &standard_parts(sheet_xml("A1:XFD1048576", &far)));
    // Under a 1 GB address-space limit: a dense grid would need tens of GB.
    let f = validate(&d, Some(1_048_576));
    assert!(read_ok(&f, "八里镇_尺寸谎报.xlsx"), "{f:#?}");
    assert!(read_ok(&f, "八里镇_远处单元格.xlsx"));
    assert!(read_ok(&f, "腾鳌镇_2021-06.xlsx"));
}

#[test]
fn decompression_bomb_is_stopped() {
    let (_t, d) = batch_dir();
    let big = format!(r#"<row r="3"><c r="A3"{}</row>"#, is(&" ".repeat(30_000_000)));
    craft(&d.join("八里镇_炸弹.xlsx"), &standard_parts(sheet_xml("A1:M3", &big)));
    let f = validate(&d, Some(1_048_576));
    let msg = f01(&f, "八里镇_炸弹.xlsx").expect("F01");
    assert!(msg.contains("压缩炸弹") || msg.contains("上限"), "{msg}");
    assert!(read_ok(&f, "腾鳌镇_2021-06.xlsx"));
}

#[test]
fn xls_found_by_the_fuzzer_to_exhaust_memory_is_refused() {
    // A mutated .xls that made calamine allocate 8 GB at open (fuzz artifact, kept as a fixture).
    let (_t, d) = batch_dir();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    std::fs::copy(fixtures.join("fuzz_oom_far_cells.xls"), d.join("八里镇_坏.xls")).unwrap();
    // Another one: a DIMENSIONS record claiming billions of cells, which calamine reserves room for.
    std::fs::copy(fixtures.join("fuzz_lying_dimensions.xls"), d.join("八里镇_尺寸.xls")).unwrap();
    // And one whose lying DIMENSIONS record sits where a BOUNDSHEET record points, off the record chain.
    std::fs::copy(fixtures.join("fuzz_sheet_offset_dimensions.xls"), d.join("八里镇_偏移.xls")).unwrap();
    // And one that makes calamine panic (slice index out of range): caught, F01.
    std::fs::copy(fixtures.join("fuzz_calamine_panic.xls"), d.join("八里镇_崩溃.xls")).unwrap();
    let f = validate(&d, Some(1_048_576));
    assert!(f01(&f, "八里镇_坏.xls").is_some());
    assert!(f01(&f, "八里镇_崩溃.xls").is_some());
    assert!(f01(&f, "八里镇_尺寸.xls").unwrap().contains("尺寸异常"));
    assert!(f01(&f, "八里镇_偏移.xls").is_some());
    assert!(read_ok(&f, "腾鳌镇_2021-06.xlsx"));
}

#[test]
fn ods_that_would_expand_is_refused() {
    let (_t, d) = batch_dir();
    let content = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="任务分解表"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    craft(&d.join("八里镇.ods"), &[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".to_vec()), ("content.xml", content.as_bytes().to_vec())]);
    let f = validate(&d, Some(1_048_576));
    assert!(f01(&f, "八里镇.ods").expect("F01").contains("上限"));
}

#[test]
fn odd_but_legitimate_sizes_still_work() {
    let (_t, d) = batch_dir();
    // A 32,767-character cell and a row 16,384 cells wide.
    let long = "长".repeat(32_767);
    let wide: String = (0..16_384u32).map(|c| format!(r#"<c r="{}4"{}"#, luoshi::finding::col_letters(c), is("1"))).collect();
    let rows = format!(r#"<row r="3"><c r="A3"{}<c r="D3"{}</row><row r="4">{}</row>"#, is("4.6.5"), is(&long), wide);
    craft(&d.join("八里镇_长文本.xlsx"), &standard_parts(sheet_xml("A1:XFD4", &rows)));
    let f = validate(&d, None);
    assert!(read_ok(&f, "八里镇_长文本.xlsx"), "{f:#?}");
    let plan = luoshi::plan::Plan::builtin();
    let b = luoshi::pipeline::process(&plan, std::slice::from_ref(&d), &luoshi::pipeline::Options { period: Some("2021-06".into()), ..Default::default() })
        .unwrap();
    let s = b.submissions.iter().find(|s| s.file == "八里镇_长文本.xlsx").unwrap();
    assert_eq!(s.rows.iter().find(|r| r.task_id() == "4.6.5").unwrap().get(Field::Measures).chars().count(), 32_767);
}

#[test]
fn the_data_sheet_after_5000_others_and_a_200000_row_sheet() {
    let (_t, d) = batch_dir();
    let mut wb = rust_xlsxwriter::Workbook::new();
    for i in 0..5_000 {
        wb.add_worksheet().write_string(0, 0, format!("说明{i}")).unwrap();
    }
    let ws = wb.add_worksheet();
    for (c, h) in ["任务编号", "重点任务", "具体措施", "状态"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "4.6.6").unwrap();
    wb.save(d.join("八里镇_多表.xlsx")).unwrap();

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().unwrap();
    for (c, h) in ["任务编号", "重点任务", "累计完成", "状态"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=200_000u32 {
        ws.write_string(r, 0, "4.6.6").unwrap();
        ws.write_string(r, 1, "持续改善农村人居环境").unwrap();
        ws.write_number(r, 2, r as f64).unwrap();
        ws.write_string(r, 3, "正常推进").unwrap();
    }
    wb.save(d.join("八里镇_大表.xlsx")).unwrap();
    let plan = luoshi::plan::Plan::builtin();
    let b = luoshi::pipeline::process(&plan, std::slice::from_ref(&d), &luoshi::pipeline::Options { period: Some("2021-06".into()), ..Default::default() })
        .unwrap();
    let many = b.submissions.iter().find(|s| s.file == "八里镇_多表.xlsx").expect("found after 5000 sheets");
    assert_eq!(many.rows.len(), 1);
    let big = b.submissions.iter().find(|s| s.file == "八里镇_大表.xlsx").expect("200,000 rows read");
    assert_eq!(big.rows.len(), 200_000);
    assert_eq!(big.rows[199_999].actual, Some(200_000.0));
}

#[test]
fn malformed_parts_are_findings_not_panics() {
    let (_t, d) = batch_dir();
    let broken = sheet_xml("A1:M2", "").replace("</sheetData>", "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>99</v></c></row></sheetData").replace("</worksheet>", "");
    craft(&d.join("八里镇_坏XML.xlsx"), &standard_parts(broken));
    let sst = sheet_xml("A1:M3", r#"<row r="3"><c r="A3" t="s"><v>99</v></c></row>"#);
    let mut parts = standard_parts(sst);
    parts.push((
        "xl/sharedStrings.xml",
        br#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>a</t></si></sst>"#
            .to_vec(),
    ));
    craft(&d.join("八里镇_越界.xlsx"), &parts);
    let missing: Vec<_> = standard_parts(String::new()).into_iter().filter(|(n, _)| !n.contains("sheet1")).collect();
    craft(&d.join("八里镇_缺表.xlsx"), &missing);
    let mut bom = standard_parts(format!("\u{FEFF}{}", sheet_xml("A1:M2", "")));
    bom.push(("../../evil.xml", b"<x/>".to_vec()));
    bom.push(("xl\\worksheets\\other.xml", b"<x/>".to_vec()));
    craft(&d.join("八里镇_BOM.xlsx"), &bom);
    // Duplicate zip entries: write two parts, then give the second the first one's name.
    let mut dup = standard_parts(sheet_xml("A1:M2", ""));
    dup.push(("xl/worksheets/sheet9.xml", sheet_xml("A1:A1", "").into_bytes()));
    craft(&d.join("八里镇_重复.xlsx"), &dup);
    let bytes = std::fs::read(d.join("八里镇_重复.xlsx")).unwrap();
    let (from, to) = (b"xl/worksheets/sheet9.xml", b"xl/worksheets/sheet1.xml");
    let mut patched = bytes.clone();
    for i in 0..bytes.len().saturating_sub(from.len()) {
        if &bytes[i..i + from.len()] == from {
            patched[i..i + to.len()].copy_from_slice(to);
        }
    }
    std::fs::write(d.join("八里镇_重复.xlsx"), patched).unwrap();
    let f = validate(&d, Some(1_048_576));
    for file in ["八里镇_坏XML.xlsx", "八里镇_缺表.xlsx"] {
        assert!(f01(&f, file).is_some() || f.iter().any(|x| x["file"] == file && x["rule"] == "F02"), "{file}: {f:#?}");
    }
    // Intact data reads; broken data is a finding. Either way, no panic and the batch goes on.
    let plan = luoshi::plan::Plan::builtin();
    let b = luoshi::pipeline::process(&plan, std::slice::from_ref(&d), &luoshi::pipeline::Options { period: Some("2021-06".into()), ..Default::default() })
        .unwrap();
    for file in ["八里镇_越界.xlsx", "八里镇_BOM.xlsx", "八里镇_重复.xlsx"] {
        let read = b.submissions.iter().any(|s| s.file == file);
        assert!(read || f01(&f, file).is_some(), "{file} read or reported");
    }
    assert!(read_ok(&f, "腾鳌镇_2021-06.xlsx"));
    assert!(!d.parent().unwrap().join("evil.xml").exists(), "nothing is ever extracted");
}

#[test]
fn disguised_formats_are_named_in_chinese() {
    let (_t, d) = batch_dir();
    std::fs::write(d.join("八里镇_网页.xls"), "<html><body><table><tr><td>任务编号</td></tr></table></body></html>").unwrap();
    std::fs::write(
        d.join("八里镇_2003.xls"),
        r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>"#,
    )
    .unwrap();
    std::fs::write(d.join("八里镇_逗号.xlsx"), "任务编号,重点任务\n4.6.6,人居环境\n").unwrap();
    let f = validate(&d, None);
    assert!(f01(&f, "八里镇_网页.xls").unwrap().contains("网页"));
    assert!(f01(&f, "八里镇_2003.xls").unwrap().contains("2003"));
    assert!(f01(&f, "八里镇_逗号.xlsx").unwrap().contains("文本"));
    assert!(read_ok(&f, "腾鳌镇_2021-06.xlsx"));
}

#[test]
fn text_stays_text_in_every_workbook_luoshi_writes() {
    let (t, d) = batch_dir();
    let out = t.path().join("out");
    let o = luoshi().arg("run").arg(&d).arg("-o").arg(&out).args(["--period", "2021-06"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut books = vec![out.join("2021-06/汇总表_2021-06.xlsx"), out.join("2021-06/校验报告_2021-06.xlsx")];
    books.extend(std::fs::read_dir(out.join("2021-06/退回")).unwrap().map(|e| e.unwrap().path()));
    for book in &books {
        let mut z = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
        for i in 0..z.len() {
            let mut part = z.by_index(i).unwrap();
            let name = part.name().unwrap().to_string();
            if name.starts_with("xl/worksheets/sheet") {
                let mut xml = String::new();
                std::io::Read::read_to_string(&mut part, &mut xml).unwrap();
                assert!(!xml.contains("<f>"), "{}: no formula in {}", book.display(), name);
                assert!(!xml.contains('\u{FFFE}') && !xml.contains('\u{1}'));
            }
        }
    }
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(out.join("2021-06/汇总表_2021-06.xlsx")).unwrap();
    let detail = wb.worksheet_range("明细").unwrap();
    let texts: Vec<String> =
        detail.rows().flat_map(|r| r.iter().filter_map(|c| if let calamine::Data::String(s) = c { Some(s.clone()) } else { None })).collect();
    for s in ["=cmd|' /C calc'!A0", "+SUM(1,2)", "@SUM(1)", "-2+3"] {
        assert!(texts.iter().any(|t| t == s), "{s} kept as text");
    }
}

#[test]
fn every_workbook_opens_in_libreoffice() {
    if Command::new("soffice").arg("--version").output().is_err() {
        eprintln!("soffice not installed: skipped");
        return;
    }
    let (t, d) = batch_dir();
    let out = t.path().join("out");
    assert!(luoshi().arg("run").arg(&d).arg("-o").arg(&out).args(["--period", "2021-06"]).status().unwrap().success());
    let tpl = out.join("模板.xlsx");
    assert!(luoshi().args(["template", "--unit", "腾鳌镇", "--period", "2021-06", "-o"]).arg(&tpl).status().unwrap().success());
    let conv = t.path().join("csv");
    for book in [out.join("2021-06/汇总表_2021-06.xlsx"), out.join("2021-06/校验报告_2021-06.xlsx"), out.join("2021-06/退回/腾鳌镇.xlsx"), tpl] {
        if !book.exists() {
            continue;
        }
        let o = Command::new("soffice")
            .args(["--headless", "--norestore", "--convert-to", "csv", "--outdir"])
            .arg(&conv)
            .arg(&book)
            .env("HOME", t.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}: {}", book.display(), String::from_utf8_lossy(&o.stderr));
        let csv = conv.join(book.with_extension("csv").file_name().unwrap());
        assert!(csv.exists(), "{} converted", book.display());
    }
}
