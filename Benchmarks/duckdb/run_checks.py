#!/usr/bin/env python3
"""Run checks.sql with DuckDB over a generated data folder and write the violations as CSV.

    run_checks.py --data DIR --out violations.csv [--today 2025-07-31] [--threads 2]
    run_checks.py --data DIR --out cells.csv --invalid-cells      (invalid_cells.sql instead)

The output has one row per violation: rule, file (relative to --data, empty for an expected
group that has no rows), line, grp (the group values joined by '|' for such a group).
"""

import argparse
import glob
import os
import sys

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
PACK = os.path.join(os.path.dirname(HERE), "rules")


def sql_list(paths):
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def sql_text(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--today", default="2025-07-31")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--invalid-cells", action="store_true")
    a = p.parse_args()
    data = os.path.abspath(a.data)
    # comply reads a dataset's files in sorted order of their relative paths
    fees = sorted(glob.glob(os.path.join(data, "收费", "*.csv")),
                  key=lambda f: os.path.relpath(f, data).encode())
    if not fees:
        sys.exit(f"no fee files under {data}/收费")
    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    con.execute(f"SET VARIABLE fee_files = {sql_list(fees)}")
    for name, file in (("enrollment_file", "学籍.csv"), ("timetable_file", "课表.csv"), ("plan_file", "招生计划.csv")):
        con.execute(f"SET VARIABLE {name} = {sql_text(os.path.join(data, file))}")
    con.execute(f"SET VARIABLE pack_dir = {sql_text(PACK)}")
    con.execute(f"SET VARIABLE today = {sql_text(a.today)}")
    with open(os.path.join(HERE, "checks.sql"), encoding="utf-8") as f:
        con.execute(f.read().replace("{threads}", str(a.threads)))
    if a.invalid_cells:
        with open(os.path.join(HERE, "invalid_cells.sql"), encoding="utf-8") as f:
            con.execute(f.read())
        table = "invalid_cells"
    else:
        table = "violations"
    prefix = data + os.sep
    con.execute(f"""
        COPY (SELECT * REPLACE (replace(file, {sql_text(prefix)}, '') AS file) FROM {table}
              ORDER BY ALL)
        TO {sql_text(os.path.abspath(a.out))} (HEADER, DELIMITER ',')""")


if __name__ == "__main__":
    main()
