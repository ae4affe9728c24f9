//! Helpers shared by the integration tests: a unit's form filled in as a careful unit would.
#![allow(dead_code)]

use std::path::Path;

use luoshi::fields::Field;
use luoshi::period::Period;
use luoshi::plan::Plan;
use luoshi::write::form::{column, prefilled_rows, write_form};
use luoshi::write::style::{Styles, Val};
use luoshi::write::{new_workbook, save_atomic};

pub const PERIOD: Period = Period { year: 2021, month: 6 };

/// A unit's rows: on track, every required cell filled, 累计完成 half the target (7.0 for 1.1).
pub fn clean_rows(plan: &Plan, unit: &str) -> Vec<Vec<Val>> {
    let mut rows = prefilled_rows(plan, unit);
    for row in &mut rows {
        let set = |row: &mut Vec<Val>, f: Field, v: Val| row[column(f) as usize] = v;
        let target = match &row[column(Field::Target) as usize] {
            Val::Num(v, _) => Some(*v),
            _ => None,
        };
        if let Some(t) = target {
            let id = row[column(Field::TaskId) as usize].clone();
            let actual = if id == Val::text("1.1") { 7.0 } else { (t * 0.5).round() };
            set(row, Field::Actual, Val::Num(actual, "0.0"));
            set(row, Field::Rate, Val::Pct(actual / t));
        }
        set(row, Field::Measures, Val::text("成立工作专班，倒排工期。"));
        set(row, Field::Leader, Val::text("王建国"));
        set(row, Field::Section, Val::text("经济发展办"));
        set(row, Field::Person, Val::text("李海波"));
        set(row, Field::Phone, Val::text("13941266830"));
        set(row, Field::Progress, Val::text("按计划推进。"));
        set(row, Field::Status, Val::text("正常推进"));
    }
    rows
}

pub fn set(rows: &mut [Vec<Val>], task: &str, f: Field, v: Val) {
    let row = rows.iter_mut().find(|r| r[column(Field::TaskId) as usize] == Val::text(task)).expect("task row");
    row[column(f) as usize] = v;
}

/// Write a unit's form; `cells` overwrite single cells afterwards: (row, col, text).
pub fn write_unit(dir: &Path, file: &str, unit: &str, rows: &[Vec<Val>], cells: &[(u32, u16, String)]) {
    let mut wb = new_workbook("任务分解表", PERIOD);
    let ws = write_form(&mut wb, &Styles::new(), FORM_TITLE, unit, PERIOD, rows).unwrap();
    for (r, c, t) in cells {
        ws.write_string(*r, *c, t.as_str()).unwrap();
    }
    save_atomic(&mut wb, &dir.join(file)).unwrap();
}

/// Whether LibreOffice is installed; says so on the test's output when it is not.
pub fn have_soffice(test: &str) -> bool {
    let ok = std::process::Command::new("soffice").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED {test}: LibreOffice (soffice) is not installed; .ci/run installs it");
    }
    ok
}

/// Convert `files` with LibreOffice into `out` as `to` (xlsx, xls, ods, pdf, csv …). Its own
/// profile under `home`, so tests running at once do not share one.
pub fn soffice_convert(files: &[std::path::PathBuf], to: &str, out: &Path, home: &Path) {
    let o = std::process::Command::new("soffice")
        .args(["--headless", "--norestore", "--convert-to", to, "--outdir"])
        .arg(out)
        .args(files)
        .env("HOME", home)
        .output()
        .expect("soffice runs");
    assert!(o.status.success(), "soffice --convert-to {to}: {}", String::from_utf8_lossy(&o.stderr));
}

/// The title of the form the built-in list hands out.
pub const FORM_TITLE: &str = "海城市政府系统抓落实专项行动任务分解表";

/// The luoshi binary under test.
pub fn luoshi() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_luoshi"))
}

/// What a command printed, stdout then stderr.
pub fn output_text(o: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Three monthly folders written by openpyxl (`tests/fixtures/ledger/make.py` says what is planted).
pub fn ledger_fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger")
}

/// The three months copied under `root/报送`, as the office keeps them, June without the units
/// in `june_without`; returns `root/报送`.
pub fn ledger_periods(root: &Path, june_without: &[&str]) -> std::path::PathBuf {
    let base = root.join("报送");
    for m in ["2021-04", "2021-05", "2021-06"] {
        let dir = base.join(m);
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(ledger_fixtures().join(m)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if m == "2021-06" && june_without.iter().any(|u| name.starts_with(u)) {
                continue;
            }
            std::fs::copy(&p, dir.join(&name)).unwrap();
        }
    }
    base
}

/// A sheet of a workbook luoshi wrote, read back with calamine, every cell as text (numbers as Rust prints them).
pub fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let range = wb.worksheet_range(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => format!("{i}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The project's folder.
/// What a line above a table says, wherever it stands (a title over several printed pages
/// stands where it prints whole, not always in A1).
pub fn said(row: &[String]) -> String {
    row.iter().filter(|c| !c.is_empty()).cloned().collect::<Vec<_>>().join(" ")
}

pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files other programs wrote (`tests/fixtures`, see its README).
pub fn fixtures() -> std::path::PathBuf {
    root().join("tests/fixtures")
}

/// The bundled sample batch (`samples/2021-06`).
pub fn samples() -> std::path::PathBuf {
    root().join("samples/2021-06")
}

/// Edge inputs for the write and path tests (`tests/fixtures/edge/make.py`).
pub fn edge() -> std::path::PathBuf {
    fixtures().join("edge")
}

/// The body of a .docx luoshi wrote (`word/document.xml`), as text.
pub fn document_xml(docx: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap_or_else(|e| panic!("{}: {e}", docx.display()))).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    xml
}

/// Each page of a PDF: the size of its smallest text (the font size of its text spans, in
/// points, as PyMuPDF reads them — not the glyph boxes, which are a third larger) and its text.
/// `None` where python3 with PyMuPDF is not installed.
pub fn pdf_pages(pdf: &Path) -> Option<Vec<(f64, String)>> {
    const SCRIPT: &str = r#"
import json, sys
try:
    import pymupdf
except ImportError:
    try:
        import fitz as pymupdf
    except ImportError:
        sys.exit(3)
pages = []
for page in pymupdf.open(sys.argv[1]):
    sizes = [s["size"] for b in page.get_text("dict")["blocks"] for l in b.get("lines", []) for s in l["spans"] if s["text"].strip()]
    pages.append([min(sizes) if sizes else 99.0, page.get_text()])
print(json.dumps(pages, ensure_ascii=False))
"#;
    let o = std::process::Command::new("python3").args(["-W", "ignore", "-c", SCRIPT]).arg(pdf).output().ok()?;
    if !o.status.success() {
        return None;
    }
    serde_json::from_slice(&o.stdout).ok()
}

/// Every file under `dir` (luoshi's hidden lock and manifest aside) with its bytes.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.file_name().unwrap().to_string_lossy().starts_with(".luoshi-") {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}
