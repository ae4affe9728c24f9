//! Generates `samples/2021-06/`: one 任务分解表 per roster unit, filled as units fill it, with a
//! handful of units making the typical mistakes. The planted mistakes are listed in
//! `samples/planted-2021-06.json` so a test can check that every one is found.
//!
//! Run: `cargo run --release --example make_samples` (deterministic: same files every time).

use std::path::Path;

use luoshi::fields::{Field, STANDARD_COLUMNS};
use luoshi::period::Period;
use luoshi::plan::{Kind, Plan, Task};
use luoshi::values::fmt_num;
use luoshi::write::form::{column, write_form, FIRST_DATA_ROW};
use luoshi::write::style::{num_format, Styles, Val};
use luoshi::write::{new_workbook, save_atomic};

/// A small deterministic generator (the same batch on every machine).
struct Rng(u64);

impl Rng {
    fn for_name(name: &str) -> Rng {
        let mut h: u64 = 0xcbf29ce484222325;
        for b in name.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x100000001b3);
        }
        Rng(h | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn unit(&mut self) -> f64 {
        (self.next() % 10_000) as f64 / 10_000.0
    }
}

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"];
const GIVEN: &[&str] =
    &["建国", "海波", "丽娟", "志强", "秀英", "春雨", "国庆", "晓东", "立新", "玉兰", "宏伟", "淑芬", "振华", "桂芝", "文博", "雪梅", "德明", "红霞"];
const MOBILE: &[&str] = &["139", "138", "135", "158", "186", "133", "151", "187"];

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn phone(rng: &mut Rng) -> String {
    if rng.next().is_multiple_of(4) {
        format!("0412-3{:06}", rng.next() % 1_000_000)
    } else {
        format!("{}{:08}", rng.pick(MOBILE), rng.next() % 100_000_000)
    }
}

fn section(unit: &str, task: &Task) -> &'static str {
    if unit.ends_with('镇') {
        return match task.area.as_str() {
            "重点攻坚任务" => "农业农村办",
            "重点民生保障" => "社会事务办",
            _ => "经济发展办",
        };
    }
    if unit.ends_with("街道") {
        return "社区建设办";
    }
    if unit.contains("开发区") {
        return "经济发展局";
    }
    match task.area.as_str() {
        "重要指标" => "综合科",
        "重大项目建设" => "项目科",
        "营商环境建设" => "法规科",
        "重点民生保障" => "业务科",
        _ => "规划科",
    }
}

fn measures(task: &Task, unit: &str) -> String {
    let what = task.indicator.clone().unwrap_or_else(|| task.name.clone());
    format!(
        "1.成立{}工作专班，主要领导亲自调度；\n2.制定{}推进计划，明确时间表、路线图；\n3.实行周调度、月通报，确保按节点推进。",
        unit,
        what.trim_end_matches('。')
    )
}

fn progress(task: &Task, actual: Option<f64>, rate: Option<f64>) -> String {
    let uom = task.uom.clone().unwrap_or_default();
    match (task.kind, actual) {
        (Kind::Growth, Some(a)) => format!(
            "1-6月{}增长{}%，{}全年目标。",
            task.indicator.clone().unwrap_or_default(),
            fmt_num(a),
            if a >= task.target.unwrap_or(0.0) { "高于" } else { "低于" }
        ),
        (Kind::UpperBound, Some(a)) => format!("截至6月底{}为{}%，控制在目标以内。", task.indicator.clone().unwrap_or_default(), fmt_num(a)),
        (_, Some(a)) => {
            format!("截至6月底累计完成{}{}，完成全年目标的{}%，工作按序时推进。", fmt_num(a), uom, fmt_num((rate.unwrap_or(0.0) * 1000.0).round() / 10.0))
        }
        _ => "已制定实施方案，各项工作有序推进，阶段性任务已完成。".to_string(),
    }
}

