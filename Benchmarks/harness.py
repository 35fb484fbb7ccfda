#!/usr/bin/env python3
"""Time comply and DuckDB on the same generated exports, check they agree, print a table.

Started by Benchmarks/run (which sets up DuckDB and builds comply); can be run directly with
the venv's python:

    Benchmarks/data/.venv/bin/python Benchmarks/harness.py --comply .build-bench/release/comply

For each size: generate the data (once; kept under Benchmarks/data/fees-N and regenerated
only when generate.py, the reference tables, the size or the seed change), read every file
once to warm the page cache, then run the two engines alternately (comply, DuckDB, then
DuckDB, comply, …) --rounds times each, measuring wall time and peak RSS (ru_maxrss from
wait4) of each process. Finally compare the violations of the last round (the whole set of
(rule, file, line) and, for expected groups without rows, their group values) and the
invalid-cell counts, and print the table. Exit status 1 if the engines disagree.
"""

import argparse
import collections
import csv
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
RULES = os.path.join(HERE, "rules")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True          # no __pycache__ beside the committed sources
import generate  # noqa: E402  (for generator_digest)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_measured(cmd, stdout_path, stderr_path):
    """Runs cmd; returns (wall seconds, peak RSS MiB, CPU seconds, exit code)."""
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, proc.returncode


def data_files(folder):
    out = []
    for base, _, names in os.walk(folder):
        out += [os.path.join(base, n) for n in names if n.endswith(".csv")]
    return sorted(out)


def ensure_data(size, seed, regenerate):
    folder = os.path.join(DATA, f"fees-{size}")
    manifest_path = os.path.join(folder, "manifest.json")
    want = generate.generator_digest()
    if not regenerate and os.path.exists(manifest_path):
        with open(manifest_path, encoding="utf-8") as f:
            m = json.load(f)
        if m.get("fee_rows") == size and m.get("seed") == seed and m.get("generator_sha256") == want:
            return folder, m
    log(f"== generating {size} fee rows into {folder}")
    subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--fee-rows", str(size),
                    "--seed", str(seed), "--out", folder], check=True, stdout=subprocess.DEVNULL)
    with open(manifest_path, encoding="utf-8") as f:
        return folder, json.load(f)


def warm(folder):
    for path in data_files(folder):
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass


# ───────────── reading the two engines' outputs ─────────────

