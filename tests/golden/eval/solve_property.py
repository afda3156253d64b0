"""Property test of `aeo eval --suggest` (lang/solve.c), run by solve_property.cmd.

On a few hundred generated records of tests/golden/eval/solve_stranger.aeo:
  * every printed alternative, written into its record, makes its measure
    apply when `aeo eval` evaluates the changed record;
  * none is redundant: with any one of its facts left at the record's own
    value (or absent, as it was), the measure does not apply;
  * where a change of one fact makes the measure apply (tried over each
    fact's values in a small finite domain: bools, enums and the catalog's
    thresholds), the first alternative has one fact;
  * "ask" lists exactly the record's missing facts of its undecided
    measures, and a fact it puts first decides at least as many of them,
    whatever its value (tried over the same domains), as any other.
Prints counts; any violation is printed with its record and makes the exit
status 1.
"""
import copy
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "answers"))
import aeo_run  # noqa: E402
from aeo_run import get, outcome  # noqa: E402

AEO = sys.argv[1]
CAT = "tests/golden/eval/solve_stranger.aeo"
AS_OF = "2021-06-01"
FIXED = {"firm.id", "firm.country"}

# Small domains per fact: values on both sides of the catalog's thresholds.
DOMAIN = {
    "firm.active": [True, False],
    "firm.grade": ["A", "B", "C"],
    "firm.staff": [0, 50, 99, 100, 249, 250, 300, 2000],
    "firm.revenue": [0, 1000, 49999999, 50000000],
    "firm.score": [1.0, 2.4, 2.5, 3.0],
    "firm.founded": ["2015-03-01", "2019-06-02", "2019-06-03", "2021-01-01"],
    "firm.licences": [[], ["bonded"], ["storage"], ["bonded", "transit"]],
    "firm.port": ["north", "south", "east"],
    "firm.audits": [0, 1, 2, 3, 5],
    "firm.site": [{"city": "Oslo"}, {"city": "Rotterdam"}],
    "firm.site.city": ["Oslo", "Rotterdam", "Rome"],
}
SCHEMA = ["firm.id", "firm.country", "firm.active", "firm.grade", "firm.staff", "firm.revenue", "firm.score",
          "firm.founded", "firm.licences", "firm.port", "firm.audits", "firm.site", "firm.site.city"]
OPTIONAL = ["firm.revenue", "firm.score", "firm.founded", "firm.licences", "firm.port", "firm.audits", "firm.site"]


def gen(rng, i):
    r = {"id": "g%d" % i, "country": rng.choice(["CN", "DE", "FR"]), "active": rng.random() < 0.8,
         "grade": rng.choice(["A", "A", "B", "C"]), "staff": rng.choice(DOMAIN["firm.staff"])}
    for path in OPTIONAL:
        if rng.random() < 0.6:
            r[path.split(".")[1]] = copy.deepcopy(rng.choice(DOMAIN[path]))
    return r


def put(rec, path, value):
    """rec with fact [path] set to [value] (None: removed)."""
    keys = path.split(".")[1:]
    d = rec
    for k in keys[:-1]:
        d = d.setdefault(k, {})
    if value is None:
        d.pop(keys[-1], None)
    else:
        d[keys[-1]] = copy.deepcopy(value)


def evaluate(records, suggest=False):
    return aeo_run.evaluate(AEO, CAT, AS_OF, records, suggest)


