#!/usr/bin/env python3
"""luoshi benchmark: `luoshi run` end to end against the floor, on synthetic batches.

    python3 bench/run.py [tiny|S|M|L|year-city|year-province|chain ...]      (default: S M L)

Builds the release binary and the two examples (bench_data, floor), generates each batch once into
target/bench/<size>/, then runs, on the same files: the floor (calamine read of every cell on all
cores + a constant-memory rust_xlsxwriter write of those rows) and `luoshi run`. Prints wall times,
the ratio to the floor, rows per second and peak memory (max RSS of the process), as a Markdown table.

`chain` times 层层抓落实 whole: a city of 30 镇 × 20 村 (600 村 returns of 15 rows); every 镇's
`luoshi run` and `luoshi report-up` on its 村, then the city's `luoshi run` on the 30 镇 returns.

The year sizes (twelve period folders, 2021-01 … 2021-12) time the ledger instead: `luoshi ledger`
over the whole year, and `luoshi run` on December, which reads the eleven earlier months by itself.
"""
import json
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")


def sh(args, **kw):
    return subprocess.run(args, cwd=ROOT, check=True, **kw)


def measure(args):
    """Wall seconds, peak RSS in MB, stdout."""
    t0 = time.perf_counter()
    p = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        sys.exit(f"failed: {' '.join(args)}\n{err.decode(errors='replace')}")
    return wall, ru.ru_maxrss / 1024.0, out.decode()


def main():
    sizes = sys.argv[1:] or ["S", "M", "L"]
    sh(["cargo", "build", "--release", "--locked", "--bin", "luoshi", "--example", "bench_data", "--example", "floor"], stdout=subprocess.DEVNULL)
    bin_dir = os.path.join(TARGET, "release")
    rows_out = []
    years_out = []
    for size in [s for s in sizes if s.startswith("year-")]:
        base = os.path.join(TARGET, "bench", size)
        year = os.path.join(base, "year")
        if not os.path.isdir(os.path.join(year, "2021-12")):
            sh([os.path.join(bin_dir, "examples", "bench_data"), size, base], stdout=subprocess.DEVNULL)
        months = sorted(os.listdir(year))
        files = sum(len(os.listdir(os.path.join(year, m))) for m in months)
        common = [os.path.join(bin_dir, "luoshi"), "--tasks", os.path.join(base, "tasks.xlsx"), "--units", os.path.join(base, "units.toml")]
        lw, lmem, _ = measure(common + ["ledger", year, "-o", os.path.join(base, "台账.xlsx")])
        rw, rmem, _ = measure(common + ["run", os.path.join(year, "2021-12"), "-o", os.path.join(base, "out")])
        years_out.append((size, len(months), files, lw, lmem, rw, rmem))
    chain_out = []
    if "chain" in sizes:
        base = os.path.join(TARGET, "bench", "chain")
        if not os.path.isdir(os.path.join(base, "city")):
            sh([os.path.join(bin_dir, "examples", "bench_data"), "chain", base], stdout=subprocess.DEVNULL)
        exe = os.path.join(bin_dir, "luoshi")
        towns = sorted(d for d in os.listdir(base) if d.startswith("镇"))
        city = os.path.join(base, "city", "2021-06")
        town_s, town_mem, files = 0.0, 0.0, 0
        for town in towns:
            lst, batch = os.path.join(base, town, "任务清单.xlsx"), os.path.join(base, town, "2021-06")
            files += len(os.listdir(batch))
            w1, m1, _ = measure([exe, "--tasks", lst, "run", batch, "-o", os.path.join(base, "out", town)])
            w2, m2, _ = measure([exe, "--tasks", lst, "report-up", batch, "-o", os.path.join(city, f"{town}_2021-06.xlsx")])
            town_s += w1 + w2
            town_mem = max(town_mem, m1, m2)
        cw, cmem, _ = measure([exe, "--tasks", os.path.join(base, "tasks.toml"), "run", city, "-o", os.path.join(base, "out", "city")])
        chain_out.append((len(towns), files, town_s, town_mem, cw, cmem))
    for size in [s for s in sizes if not s.startswith("year-") and s != "chain"]:
        base = os.path.join(TARGET, "bench", size)
        batch = os.path.join(base, "batch")
        if not os.path.isfile(os.path.join(base, "tasks.xlsx")):
            sh([os.path.join(bin_dir, "examples", "bench_data"), size, base], stdout=subprocess.DEVNULL)
        files = len(os.listdir(batch))
        fw, fmem, fout = measure([os.path.join(bin_dir, "examples", "floor"), batch, os.path.join(base, "floor.xlsx")])
        floor = json.loads(fout)
        out_dir = os.path.join(base, "out")
        lw, lmem, _ = measure([
            os.path.join(bin_dir, "luoshi"), "--tasks", os.path.join(base, "tasks.xlsx"), "--units", os.path.join(base, "units.toml"),
            "run", batch, "-o", out_dir, "--period", "2021-06",
        ])
        floor_s = floor["read_s"] + floor["write_s"]
        data_rows = floor["rows"] - 4 * files  # title, metadata, header and 备注 rows are not tasks
        rows_out.append((size, files, data_rows, floor["read_s"], floor["write_s"], floor_s, lw, lw / floor_s, data_rows / lw, lmem, fmem))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    if rows_out:
        print("| size | files | rows | read floor s | write floor s | floor s | luoshi run s | ratio | rows/s | luoshi peak MB | floor peak MB |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in rows_out:
            print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]:.2f} | {r[4]:.2f} | {r[5]:.2f} | {r[6]:.2f} | {r[7]:.2f} | {r[8]:,.0f} | {r[9]:.0f} | {r[10]:.0f} |")
    if years_out:
        print("| year | periods | files | luoshi ledger s | ledger peak MB | luoshi run (December, with history) s | run peak MB |")
        print("|---|---|---|---|---|---|---|")
        for y in years_out:
            print(f"| {y[0]} | {y[1]} | {y[2]} | {y[3]:.2f} | {y[4]:.0f} | {y[5]:.2f} | {y[6]:.0f} |")
    if chain_out:
        print("| chain | 村 returns | every 镇: run + report-up s | 镇 peak MB | city run s | city peak MB | whole s |")
        print("|---|---|---|---|---|---|---|")
        for c in chain_out:
            print(f"| {c[0]} 镇 | {c[1]} | {c[2]:.2f} | {c[3]:.0f} | {c[4]:.2f} | {c[5]:.0f} | {c[2] + c[4]:.2f} |")
    per_row = {r[0]: r[6] / r[2] for r in rows_out}
    if "S" in per_row and "M" in per_row:
        print(f"time per row, M / S: {per_row['M'] / per_row['S']:.2f}")


if __name__ == "__main__":
    main()
