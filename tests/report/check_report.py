#!/usr/bin/env python3
"""Checks the DOM of a rendered report (Chromium's --dump-dom) against its inputs: every chart the inputs
call for is there with the number of data marks the inputs give, and no other chart.
  check_report.py DOM RUNS_FOLDER PROFILES_JSON SCORECARD_JSON      (exit 0 ok, 1 a mismatch)
The counts follow the report's rules (docs): one line per scenario, profile and overrides but the seed;
time series of each line's first replication; sweeps over two or more loads; random and oracle as lines."""
import glob
import json
import os
import sys
from html.parser import HTMLParser


class Charts(HTMLParser):
    """Per chart id: (data-points attribute, elements with class `point` inside the <svg>)."""

    def __init__(self):
        super().__init__()
        self.charts, self.current = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "chart" in (a.get("class") or "").split():
            self.current = a["data-chart"]
            self.charts[self.current] = [int(a["data-points"]), 0]
        elif self.current and "point" in (a.get("class") or "").split():
            self.charts[self.current][1] += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.current = None


def slug(text):
    return "".join(c.lower() if c.isalnum() else "-" for c in text)


def groups_of(runs):
    """Runs grouped by scenario, profile and overrides but the seed, in input order."""
    groups = {}
    for path, run in runs:
        c = run["context"]
        key = (c["scenario"]["name"], c["profile"],
               tuple(o for o in c["overrides"] if not o.startswith("simulation.seed=")))
        groups.setdefault(key, []).append((path, run))
    return groups


def expected_counts(runs, profiles, scorecard):
    expected = {}
    groups = groups_of(runs)
    for members in groups.values():  # latency: one line per group, one bar per percentile
        for w, m in members[0][1]["metrics"]["workflows"].items():
            expected["cdf-" + slug(w)] = expected.get("cdf-" + slug(w), 0) + len(m["latency_s"]["cdf"])
            expected["percentiles-" + slug(w)] = expected.get("percentiles-" + slug(w), 0) + 3
    drawn = [m[0] for m in groups.values() if m[0][1]["metrics"].get("series")]
    assert len(drawn) <= 4, "the test's inputs should not exceed the report's 4 time-series runs"
    for path, run in drawn:
        s, stem = run["metrics"]["series"], slug(os.path.splitext(os.path.basename(path))[0])
        points = s["points"]
        expected["throughput-" + stem] = points * len(s["workflows"])
        expected["p99-" + stem] = sum(1 for w in s["workflows"].values()
                                      for c, p in zip(w["completed"], w["p99_s"]) if c > 0 and p is not None)
        expected["queue-" + stem] = points
        expected["instances-" + stem] = 2 * points
        causes = {}
        for w in s["workflows"].values():
            for key, values in w.items():
                if key.startswith("failures."):
                    causes[key] = causes.get(key, 0) + sum(values)
        if any(causes.values()):
            expected["failures-" + stem] = points * sum(1 for v in causes.values() if v > 0)
    by_profile = {}
    for (scenario, profile, _), members in groups.items():
        loads = [m[1]["metrics"]["totals"]["offered"] / m[1]["metrics"]["run"]["window_s"] for m in members]
        by_profile.setdefault((scenario, profile), []).append(sum(loads) / len(loads))
    for (scenario, _), loads in by_profile.items():
        if len(loads) >= 2 and max(loads) > min(loads) * 1.01:
            for chart in ("sweep-p99-", "sweep-success-"):
                expected[chart + slug(scenario)] = expected.get(chart + slug(scenario), 0) + len(loads)
    amplification = [p for name, p in profiles["profiles"].items()
                     if name not in ("random", "oracle") and p["amplification"]["mean"] is not None]
    expected["amplification-" + slug(profiles["context"]["scenario"]["name"])] = len(amplification)
    scores = [c for c in scorecard["categories"] + [scorecard["overall"]] if c["score"] is not None]
    expected["scores-" + slug(scorecard["context"]["scenario"]["name"])] = len(scores)
    return {k: v for k, v in expected.items() if v > 0}


def main(dom_path, runs_folder, profiles_path, scorecard_path):
    parser = Charts()
    with open(dom_path, encoding="utf-8") as f:
        parser.feed(f.read())
    runs = []
    for path in sorted(glob.glob(os.path.join(runs_folder, "**", "*.json"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            runs.append((path, json.load(f)))
    with open(profiles_path, encoding="utf-8") as f:
        profiles = json.load(f)
    with open(scorecard_path, encoding="utf-8") as f:
        scorecard = json.load(f)
    expected = expected_counts(runs, profiles, scorecard)
    problems = []
    for chart, (declared, found) in sorted(parser.charts.items()):
        if declared != found:
            problems.append(f"{chart}: data-points says {declared}, {found} marks in the DOM")
        if chart not in expected:
            problems.append(f"{chart}: a chart the inputs do not call for ({found} marks)")
        elif expected[chart] != found:
            problems.append(f"{chart}: {found} marks in the DOM, the inputs give {expected[chart]}")
    problems += [f"{chart}: missing (the inputs give {n} marks)" for chart, n in sorted(expected.items())
                 if chart not in parser.charts]
    for p in problems:
        print("check_report: " + p, file=sys.stderr)
    marks = sum(found for _, found in parser.charts.values())
    print(f"check_report: {len(parser.charts)} charts, {marks} data marks, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
