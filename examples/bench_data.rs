//! Synthetic batches for the benchmark (bench/run.py), in the SPEC §2 layout:
//! tiny: 4 files × 20 rows; S: 65 × 40; M: 1,000 × 50; L: 1 × 200,000; chain: a city of 30 镇 ×
//! 20 村 (600 村 returns of 15 rows), each 镇's own list derived from the city's and split.
//! Realistic text, a few per cent of numbers typed as text (`35个`), deadline phrases, a 备注 row.
//!
//! `cargo run --release --example bench_data -- M target/bench/M` writes `batch/`, `units.toml`
//! and `tasks.toml` there. Deterministic.

use std::fmt::Write as _;
use std::path::Path;

use rust_xlsxwriter::Workbook;

const HEAD: [&str; 24] = [
    "序号",
    "任务编号",
    "工作方面",
    "重点任务",
    "指标名称",
    "计量单位",
    "全年目标",
    "一季度",
    "二季度",
    "三季度",
    "累计完成",
    "完成率",
    "具体措施",
    "牵头单位",
    "责任单位",
    "责任领导",
    "责任科室",
    "责任人",
    "联系电话",
    "完成时限",
    "进展情况",
    "存在问题",
    "下步措施",
    "状态",
];
const DEADLINES: [&str; 5] = ["2021-12-31", "年底前", "长期坚持", "2021年11月底", "2021.12.31"];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (size, out) = match args.as_slice() {
        [_, s, o] => (s.as_str(), Path::new(o)),
        _ => anyhow::bail!("用法：bench_data tiny|S|M|L|year-city|year-province|chain 输出目录"),
    };
    if size == "chain" {
        return chain(out, 30, 20, 15);
    }
    // A year: twelve period folders under `year/` (2021-01 … 2021-12), for the ledger.
    let (files, rows, months) = match size {
        "tiny" => (4, 20, 0),
        "S" => (65, 40, 0),
        "M" => (1000, 50, 0),
        "L" => (1, 200_000, 0),
        "year-city" => (45, 40, 12),
        "year-province" => (1000, 50, 12),
        _ => anyhow::bail!("规模应为 tiny、S、M、L、year-city、year-province 或 chain"),
    };
    let folders: Vec<(std::path::PathBuf, u32)> =
        if months == 0 { vec![(out.join("batch"), 6)] } else { (1..=months).map(|m| (out.join("year").join(format!("2021-{m:02}")), m)).collect() };
    // One task per row of the widest file, so no row repeats a task id. The list is an Excel
    // 任务清单, as the office keeps it.
    std::fs::create_dir_all(out)?;
    let mut units = String::new();
    for f in 0..files {
        let _ = writeln!(units, "[[units]]\nname = \"测试单位{f:04}\"\ngroup = \"部门\"\n");
    }
    std::fs::write(out.join("units.toml"), units)?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("任务清单")?;
    let head =
        ["任务编号", "工作方面", "重点任务", "指标名称", "计量单位", "类型", "全年目标", "一季度", "二季度", "三季度", "完成时限", "牵头单位", "责任单位"];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for t in 0..rows {
        let r = 1 + t as u32;
        let row = [format!("9.{t}"), "重点攻坚任务".into(), format!("重点任务{t}"), format!("指标{t}"), "个".into(), "数量".into()];
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r, c as u16, v)?;
        }
        for (c, v) in [100.0, 20.0, 45.0, 75.0].iter().enumerate() {
            ws.write_number(r, 6 + c as u16, *v)?;
        }
        ws.write_string(r, 10, "2021-12-31")?;
        ws.write_string(r, 11, "测试单位0000")?;
        ws.write_string(r, 12, "测试单位0000")?;
    }
    wb.save(out.join("tasks.xlsx"))?;
    for (batch, month) in &folders {
        std::fs::create_dir_all(batch)?;
        let jobs: Vec<usize> = (0..files).collect();
        std::thread::scope(|s| {
            for chunk in jobs.chunks(jobs.len().div_ceil(2).max(1)) {
                s.spawn(move || {
                    for &f in chunk {
                        write_file(batch, f, rows, *month).expect("write a synthetic submission");
                    }
                });
            }
        });
        println!("{size}: {files} 个文件 × {rows} 行 → {}", batch.display());
    }
    Ok(())
}

