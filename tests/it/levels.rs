//! 层层抓落实 end to end (SPEC §6): a city (`tests/fixtures/chain`, returns by openpyxl, one 村
//! return re-saved by LibreOffice) with three 镇 of 4, 5 and 6 村 and three ordinary units. Each
//! 镇 derives its list from the city's, fills it in as its clerk would, runs its 村 batch and
//! reports up; the city reads the 镇 returns beside the ordinary ones and sees through them.

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};

use crate::common::{fixtures, luoshi, output_text as text, sheet};

const TOWNS: [(&str, &[&str]); 3] = [
    ("腾鳌镇", &["东腾鳌村", "西腾鳌村", "南腾鳌村", "北腾鳌村"]),
    ("西柳镇", &["西柳村", "东柳村", "南柳村", "北柳村", "中柳村"]),
    ("牌楼镇", &["牌楼村", "东牌村", "西牌村", "南牌村", "北牌村", "中牌村"]),
];

/// A workbook's sheets as cells, for a clerk's edit in a test.
type Sheets = Vec<(String, Vec<Vec<Data>>)>;

fn read_all(path: &Path) -> Sheets {
    let mut wb = open_workbook_auto(path).unwrap();
    wb.sheet_names().into_iter().map(|n| (n.clone(), wb.worksheet_range(&n).unwrap().rows().map(|r| r.to_vec()).collect())).collect()
}

/// The workbook again after an edit, as a clerk's spreadsheet program would save it (values only).
fn write_all(path: &Path, sheets: &Sheets) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match v {
                    Data::Empty => {}
                    Data::Float(f) => {
                        ws.write_number(r, c, *f).unwrap();
                    }
                    Data::Int(i) => {
                        ws.write_number(r, c, *i as f64).unwrap();
                    }
                    other => {
                        ws.write_string(r, c, other.to_string()).unwrap();
                    }
                }
            }
        }
    }
    wb.save(path).unwrap();
}

fn edit(path: &Path, f: impl FnOnce(&mut Sheets)) {
    let mut sheets = read_all(path);
    f(&mut sheets);
    write_all(path, &sheets);
}

fn set(rows: &mut [Vec<Data>], r: usize, c: usize, v: Data) {
    if rows[r].len() <= c {
        rows[r].resize(c + 1, Data::Empty);
    }
    rows[r][c] = v;
}

/// The 镇 clerk's even split (as `make.py` splits the 村 targets).
fn split(total: u32, n: usize) -> Vec<u32> {
    let base = total / n as u32;
    (0..n).map(|i| if i == 0 { total - base * (n as u32 - 1) } else { base }).collect()
}

/// `derive`, then filled in: the 村 on the roster, 2.1 and 3.1 split evenly, the 五个一 on every task.
fn town_list(dir: &Path, town: &str, villages: &[&str]) -> PathBuf {
    let list = dir.join(format!("{town}任务清单.xlsx"));
    let o = luoshi().arg("--tasks").arg(fixtures().join("chain/tasks.toml")).args(["derive", "--unit", town, "-o"]).arg(&list).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("分配给") && text(&o).contains("4 项"), "{}", text(&o));
    // Not filled in yet: the list says what is missing before anything else runs.
    let o = luoshi().arg("--tasks").arg(&list).arg("tasks").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("还没有分解到下级"), "{}", text(&o));
    edit(&list, |sheets| {
        let (_, tasks) = sheets.iter_mut().find(|(n, _)| n == "任务清单").unwrap();
        let col = |h: &str| tasks[0].iter().position(|c| *c == Data::String(h.into())).unwrap();
        let (unit, five) = (col("责任单位"), ["具体措施", "责任领导", "责任科室", "责任人", "联系电话"].map(col));
        for r in 1..tasks.len() {
            let id = tasks[r][0].to_string();
            let total = match id.as_str() {
                "2.1" => Some(40),
                "3.1" => Some(1000),
                _ => None,
            };
            if let Some(total) = total {
                let shares: Vec<String> = villages.iter().zip(split(total, villages.len())).map(|(v, s)| format!("{v}:{s}")).collect();
                set(tasks, r, unit, Data::String(shares.join("、")));
            }
            for (c, v) in five.into_iter().zip(["挂图作战，周调度", "王镇长", "党政办", "李四", "13800000000"]) {
                set(tasks, r, c, Data::String(v.into()));
            }
        }
        let (_, roster) = sheets.iter_mut().find(|(n, _)| n == "单位名单").unwrap();
        roster.extend(villages.iter().map(|v| vec![Data::String(v.to_string()), Data::String("村".into()), Data::Empty]));
    });
    list
}