def comply_violations(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    keys = collections.Counter()
    for v in report["violations"]:
        grp = "|".join(v["group"].values()) if v["line"] is None and v["group"] else ""
        keys[(v["rule"], v["file"] or "", v["line"] if v["line"] is not None else "", grp)] += 1
    return report, keys


def duckdb_violations(path):
    keys = collections.Counter()
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            line = int(r["line"]) if r["line"] else ""
            keys[(r["rule"], r["file"], line, r["grp"] if line == "" else "")] += 1
    return keys


def comply_invalid_cells(report):
    counts, summarized = collections.Counter(), {}
    for f in report["findings"]:
        if f["code"] != "data.invalid-value" or (f["file"] or "").startswith("reference/"):
            continue
        if f["line"] is None:
            m = re.search(r"has (\d+) invalid values", f["message"])
            summarized[(f["file"], f["column"])] = int(m.group(1)) if m else -1
        else:
            counts[(f["file"], f["column"])] += 1
    for k, n in summarized.items():        # more than 20: one summary finding with the count
        counts[k] = n
    return counts


def duckdb_invalid_cells(path):
    with open(path, encoding="utf-8", newline="") as f:
        return collections.Counter({(r["file"], r["column"]): int(r["invalid"]) for r in csv.DictReader(f)})


def compare(size, comply_json, duckdb_csv, cells_csv, manifest):
    """Prints every disagreement; returns the number of problems."""
    report, a = comply_violations(comply_json)
    b = duckdb_violations(duckdb_csv)
    problems = 0
    rules = sorted({k[0] for k in a} | {k[0] for k in b})
    per_rule_a = collections.Counter(k[0] for k in a.elements())
    per_rule_b = collections.Counter(k[0] for k in b.elements())
    log(f"  {'rule':<24} {'comply':>8} {'DuckDB':>8}")
    for rule in rules:
        mark = "" if per_rule_a[rule] == per_rule_b[rule] else "   <-- counts differ"
        log(f"  {rule:<24} {per_rule_a[rule]:>8} {per_rule_b[rule]:>8}{mark}")
    only_a, only_b = a - b, b - a
    if only_a or only_b:
        problems += 1
        log(f"MISMATCH at {size} rows: {sum(only_a.values())} violations only in comply, "
            f"{sum(only_b.values())} only in DuckDB")
        for label, diff in (("only comply", only_a), ("only DuckDB", only_b)):
            by_rule = collections.defaultdict(list)
            for k in sorted(diff, key=str):
                by_rule[k[0]].append(k)
            for rule, ks in sorted(by_rule.items()):
                shown = ", ".join(f"{k[1]}:{k[2]}" + (f" [{k[3]}]" if k[3] else "") for k in ks[:10])
                log(f"  {label:<12} {rule}: {len(ks)} e.g. {shown}")
    else:
        log(f"  agree: {sum(a.values())} violations, every (rule, file, line) identical")
    cells_a, cells_b = comply_invalid_cells(report), duckdb_invalid_cells(cells_csv)
    if cells_a != cells_b:
        problems += 1
        log(f"MISMATCH at {size} rows: invalid-cell counts differ")
        for k in sorted(set(cells_a) | set(cells_b)):
            if cells_a[k] != cells_b[k]:
                log(f"  {k[0]} {k[1]}: comply {cells_a[k]}, DuckDB {cells_b[k]}")
    else:
        log(f"  agree: {sum(cells_a.values())} invalid cells in {len(cells_a)} (file, column) pairs")
    malformed = [f for f in report["findings"] if f["code"] == "data.malformed-row"]
    if malformed:
        problems += 1
        log(f"  comply found {len(malformed)} malformed rows (the generator writes none), e.g. {malformed[0]}")
    rows = report["summary"]["datasets"].get("fees", {}).get("rows")
    if rows != manifest["fee_rows"]:
        problems += 1
        log(f"  comply read {rows} fee rows, the generator wrote {manifest['fee_rows']}")
    return problems, sum(a.values())


# ───────────── main ─────────────

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--comply", default=os.path.join(ROOT, ".build-bench", "release", "comply"),
                   help="the comply binary (default .build-bench/release/comply; to time another build, "
                        "pass it with --skip-build)")
    p.add_argument("--sizes", default="100000,1000000", help="fee rows, comma-separated (default 100000,1000000)")
    p.add_argument("--rounds", type=int, default=3, help="timed runs of each engine per size (default 3, at least 2)")
    p.add_argument("--seed", type=int, default=20250731, help="generate.py's seed (default 20250731)")
    p.add_argument("--today", default="2025-07-31", help="comply's --today and the SQL's $today")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2: the machine's cores)")
    p.add_argument("--regenerate", action="store_true", help="regenerate the data even if it is current")
    p.add_argument("--skip-build", action="store_true",
                   help="Benchmarks/run only: do not build comply first")
    a = p.parse_args()
    if a.rounds < 2:
        p.error("--rounds must be at least 2")
    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]
    if not os.access(a.comply, os.X_OK):
        sys.exit(f"no comply binary at {a.comply}: run Benchmarks/run (it builds one)")
    import duckdb
    comply_version = subprocess.run([a.comply, "--version"], capture_output=True, text=True).stdout.strip()
    git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources"], capture_output=True, text=True).stdout.strip()
    default_binary = os.path.realpath(a.comply) == os.path.realpath(os.path.join(ROOT, ".build-bench", "release", "comply"))
    source = (f"work tree at {git}{' + uncommitted Sources changes' if dirty else ''}" if default_binary
              else a.comply)
    log(f"== comply {comply_version} ({source}), DuckDB {duckdb.__version__} threads={a.threads}, "
        f"{os.cpu_count()} cores")

    load_before = os.getloadavg()
    results, problems = [], 0
    for size in sizes:
        folder, manifest = ensure_data(size, a.seed, a.regenerate)
        files = data_files(folder)
        input_bytes = sum(os.path.getsize(f) for f in files)
        out = os.path.join(DATA, "out", f"fees-{size}")
        os.makedirs(out, exist_ok=True)
        comply_json, duckdb_csv = os.path.join(out, "comply.json"), os.path.join(out, "duckdb.csv")
        cells_csv = os.path.join(out, "duckdb-invalid-cells.csv")
        engines = {
            "comply": [a.comply, "check", "--rules", RULES, "--data", folder, "--format", "json",
                       "--output", comply_json, "--today", a.today, "--fail-on", "never"],
            "DuckDB": [sys.executable, os.path.join(HERE, "duckdb", "run_checks.py"), "--data", folder,
                       "--out", duckdb_csv, "--today", a.today, "--threads", str(a.threads)],
        }
        log(f"== {size} fee rows: {input_bytes / 1e6:.0f} MB in {len(files)} files, {manifest['schools']} schools, "
            f"{manifest['students']} students")
        warm(folder)
        runs = {name: [] for name in engines}
        for r in range(a.rounds):
            order = list(engines) if r % 2 == 0 else list(engines)[::-1]
            for name in order:
                wall, rss, cpu, code = run_measured(engines[name], os.path.join(out, f"{name}.stdout"),
                                                    os.path.join(out, f"{name}.stderr"))
                if code != 0:
                    with open(os.path.join(out, f"{name}.stderr"), encoding="utf-8", errors="replace") as f:
                        log(f.read()[-3000:])
                    sys.exit(f"{name} failed with exit status {code} at {size} rows")
                runs[name].append({"wall": wall, "rss_mb": rss, "cpu": cpu})
                log(f"  round {r + 1} {name:<6} {wall:8.2f} s  {rss:8.0f} MB  cpu {cpu:7.2f} s")
        subprocess.run(engines["DuckDB"][:2] + ["--data", folder, "--out", cells_csv, "--today", a.today,
                                                "--threads", str(a.threads), "--invalid-cells"], check=True)
        bad, violations = compare(size, comply_json, duckdb_csv, cells_csv, manifest)
        problems += bad
        for name, rs in runs.items():
            walls = [x["wall"] for x in rs]
            results.append({
                "fee_rows": size, "input_mb": input_bytes / 1e6, "engine": name,
                "best_s": min(walls), "median_s": statistics.median(walls),
                "rows_per_s": size / min(walls), "mb_per_s": input_bytes / 1e6 / min(walls),
                "peak_rss_mb": max(x["rss_mb"] for x in rs), "cpu_s": min(rs, key=lambda x: x["wall"])["cpu"],
                "violations": violations, "agree": bad == 0, "runs": rs,
            })

    print()
    print("| fee rows | input MB | engine | best s | median s | CPU s | rows/s | MB/s | peak RSS MB | comply/DuckDB time | comply/DuckDB RSS |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        rs = {r["engine"]: r for r in results if r["fee_rows"] == size}
        for name in ("comply", "DuckDB"):
            r = rs[name]
            ratio = rss_ratio = ""
            if name == "comply":
                ratio = f"{r['best_s'] / rs['DuckDB']['best_s']:.2f}×"
                rss_ratio = f"{r['peak_rss_mb'] / rs['DuckDB']['peak_rss_mb']:.2f}×"
            print(f"| {size:,} | {r['input_mb']:.0f} | {name} | {r['best_s']:.2f} | {r['median_s']:.2f} | {r['cpu_s']:.2f} | "
                  f"{r['rows_per_s']:,.0f} | {r['mb_per_s']:.1f} | {r['peak_rss_mb']:.0f} | {ratio} | {rss_ratio} |")
    load_after = os.getloadavg()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    os.makedirs(os.path.join(DATA, "results"), exist_ok=True)
    path = os.path.join(DATA, "results", f"{stamp}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"comply": comply_version, "comply_binary": os.path.abspath(a.comply), "work_tree": git,
                   "sources_dirty": bool(dirty),
                   "duckdb": duckdb.__version__, "threads": a.threads, "cores": os.cpu_count(),
                   "machine": platform.platform(), "rounds": a.rounds, "load_before": load_before,
                   "load_after": load_after, "results": results}, f, indent=1)
    print(f"\nCPU s = user + system time of the best round's process; load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (the machine has {os.cpu_count()} cores: "
          f"a load above that means other jobs competed for them).")
    print(f"(details: {os.path.relpath(path, ROOT)})")
    if problems:
        print(f"\nFAIL: the engines disagree ({problems} problem(s) above)")
        return 1
    print("\nThe engines agree on every violation and every invalid cell.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