fn write_file(dir: &Path, f: usize, rows: usize, month: u32) -> anyhow::Result<()> {
    let unit = format!("测试单位{f:04}");
    let mut wb = Workbook::new();
    let ws = if rows > 10_000 { wb.add_worksheet_with_constant_memory()? } else { wb.add_worksheet() };
    ws.set_name("任务分解表")?;
    ws.write_string(0, 0, "海城市政府系统抓落实专项行动任务分解表")?;
    ws.write_string(1, 0, format!("填报单位：{unit}"))?;
    ws.write_string(1, 5, format!("报送期次：2021年{month}月"))?;
    for (c, h) in HEAD.iter().enumerate() {
        ws.write_string(2, c as u16, *h)?;
    }
    for i in 0..rows {
        let r = 3 + i as u32;
        // Cumulative: grows with the month (June is the single-period batches' figure).
        let actual = (45 + (i * 7 + f) % 30) * month as usize / 6;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, format!("9.{i}"))?;
        ws.write_string(r, 2, "重点攻坚任务")?;
        ws.write_string(r, 3, format!("重点任务{i}：加快推进项目建设，确保按期完成"))?;
        ws.write_string(r, 4, format!("指标{i}"))?;
        ws.write_string(r, 5, "个")?;
        ws.write_number(r, 6, 100.0)?;
        ws.write_number(r, 7, 20.0)?;
        ws.write_number(r, 8, 45.0)?;
        ws.write_number(r, 9, 75.0)?;
        if (i + f).is_multiple_of(25) {
            ws.write_string(r, 10, format!("{actual}个"))?; // a number typed as text
        } else {
            ws.write_number(r, 10, actual as f64)?;
        }
        ws.write_number(r, 11, actual as f64 / 100.0)?;
        ws.write_string(r, 12, "1.成立工作专班，主要领导亲自调度；\n2.倒排工期，挂图作战，每周通报进度。")?;
        ws.write_string(r, 13, "测试单位0000")?;
        ws.write_string(r, 14, &unit)?;
        ws.write_string(r, 15, "王建国")?;
        ws.write_string(r, 16, "综合科")?;
        ws.write_string(r, 17, "李海波")?;
        ws.write_string(r, 18, format!("139{:08}", (f * 7919 + i) % 100_000_000))?;
        ws.write_string(r, 19, DEADLINES[(i + f) % DEADLINES.len()])?;
        ws.write_string(r, 20, format!("截至{month}月底累计完成{actual}个，完成全年目标的{actual}%，工作按序时推进。"))?;
        ws.write_string(r, 21, if i % 3 == 0 { "项目前期手续办理周期较长。" } else { "" })?;
        ws.write_string(r, 22, "加强调度，确保按期完成全年任务。")?;
        ws.write_string(r, 23, "正常推进")?;
    }
    ws.write_string(3 + rows as u32, 0, format!("备注：累计完成为1-{month}月累计数。"))?;
    wb.save(dir.join(format!("{unit}_2021-{month:02}.xlsx")))?;
    Ok(())
}

