#!/usr/bin/env python3
"""Reads a JUnit XML report with junitparser — the consumer GitLab-style tools resemble — and
prints what it understood as JSON: the counts each element declares, the counts its test cases
add up to, and every test case with its outcome, failure message, type and text.

Usage: parse_junit.py REPORT
Exit status: 0 parsed, 1 not a JUnit report, 2 cannot run.
Needs the `junitparser` package (pip install junitparser). Used by SARIFAndJUnitReportTests.
"""
import json
import sys

try:
    from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite
except ImportError:
    print("parse_junit.py: the junitparser package is missing (pip install junitparser)", file=sys.stderr)
    sys.exit(2)


def outcome(case):
    for result in case.result:
        if isinstance(result, Failure):
            return "failure", result
        if isinstance(result, Error):
            return "error", result
        if isinstance(result, Skipped):
            return "skipped", result
    return "passed", None


def suite_summary(suite):
    cases = []
    for case in suite:
        kind, result = outcome(case)
        cases.append({
            "classname": case.classname,
            "name": case.name,
            "outcome": kind,
            "message": result.message if result is not None else None,
            "type": result.type if result is not None else None,
            "text": result.text if result is not None else None,
            "system_out": case.system_out,
        })
    counted = {k: sum(1 for c in cases if c["outcome"] == k) for k in ("failure", "error", "skipped")}
    return {
        "name": suite.name,
        "declared": {"tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                     "skipped": suite.skipped},
        "counted": {"tests": len(cases), "failures": counted["failure"], "errors": counted["error"],
                    "skipped": counted["skipped"]},
        "properties": {p.name: p.value for p in suite.properties()},
        "cases": cases,
    }


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        xml = JUnitXml.fromfile(argv[1])
    except Exception as error:  # junitparser raises lxml's or ElementTree's own errors
        print(f"parse_junit.py: {argv[1]}: {error}", file=sys.stderr)
        return 1
    suites = [xml] if isinstance(xml, TestSuite) else list(xml)
    summaries = [suite_summary(s) for s in suites]
    report = {
        "declared": {"tests": xml.tests, "failures": xml.failures, "errors": xml.errors, "skipped": xml.skipped},
        "counted": {k: sum(s["counted"][k] for s in summaries) for k in ("tests", "failures", "errors", "skipped")},
        "suites": summaries,
    }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