/// One unit's rows in the standard layout.
fn rows_for(plan: &Plan, unit: &str, rng: &mut Rng) -> Vec<Vec<Val>> {
    let leaders = [person(rng), person(rng)];
    let mut out = Vec::new();
    for (i, t) in plan.tasks_of(unit).into_iter().enumerate() {
        let mut row = vec![Val::Empty; STANDARD_COLUMNS];
        let set = |row: &mut Vec<Val>, f: Field, v: Val| row[column(f) as usize] = v;
        let uom = t.uom.clone().unwrap_or_default();
        let fmt = num_format(&uom);
        set(&mut row, Field::Seq, Val::Num((i + 1) as f64, "0"));
        set(&mut row, Field::TaskId, Val::text(&t.id));
        set(&mut row, Field::Area, Val::text(&t.area));
        set(&mut row, Field::Task, Val::text(&t.name));
        set(&mut row, Field::Indicator, Val::text(t.indicator.clone().unwrap_or_default()));
        let own_target = t.allocation(unit).or(t.target);
        let (mut actual, mut rate) = (None, None);
        if t.kind.quantified() {
            let target = own_target.unwrap_or(0.0);
            let city = t.target.unwrap_or(1.0);
            set(&mut row, Field::Uom, Val::text(&uom));
            set(&mut row, Field::Target, Val::Num(target, fmt));
            for (q, f) in [Field::Q1, Field::Q2, Field::Q3].into_iter().enumerate() {
                let node = t.nodes[q].map(|n| if t.kind.sums() { n * target / city } else { n });
                set(&mut row, f, Val::num(node.map(|n| (n * 100.0).round() / 100.0), fmt));
            }
            let a = match t.kind {
                Kind::Growth => ((target + (rng.unit() * 3.0 - 1.0)) * 10.0).round() / 10.0,
                Kind::UpperBound => ((target - rng.unit() * 0.5) * 10.0).round() / 10.0,
                _ => {
                    let share = 0.45 + rng.unit() * 0.35;
                    let v = target * share;
                    if fmt == "#,##0" {
                        v.round()
                    } else {
                        (v * 100.0).round() / 100.0
                    }
                }
            };
            actual = Some(a);
            set(&mut row, Field::Actual, Val::Num(a, fmt));
            if t.kind != Kind::UpperBound && target > 0.0 {
                rate = Some(a / target);
                set(&mut row, Field::Rate, Val::Pct(((a / target) * 1000.0).round() / 1000.0));
            }
        }
        set(&mut row, Field::Measures, Val::text(measures(t, unit)));
        set(&mut row, Field::LeadUnit, Val::text(&t.lead_unit));
        set(&mut row, Field::RespUnit, Val::text(unit));
        set(&mut row, Field::Leader, Val::text(&leaders[i % 2]));
        set(&mut row, Field::Section, Val::text(section(unit, t)));
        set(&mut row, Field::Person, Val::text(person(rng)));
        set(&mut row, Field::Phone, Val::text(phone(rng)));
        set(&mut row, Field::Deadline, Val::text(&t.deadline_text));
        set(&mut row, Field::Progress, Val::text(progress(t, actual, rate)));
        let problem = rng.pick(&["", "项目前期手续办理周期较长。", "资金到位较慢。", "受原材料价格上涨影响，进度有所放缓。", ""]);
        set(&mut row, Field::Problems, Val::text(problem));
        set(&mut row, Field::NextSteps, Val::text("加强调度，倒排工期，确保按期完成全年任务。"));
        let behind = match (t.kind, actual, own_target, t.nodes[1]) {
            (Kind::Growth, Some(a), Some(tg), _) => a < tg,
            (k, Some(a), Some(tg), Some(q2)) if k.sums() => a < q2 * tg / t.target.unwrap_or(1.0) - 1e-9,
            _ => false,
        };
        set(&mut row, Field::Status, Val::text(if behind { "滞后" } else { "正常推进" }));
        out.push(row);
    }
    out
}

/// A planted mistake: the rule it must trigger and where.
struct Planted {
    file: String,
    rule: &'static str,
    cell: Option<String>,
    note: &'static str,
}