/// Column of a header in a sheet's header row (the row holding `key`).
fn header<'a>(rows: &'a [Vec<String>], key: &str) -> (usize, impl Fn(&str) -> usize + 'a) {
    let h = rows.iter().position(|r| r.iter().any(|c| c == key)).unwrap_or_else(|| panic!("{key}: {rows:?}"));
    // A two-row header (节点目标, 责任落实 over their columns): the name in either row.
    let find = move |name: &str| {
        rows[h..(h + 2).min(rows.len())].iter().find_map(|r| r.iter().position(|c| c == name)).unwrap_or_else(|| panic!("{name}: {:?}", rows[h]))
    };
    (h, find)
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("a number: {s:?}"))
}

/// Every 镇 reports up into the city's folder; returns the city's folder.
fn chain(t: &Path) -> PathBuf {
    let city = t.join("海城市/2022-06");
    std::fs::create_dir_all(&city).unwrap();
    for f in std::fs::read_dir(fixtures().join("chain/海城市/2022-06")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, city.join(f.file_name().unwrap())).unwrap();
    }
    for (town, villages) in TOWNS {
        let list = town_list(t, town, villages);
        let batch = fixtures().join(format!("chain/{town}/2022-06"));
        // The 镇 runs its own 村 batch as the city runs its units.
        let o = luoshi()
            .arg("--tasks")
            .arg(&list)
            .arg("run")
            .arg(&batch)
            .arg("-o")
            .arg(t.join(format!("out-{town}")))
            .args(["--date", "2022-06-27"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{town}: {}", text(&o));
        let ret = city.join(format!("{town}_2022-06.xlsx"));
        let up = |force: bool| {
            let mut c = luoshi();
            c.arg("--tasks").arg(&list).arg("report-up").arg(&batch).arg("-o").arg(&ret);
            if force {
                c.arg("--force");
            }
            c.output().unwrap()
        };
        let o = up(false);
        if town == "西柳镇" {
            // 中柳村 sent nothing and the 镇 gave no growth rate of its own: held back, said why.
            assert_eq!(o.status.code(), Some(1), "{}", text(&o));
            assert!(text(&o).contains("中柳村（未报送）") && text(&o).contains("--force") && !ret.exists(), "{}", text(&o));
            let o = up(true);
            assert!(o.status.success(), "{}", text(&o));
        } else {
            assert!(o.status.success(), "{town}: {}", text(&o));
        }
    }
    city
}

/// The city's findings on its folder as (rule, unit, cell).
fn city_findings(city: &Path) -> Vec<(String, String, String, String)> {
    let o = luoshi()
        .arg("--tasks")
        .arg(fixtures().join("chain/tasks.toml"))
        .args(["validate", "--format", "jsonl", "--fail-on", "never"])
        .arg(city)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|f| ["rule", "unit", "cell", "message"].map(|k| f[k].as_str().unwrap_or("").to_string()))
        .map(|[a, b, c, d]| (a, b, c, d))
        .collect()
}

