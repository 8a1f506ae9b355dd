#!/usr/bin/env python3
"""Reads the JUnit XML reports of one suite run (cmocka and pytest) and the list of stages
that failed outright, prints a line per report and one closing summary line, and exits
non-zero when anything failed or nothing ran."""
import pathlib
import sys
import xml.etree.ElementTree as ET


def main(reports):
    reports = pathlib.Path(reports)
    passed = failed = skipped = 0
    for path in sorted(reports.glob("*.xml")):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            print(f"{path.name}: unreadable report (the run crashed?)")
            failed += 1
            continue
        suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
        t = f = s = 0
        for suite in suites:
            t += int(suite.get("tests", 0))
            f += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            s += int(suite.get("skipped", 0))
        print(f"{path.stem}: {t - f - s} passed, {f} failed, {s} skipped")
        passed += t - f - s
        failed += f
        skipped += s
    stages = [l for l in (reports / "stages-failed").read_text().split() if l] \
        if (reports / "stages-failed").exists() else []
    # The SQL differential suites' agreement counts (tests/sqldiff), one line per suite and build.
    if (reports / "sqldiff-summary.txt").exists():
        for line in (reports / "sqldiff-summary.txt").read_text().splitlines():
            print(line)
    if stages:
        print("stages that failed: " + ", ".join(stages))
    # A failed stage whose tests all passed (a build, a crash, a sanitizer exit) still fails.
    failed_total = failed + (len(stages) if failed == 0 else 0)
    print(f"{passed} passed, {failed_total} failed, {skipped} skipped")
    return 0 if failed_total == 0 and not stages and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/reports"))