fn cell(f: Field, i: usize) -> String {
    luoshi::finding::cell_ref(FIRST_DATA_ROW + i as u32, column(f) as u32)
}

fn main() -> anyhow::Result<()> {
    let plan = Plan::builtin();
    let period = Period { year: 2021, month: 6 };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/2021-06");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let st = Styles::new();
    let mut planted = Vec::new();
    let mut verified: Vec<(String, String, f64, String)> = Vec::new();
    for unit in plan.expected_units() {
        let name = unit.name.as_str();
        if name == "感王镇" {
            planted.push(Planted { file: String::new(), rule: "V01", cell: None, note: "感王镇没有报送" });
            continue;
        }
        let file = format!("{name}_2021-06.xlsx");
        let mut rng = Rng::for_name(name);
        let mut rows = rows_for(&plan, name, &mut rng);
        let find = |rows: &Vec<Vec<Val>>, id: &str| rows.iter().position(|r| r[column(Field::TaskId) as usize] == Val::text(id));
        let put = |rows: &mut Vec<Vec<Val>>, i: usize, f: Field, v: Val| rows[i][column(f) as usize] = v;
        let mut drop_phone = false;
        match name {
            "西柳镇" => {
                if let Some(i) = find(&rows, "4.1.2") {
                    put(&mut rows, i, Field::Actual, Val::text("十二"));
                    planted.push(Planted { file: file.clone(), rule: "C02", cell: Some(cell(Field::Actual, i)), note: "累计完成写汉字“十二”" });
                }
            }
            "牌楼镇" => {
                if let Some(i) = find(&rows, "4.6.6") {
                    put(&mut rows, i, Field::Deadline, Val::text("待定"));
                    planted.push(Planted { file: file.clone(), rule: "C03", cell: Some(cell(Field::Deadline, i)), note: "完成时限写“待定”" });
                    put(&mut rows, i, Field::Phone, Val::text("1394126683"));
                    planted.push(Planted { file: file.clone(), rule: "C05", cell: Some(cell(Field::Phone, i)), note: "电话只有10位" });
                }
            }
            "发改局" => {
                if let Some(i) = find(&rows, "6.2") {
                    put(&mut rows, i, Field::Status, Val::text("进行中"));
                    planted.push(Planted { file: file.clone(), rule: "C04", cell: Some(cell(Field::Status, i)), note: "状态写“进行中”" });
                }
            }
            "腾鳌镇" => {
                if let Some(i) = find(&rows, "4.6.1") {
                    // 亩 instead of 万亩: converted, not an error.
                    put(&mut rows, i, Field::Uom, Val::text("亩"));
                    put(&mut rows, i, Field::Target, Val::Num(15000.0, "0"));
                    for f in [Field::Q1, Field::Q2, Field::Q3] {
                        if let Val::Num(v, _) = rows[i][column(f) as usize].clone() {
                            put(&mut rows, i, f, Val::Num((v * 10_000.0).round(), "0"));
                        }
                    }
                    if let Val::Num(v, _) = rows[i][column(Field::Actual) as usize].clone() {
                        put(&mut rows, i, Field::Actual, Val::text(format!("{}亩", (v * 10_000.0).round())));
                    }
                }
                if let Some(i) = find(&rows, "4.6.3") {
                    put(&mut rows, i, Field::Uom, Val::text("个"));
                    planted.push(Planted {
                        file: file.clone(), rule: "L09", cell: Some(cell(Field::Uom, i)), note: "计量单位写“个”，清单为“家”"
                    });
                }
            }
            "交通局" => {
                drop_phone = true;
                planted.push(Planted { file: file.clone(), rule: "F03", cell: None, note: "删去了“联系电话”列" });
            }
            "农业农村局" => {
                if let Some(i) = find(&rows, "4.6.6") {
                    let dup = rows[i].clone();
                    rows.insert(i + 1, dup);
                    planted.push(Planted { file: file.clone(), rule: "L02", cell: Some(cell(Field::TaskId, i + 1)), note: "4.6.6填了两行" });
                }
            }
            "自然资源局" => {
                if let Some(i) = find(&rows, "4.7.2") {
                    put(&mut rows, i, Field::Target, Val::Num(500.0, "0"));
                    planted.push(Planted {
                        file: file.clone(), rule: "L08", cell: Some(cell(Field::Target, i)), note: "植树造林目标写500亩，分配600亩"
                    });
                    planted.push(Planted { file: String::new(), rule: "V04", cell: None, note: "植树造林各单位目标合计不足3000亩" });
                }
            }
            "民政局" => {
                if let Some(i) = find(&rows, "5.7.1") {
                    put(&mut rows, i, Field::Person, Val::Empty);
                    planted.push(Planted { file: file.clone(), rule: "C01", cell: Some(cell(Field::Person, i)), note: "责任人为空" });
                }
            }
            "住建局" => {
                if let Some(i) = find(&rows, "4.5.3") {
                    put(&mut rows, i, Field::TaskId, Val::text("4.5.9"));
                    // 4.5.3's own words: the row is counted as 4.5.3, and L01 says so.
                    planted.push(Planted {
                        file: file.clone(), rule: "L01", cell: Some(cell(Field::TaskId, i)), note: "任务编号4.5.9不在清单中，按4.5.3计入"
                    });
                }
            }
            _ => {}
        }
        if drop_phone {
            for r in &mut rows {
                r[column(Field::Phone) as usize] = Val::Empty;
            }
        }
        for r in &rows {
            if let (Val::Text(id), Val::Num(actual, _)) = (&r[column(Field::TaskId) as usize], &r[column(Field::Actual) as usize]) {
                let source = plan.task(id).map(|t| format!("{}核定", t.lead_unit)).unwrap_or_default();
                verified.push((name.to_string(), id.clone(), *actual, source));
            }
        }
        let mut wb = new_workbook("任务分解表", period);
        let ws = write_form(&mut wb, &st, &luoshi::write::form::title(&plan), name, period, &rows)?;
        if drop_phone {
            ws.write_string_with_format(2, column(Field::Phone), "", &st.header)?;
            ws.write_string_with_format(3, column(Field::Phone), "", &st.header)?;
        }
        save_atomic(&mut wb, &dir.join(&file))?;
    }
    // 核定数据 from the data departments: most figures agree, some were overstated, some are not verified yet.
    let mut wb = luoshi::write::new_output_workbook("核定数据", period);
    let ws = wb.add_worksheet();
    ws.set_name("核定数据")?;
    for (c, h) in ["单位", "任务编号", "核定值", "数据来源", "备注"].iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    let mut r = 1;
    for (i, (unit, id, actual, source)) in verified.iter().enumerate() {
        if i % 11 == 7 {
            continue;
        }
        let (value, note) = if i % 9 == 4 { ((actual * 0.8 * 100.0).round() / 100.0, "自报数含未竣工项目") } else { (*actual, "") };
        ws.write_string(r, 0, unit)?;
        ws.write_string(r, 1, id)?;
        ws.write_number(r, 2, value)?;
        ws.write_string(r, 3, source)?;
        ws.write_string(r, 4, note)?;
        r += 1;
    }
    save_atomic(&mut wb, &dir.parent().unwrap_or(&dir).join("核定数据_2021-06.xlsx"))?;
    // An Excel lock file left behind by an open workbook: skipped, never read.
    std::fs::write(dir.join("~$腾鳌镇_2021-06.xlsx"), b"\x0dAdministrator                                  ")?;
    let json: Vec<serde_json::Value> = planted
        .iter()
        .map(|p| serde_json::json!({"file": if p.file.is_empty() { None } else { Some(&p.file) }, "rule": p.rule, "cell": p.cell, "note": p.note}))
        .collect();
    std::fs::write(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/planted-2021-06.json"), serde_json::to_string_pretty(&json)? + "\n")?;
    println!("已生成 {} 个单位的报送文件：{}", plan.expected_units().len() - 1, dir.display());
    Ok(())
}