#[test]
fn towns_report_up_and_the_city_sees_through_them() {
    let t = tempfile::tempdir().unwrap();
    let city = chain(t.path());

    // A 镇's return is the city's own form, its figures the sum of its 村 and its own growth rate.
    let ret = city.join("腾鳌镇_2022-06.xlsx");
    let form = sheet(&ret, "任务分解表");
    assert_eq!(crate::common::said(&form[0]), "海城市政府系统抓落实专项行动任务分解表");
    assert!(crate::common::said(&form[1]).starts_with("填报单位：腾鳌镇"));
    let (h, c) = header(&form, "任务编号");
    let row = |id: &str| form[h..].iter().find(|r| r[c("任务编号")] == id).unwrap_or_else(|| panic!("{id}: {form:?}")).clone();
    assert_eq!(num(&row("2.1")[c("累计完成")]), 22.0, "6 + 5 + 5 + 6");
    assert_eq!(num(&row("3.1")[c("累计完成")]), 500.0);
    assert_eq!(num(&row("1.1")[c("累计完成")]), 6.8, "the 镇's own rate, never a sum");
    assert_eq!(row("2.1")[c("责任人")], "李四", "the 五个一 from the 镇's list");
    let detail = sheet(&ret, "下级明细");
    let (dh, dc) = header(&detail, "上级任务编号");
    let villages: Vec<&str> = detail[dh + 1..].iter().filter(|r| r[dc("上级任务编号")] == "2.1").map(|r| r[dc("单位")].as_str()).collect();
    assert_eq!(villages.len(), 4, "{detail:?}");
    assert!(detail[dh + 1..].iter().any(|r| r[dc("来源文件")] == "东腾鳌村_2022-06.ods"), "the LibreOffice re-save is read");
    // 西柳镇, sent with --force: 中柳村 said, its growth rate left empty and said.
    let xl = sheet(&city.join("西柳镇_2022-06.xlsx"), "任务分解表");
    let (xh, xc) = header(&xl, "任务编号");
    let xrow = |id: &str| xl[xh..].iter().find(|r| r[xc("任务编号")] == id).unwrap().clone();
    assert_eq!(num(&xrow("2.1")[xc("累计完成")]), 16.0);
    assert!(xrow("2.1")[xc("存在问题")].contains("下级数据未采用：中柳村（未报送）"));
    assert_eq!(xrow("1.1")[xc("累计完成")], "", "a rate is not made up");

    // Every command one level down: the 镇 hands its form to a 村 and chases the 村 that is late.
    let form = t.path().join("东腾鳌村_2022-07.xlsx");
    let o = luoshi()
        .arg("--tasks")
        .arg(t.path().join("腾鳌镇任务清单.xlsx"))
        .args(["template", "--unit", "东腾鳌村", "--period", "2022-07", "-o"])
        .arg(&form)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let handed = sheet(&form, "任务分解表");
    assert_eq!(crate::common::said(&handed[0]), "腾鳌镇政府系统抓落实专项行动任务分解表");
    assert_eq!(handed.iter().filter(|r| r.get(1).is_some_and(|c| c == "2.1" || c == "3.1")).count(), 2, "{handed:?}");
    let o = luoshi()
        .arg("--tasks")
        .arg(t.path().join("西柳镇任务清单.xlsx"))
        .arg("remind")
        .arg(fixtures().join("chain/西柳镇/2022-06"))
        .arg("-o")
        .arg(t.path().join("out-remind"))
        .args(["--due", "2022-06-25"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("中柳村") && !text(&o).contains("西柳村 "), "{}", text(&o));

    // The city on the 镇 returns and the ordinary ones: Σ 村 + the direct reporters.
    let found = city_findings(&city);
    assert!(!found.iter().any(|(r, ..)| ["L14", "L15", "L16"].contains(&r.as_str())), "{found:?}");
    let out = t.path().join("out-city");
    let o = luoshi()
        .arg("--tasks")
        .arg(fixtures().join("chain/tasks.toml"))
        .arg("run")
        .arg(&city)
        .arg("-o")
        .arg(&out)
        .args(["--date", "2022-07-05"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let book = out.join("2022-06/汇总表_2022-06.xlsx");
    let tasks = sheet(&book, "任务汇总");
    let (th, tc) = header(&tasks, "任务编号");
    let total = |id: &str| num(&tasks[th..].iter().find(|r| r[tc("任务编号")] == id).unwrap()[tc("累计完成")]);
    assert_eq!(total("2.1"), 45.0 + 22.0 + 16.0 + 20.0);
    assert_eq!(total("3.1"), 500.0 + 400.0 + 180.0);
    // 穿透: every 村 row under its 镇, and the lagging 村 named under the lagging 镇.
    let lower = sheet(&book, "下级明细");
    let (lh, lc) = header(&lower, "上级任务编号");
    let under = |town: &str| lower[lh + 1..].iter().filter(|r| r[lc("报送单位")] == town).count();
    // 4, 5 and 6 村 × 2 tasks, and each 镇's own rows (2, 1, 2).
    assert_eq!((under("腾鳌镇"), under("西柳镇"), under("牌楼镇")), (10, 11, 14));
    let silent: Vec<&Vec<String>> = lower[lh + 1..].iter().filter(|r| r[lc("单位")] == "中柳村").collect();
    assert!(silent.len() == 2 && silent.iter().all(|r| r[lc("亮灯")] == "未报送" && r[lc("累计完成")].is_empty()), "{silent:?}");
    let agenda = sheet(&book, "督办清单");
    let (ah, ac) = header(&agenda, "任务编号");
    let pailou = agenda[ah..].iter().find(|r| r[ac("责任单位")] == "牌楼镇" && r[ac("任务编号")] == "3.1").unwrap_or_else(|| panic!("{agenda:?}"));
    let named = &pailou[ac("存在问题")];
    assert!(named.starts_with("其中：东牌村 严重滞后、") && named.contains("西牌村 严重滞后、牌楼村 轻度滞后"), "{pailou:?}");

    // A 镇 whose total was edited by hand, one that cut its 村 targets, one without 下级明细.
    edit(&city.join("腾鳌镇_2022-06.xlsx"), |s| {
        let rows = &mut s[0].1;
        let r = rows.iter().position(|r| r.get(1).map(|c| c.to_string()) == Some("2.1".into())).unwrap();
        set(rows, r, 10, Data::Float(30.0));
    });
    edit(&city.join("牌楼镇_2022-06.xlsx"), |s| {
        let rows = &mut s[1].1;
        let r = rows.iter().position(|r| r.first().map(|c| c.to_string()) == Some("牌楼村".into()) && r[2] == Data::String("3.1".into())).unwrap();
        set(rows, r, 3, Data::Float(70.0));
    });
    edit(&city.join("西柳镇_2022-06.xlsx"), |s| s.truncate(1));
    let found = city_findings(&city);
    let at = |rule: &str, unit: &str| found.iter().filter(|(r, u, ..)| r == rule && u == unit).cloned().collect::<Vec<_>>();
    let l14 = at("L14", "腾鳌镇");
    assert_eq!(l14.len(), 1, "{found:?}");
    assert_eq!(l14[0].2, "K6", "the 累计完成 cell of 2.1");
    assert!(l14[0].3.contains("累计完成30个") && l14[0].3.contains("合计22个"), "{l14:?}");
    let l15 = at("L15", "牌楼镇");
    assert_eq!(l15.len(), 1, "{found:?}");
    assert!(l15[0].3.contains("减码") && l15[0].3.contains("少了100亩"), "{l15:?}");
    assert!(!found.iter().any(|(r, u, ..)| u == "西柳镇" && r.starts_with('L') && ["L14", "L15", "L16"].contains(&r.as_str())), "read as today");
}

#[test]
fn the_city_reports_up_too_by_a_derived_list_or_by_a_map() {
    let t = tempfile::tempdir().unwrap();
    let city = chain(t.path());
    // One level up: 鞍山's list names 海城市 among its 县（市、区）.
    let anshan = t.path().join("鞍山市任务清单.toml");
    std::fs::write(
        &anshan,
        r#"year = 2022
city = "鞍山市"
groups = ["县（市、区）", "部门"]
[[units]]
name = "海城市"
group = "县（市、区）"
[[units]]
name = "台安县"
group = "县（市、区）"
[[tasks]]
id = "3.2"
area = "重大项目建设"
name = "新建5G基站1000个"
uom = "个"
target = 1000
q2 = 500
lead_unit = "海城市"
units = [{ name = "海城市", target = 200 }, { name = "台安县", target = 800 }]
"#,
    )
    .unwrap();
    let derived = t.path().join("海城市任务清单.xlsx");
    let o = luoshi().arg("--tasks").arg(&anshan).args(["derive", "--unit", "海城市", "-o"]).arg(&derived).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let settings = sheet(&derived, "设置");
    let get = |k: &str| settings.iter().find(|r| r[0] == k).map(|r| r[1].clone()).unwrap_or_default();
    assert_eq!((get("地区"), get("上级"), get("单位类别")), ("海城市".into(), "鞍山市".into(), "开发区、镇（街道）、部门".into()));
    assert_eq!(sheet(&derived, "上级任务")[1][6], "200", "海城市's allocation");

    // The city's own list was not derived: a map says which of 鞍山's tasks each task feeds.
    let map = t.path().join("编号对照.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in [["本级任务编号", "上级任务编号"], ["2.1", "3.2"], ["1.1", "1.1"]].iter().enumerate() {
        ws.write_row(r as u32, 0, *row).unwrap();
    }
    wb.save(&map).unwrap();
    let ret = t.path().join("海城市_2022-06.xlsx");
    let o = luoshi()
        .arg("--tasks")
        .arg(fixtures().join("chain/tasks.toml"))
        .arg("report-up")
        .arg(&city)
        .arg("--map")
        .arg(&map)
        .arg("-o")
        .arg(&ret)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let form = sheet(&ret, "任务分解表");
    assert!(crate::common::said(&form[1]).starts_with("填报单位：海城市"), "{:?}", form[1]);
    let (h, c) = header(&form, "任务编号");
    let row = |id: &str| form[h..].iter().find(|r| r[c("任务编号")] == id).unwrap_or_else(|| panic!("{id}: {form:?}")).clone();
    assert_eq!(num(&row("3.2")[c("累计完成")]), 103.0, "the city's 5G total under 鞍山's number");
    assert_eq!(num(&row("1.1")[c("累计完成")]), 6.6, "the city's growth rate: its 发改局's, never a sum");
    let detail = sheet(&ret, "下级明细");
    let (dh, dc) = header(&detail, "上级任务编号");
    assert!(detail[dh + 1..].iter().filter(|r| r[dc("任务编号")] == "2.1").all(|r| r[dc("上级任务编号")] == "3.2"));
}
