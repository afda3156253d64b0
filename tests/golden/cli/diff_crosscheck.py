"""Checks `aeo diff` against two `aeo eval --format jsonl` runs.

    python3 diff_crosscheck.py OLD NEW FACTS DATE1 DATE2

evaluates FACTS under OLD as of DATE1 and NEW as of DATE2 (OLD may equal
NEW), derives from the two outputs what DESIGN 7.5 says `aeo diff` reports
(the json summary's transition counts and the jsonl lines of the changed
records), runs `aeo diff` on the same input, and prints whether each
agrees, with the figures.  $AEO is the aeo binary."""
import collections
import json
import os
import subprocess
import sys

AEO = os.environ.get("AEO", "build/aeo")


def run(args):
    return subprocess.run([AEO] + args, capture_output=True, text=True).stdout


def evaluate(path, date, facts):
    """Per record: None (unreadable), or (outcome by measure, values)."""
    out = []
    for line in run(["eval", path, "--facts", facts, "--as-of", date, "--format", "jsonl"]).splitlines():
        r = json.loads(line)
        if "error" in r:
            out.append(None)
            continue
        o = {m: "applies" for m in r["applies"]}
        o.update({m: "not" for m in r["not"]})
        o.update({m: "undecided" for m in r.get("undecided", {})})
        o.update({m: "error" for m in r.get("errors", {})})
        out.append((r.get("key"), o, r.get("values", {})))
    return out


def main():
    old, new, facts, d1, d2 = sys.argv[1:6]
    a, b = evaluate(old, d1, facts), evaluate(new, d2, facts)
    trans = collections.defaultdict(collections.Counter)
    lines, bad = [], 0
    for i, (x, y) in enumerate(zip(a, b), 1):
        if x is None or y is None:
            bad += 1
            continue
        changes, values = {}, {}
        for m in y[1]:
            if m not in x[1]:
                continue
            if x[1][m] != y[1][m]:
                trans[m][x[1][m] + "->" + y[1][m]] += 1
                changes[m] = [x[1][m], y[1][m]]
            elif x[1][m] == "applies" and x[2].get(m) != y[2].get(m):
                trans[m]["value_changed"] += 1
                values[m] = [x[2].get(m), y[2].get(m)]
        if changes or values:
            line = {"record": i, "key": y[0], "changes": changes}
            if values:
                line["values"] = values
            lines.append(line)
    dates = ["--as-of", d1, "--as-of", d2]
    paths = [old] if old == new else [old, new]
    got = json.loads(run(["diff"] + paths + ["--facts", facts] + dates + ["--format", "json"]))
    want = {m: dict(c) for m, c in trans.items()}
    have = {m: c for m, c in got["measures"].items() if c}
    print("records %d, changed %d, unreadable %d" % (len(a), len(lines), bad))
    ok = (got["records"], got["changed_records"], got["errors"], have) == (len(a), len(lines), bad, want)
    print("json agrees" if ok else "json DIFFERS: %s" % json.dumps(got))
    jl = [json.loads(l) for l in run(["diff"] + paths + ["--facts", facts] + dates + ["--format", "jsonl"]).splitlines()]
    jl = [l for l in jl if "error" not in l]
    print("jsonl agrees (%d lines)" % len(jl) if jl == lines else "jsonl DIFFERS")


main()