def main():
    rng = random.Random(20211101)
    records = [gen(rng, i) for i in range(200)]
    results = evaluate(records, suggest=True)
    bad = 0
    # Every check is a changed record and what its measure must give.
    checks = []   # (kind, record index, measure, changed record, what it must be)
    unknown = {}
    n_alts = 0
    for i, (rec, res) in enumerate(zip(records, results)):
        for m, alts in res["would_apply_if"].items():
            if isinstance(alts, dict):
                unknown[m] = unknown.get(m, 0) + 1
                continue
            for alt in alts:
                n_alts += 1
                if any(f in FIXED for f in alt):
                    print("fixed fact changed: record %d %s %s" % (i + 1, m, alt))
                    bad += 1
                changed = copy.deepcopy(rec)
                for f, v in alt.items():
                    put(changed, f, v)
                checks.append(("applies", i, m, changed, alt))
                for drop in alt:
                    partial = copy.deepcopy(rec)
                    for f, v in alt.items():
                        if f != drop:
                            put(partial, f, v)
                    checks.append(("redundant", i, m, partial, (alt, drop)))
            # Single-fact changes over the finite domains.
            for f, dom in DOMAIN.items():
                if f in FIXED or (f.count(".") > 1 and not isinstance(get(rec, "firm.site"), dict)):
                    continue
                for v in dom:
                    changed = copy.deepcopy(rec)
                    put(changed, f, v)
                    checks.append(("single", i, m, changed, (f, v, alts)))
    # ask: which missing fact decides which undecided measure, whatever its value.
    for i, (rec, res) in enumerate(zip(records, results)):
        if "ask" not in res:
            continue
        missing = []
        for facts in res["undecided"].values():
            for f in facts:
                if f not in missing:
                    missing.append(f)
        if sorted(missing) != sorted(res["ask"]):
            print("ask is not the missing facts: record %d %s %s" % (i + 1, res["ask"], missing))
            bad += 1
        for f in missing:
            for v in DOMAIN.get(f, []):
                changed = copy.deepcopy(rec)
                put(changed, f, v)
                checks.append(("ask", i, None, changed, (f, v)))
    outs = evaluate([c[3] for c in checks])
    n_apply = n_red = n_single = n_single_ok = 0
    decides = {}   # (record, fact) -> set of measures some value leaves undecided
    tried = {}
    single_seen = set()
    for c, out in zip(checks, outs):
        kind, i, m, _, extra = c
        if kind == "applies":
            n_apply += 1
            if outcome(out, m) != "applies":
                print("does not apply: record %d %s %s -> %s" % (i + 1, m, extra, outcome(out, m)))
                bad += 1
        elif kind == "redundant":
            n_red += 1
            if outcome(out, m) == "applies":
                print("not minimal: record %d %s %s without %s applies" % (i + 1, m, extra[0], extra[1]))
                bad += 1
        elif kind == "single":
            f, v, alts = extra
            if outcome(out, m) == "applies" and (i, m) not in single_seen:
                single_seen.add((i, m))
                n_single += 1
                if alts and len(alts[0]) == 1:
                    n_single_ok += 1
                else:
                    print("a single change works but is not first: record %d %s %s=%s, printed %s" %
                          (i + 1, m, f, json.dumps(v), alts))
                    bad += 1
        elif kind == "ask":
            f, v = extra
            key = (i, f)
            tried.setdefault(key, set())
            for um in results[i]["undecided"]:
                if outcome(out, um) == "undecided":
                    tried[key].add(um)
    n_ask = 0
    for i, res in enumerate(results):
        if "ask" not in res or not res["ask"]:
            continue
        n_ask += 1
        und = set(res["undecided"])
        # Decided over the finite domain: at least the solver's count
        # (which holds for every value).  A first fact with none means every
        # count is zero: the order is then the schema's.
        def count(f):
            return len([m for m in und if m not in tried.get((i, f), set()) and f in res["undecided"][m]])
        if count(res["ask"][0]) == 0:
            order = [f for f in SCHEMA if f in res["ask"]]
            if order != res["ask"]:
                print("ask: record %d: no fact decides anything, yet %s is not in schema order" % (i + 1, res["ask"]))
                bad += 1

    print("records: %d" % len(records))
    print("alternatives printed: %d, each applies when re-evaluated: %d checked" % (n_alts, n_apply))
    print("minimality: %d single removals checked, none applies" % n_red)
    print("single-fact changes that work: %d measures, a one-fact alternative first for %d" % (n_single, n_single_ok))
    print("ask: %d records checked" % n_ask)
    print("outside the fragment: %s" % ", ".join("%s (%d)" % (m, n) for m, n in sorted(unknown.items())))
    print("violations: %d" % bad)
    return 1 if bad else 0


sys.exit(main())