/// 层层抓落实 at a city's scale: `tasks.toml` (the city's list: `tasks` count tasks, each 100 per 镇),
/// and per 镇 `镇NN/任务清单.xlsx` (derived, each task split evenly among its 村) and
/// `镇NN/2021-06/` (one return per 村), plus an empty `city/2021-06/` for the 镇 returns.
fn chain(out: &Path, towns: usize, villages: usize, tasks: usize) -> anyhow::Result<()> {
    use luoshi::plan::{Allocation, Answer, Plan, Unit};
    let mut list = String::from("year = 2021\ncity = \"海城市\"\n");
    for t in 0..towns {
        let _ = writeln!(list, "[[units]]\nname = \"镇{t:02}\"\ngroup = \"镇街\"");
    }
    let shares: Vec<String> = (0..towns).map(|t| format!("{{ name = \"镇{t:02}\", target = 100 }}")).collect();
    for k in 0..tasks {
        let _ = writeln!(
            list,
            "[[tasks]]\nid = \"9.{k}\"\narea = \"重点攻坚任务\"\nname = \"重点任务{k}\"\nuom = \"个\"\ntarget = {}\nq1 = {}\nq2 = {}\nq3 = {}\nlead_unit = \"镇00\"\nunits = [{}]",
            100 * towns,
            20 * towns,
            45 * towns,
            75 * towns,
            shares.join(", ")
        );
    }
    std::fs::create_dir_all(out.join("city/2021-06"))?;
    std::fs::write(out.join("tasks.toml"), &list)?;
    let city = Plan::from_toml(&list)?;
    let per = 100 / villages as u32;
    for t in 0..towns {
        let town = format!("镇{t:02}");
        let mut plan = city.derive(&town)?;
        let names: Vec<String> = (0..villages).map(|v| format!("{town}村{v:02}")).collect();
        for n in &names {
            let group = plan.roster.groups.parse("村").expect("a 镇's list has 村");
            plan.roster.add(Unit { name: n.clone(), group, aliases: vec![] });
        }
        for task in &mut plan.tasks {
            task.units = names.iter().map(|n| Allocation { unit: n.clone(), target: Some(per as f64) }).collect();
            let said = |s: &str| Some(s.to_string());
            task.answer =
                Answer {
                    measures: said("挂图作战"), leader: said("王镇长"), office: said("党政办"), person: said("李四"), phone: said("13904120000")
                };
        }
        let dir = out.join(&town);
        std::fs::create_dir_all(dir.join("2021-06"))?;
        luoshi::write::tasklist::write_task_list(&dir.join("任务清单.xlsx"), &plan)?;
        for (v, name) in names.iter().enumerate() {
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name("任务分解表")?;
            ws.write_string(0, 0, format!("{town}政府系统抓落实专项行动任务分解表"))?;
            ws.write_string(1, 0, format!("填报单位：{name}"))?;
            ws.write_string(1, 5, "报送期次：2021年6月")?;
            for (c, h) in HEAD.iter().enumerate() {
                ws.write_string(2, c as u16, *h)?;
            }
            for k in 0..tasks {
                let r = 3 + k as u32;
                let actual = 1 + (k + v + t) % 4;
                let cells: [(u16, &str); 4] = [(2, "重点攻坚任务"), (5, "个"), (13, &town), (19, "2021-12-31")];
                ws.write_number(r, 0, (k + 1) as f64)?;
                ws.write_string(r, 1, format!("9.{k}"))?;
                ws.write_string(r, 3, format!("重点任务{k}"))?;
                for (c, s) in cells {
                    ws.write_string(r, c, s)?;
                }
                ws.write_string(r, 14, name)?;
                for (c, x) in [(6, per as f64), (7, per as f64 * 0.2), (8, per as f64 * 0.45), (9, per as f64 * 0.75), (10, actual as f64)] {
                    ws.write_number(r, c, x)?;
                }
                for (c, s) in [(12, "挂图作战"), (15, "王建国"), (16, "综合科"), (17, "李海波"), (18, "13904120000"), (20, "按计划推进。"), (23, "正常推进")]
                {
                    ws.write_string(r, c, s)?;
                }
            }
            wb.save(dir.join("2021-06").join(format!("{name}_2021-06.xlsx")))?;
        }
    }
    println!("chain: {towns} 个镇 × {villages} 个村 × {tasks} 行 → {}", out.display());
    Ok(())
}
