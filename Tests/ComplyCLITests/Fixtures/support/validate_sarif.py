#!/usr/bin/env python3
"""Validates a SARIF log against the official SARIF 2.1.0 JSON schema (draft-04), then checks
what the schema cannot express but consumers rely on: every ruleIndex names the rule its
ruleId names, and every result has a location (GitHub code scanning rejects one without).

Usage: validate_sarif.py SCHEMA LOG
Exit status: 0 valid, 1 invalid (each problem printed on stdout), 2 cannot run.
Needs the `jsonschema` package (pip install jsonschema). Used by SARIFAndJUnitReportTests.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_sarif.py: the jsonschema package is missing (pip install jsonschema)", file=sys.stderr)
    sys.exit(2)


def problems(schema, log):
    validator = jsonschema.Draft4Validator(schema)
    for error in sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in error.absolute_path)
        yield f"schema: /{path}: {error.message}"
    for r, run in enumerate(log.get("runs", []) if isinstance(log, dict) else []):
        rules = run.get("tool", {}).get("driver", {}).get("rules", [])
        for i, result in enumerate(run.get("results", [])):
            where = f"/runs/{r}/results/{i}"
            index = result.get("ruleIndex")
            if index is not None:
                if not 0 <= index < len(rules):
                    yield f"{where}: ruleIndex {index} is out of range"
                elif rules[index].get("id") != result.get("ruleId"):
                    yield f"{where}: ruleIndex {index} names '{rules[index].get('id')}', not '{result.get('ruleId')}'"
            if not result.get("locations"):
                yield f"{where}: no location (code scanning needs one)"


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(argv[2], encoding="utf-8") as f:
        log = json.load(f)
    found = list(problems(schema, log))
    for p in found:
        print(p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
