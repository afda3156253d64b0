"""An independent check of `aeo eval --suggest` (lang/solve.c) on any catalog.

    python3 tests/answers/check.py AEO CATALOG RECORDS.jsonl AS_OF [N]

Reads the catalog's source itself (its facts schema, `fixed:`, and the
constants its files write: numbers, strings, dates, durations), runs
`aeo eval --suggest --format jsonl` on the first N records (all by
default), and for every measure that is `not`:
  * every alternative printed, written into the record (a path's value
    replaces it; a record value is merged into the record there; null
    removes the fact), makes the measure apply when evaluated again;
  * no proper subset does: each alternative with any one of its facts left
    as the record has it does not apply (a change is monotone, so the
    subsets one smaller cover all the smaller ones);
  * no alternative changes a `fixed:` fact;
  * a grid of single-fact changes (each field of the schema: enum values,
    bools both ways, numbers at and around every numeric constant of the
    catalog, timestamps around every date constant and as_of minus every
    duration constant, durations around every duration constant, string
    constants, a list with a constant added or an item removed, an
    optional fact removed, an absent record given): when one of them makes
    the measure apply, an alternative of one fact is printed (an answer
    `[]` or `{"unknown": ...}` then is a violation too).
For every record with "ask": the first fact decides (no grid value of it
leaves the measure undecided) at least as many undecided measures as any
other fact listed.
Prints counts, then every violation; exits 1 when there is one.
"""
import copy
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aeo_run  # noqa: E402
from aeo_run import get, outcome  # noqa: E402

AEO, CAT, RECORDS, AS_OF = sys.argv[1:5]
LIMIT = int(sys.argv[5]) if len(sys.argv) > 5 else None

# ---- the catalog's source ---------------------------------------------------------


def sources(path):
    if os.path.isdir(path):
        names = sorted(n for n in os.listdir(path) if n.endswith(".aeo"))
        return [open(os.path.join(path, n), encoding="utf-8").read() for n in names]
    return [open(path, encoding="utf-8").read()]


def strip(text):
    """The source without comments and `text LANG { ... }` blocks."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    text = "".join(out)
    return re.sub(r"(?m)^text\s+\w+\s*\{.*?^\}", "", text, flags=re.S)


SRC = "\n".join(strip(t) for t in sources(CAT))

# facts ROOT { ... } and record NAME { ... }: field[?]: TYPE [= DEFAULT]
BLOCKS = {}
ROOT = None
for kind, name, body in re.findall(r"(?m)^(facts|record)\s+(\w+)\s*\{(.*?)^\}", SRC, flags=re.S):
    fields = []
    for line in body.splitlines():
        m = re.match(r"\s*(\w+)(\?)?\s*:\s*(.+?)\s*(?:=\s*(.+?))?\s*$", line)
        if m:
            fields.append((m.group(1), bool(m.group(2)) and m.group(4) is None, m.group(3)))
    BLOCKS[name] = fields
    if kind == "facts":
        ROOT = name
m = re.search(r"fixed\s*:\s*\[([^\]]*)\]", SRC)
FIXED = set(x.strip() for x in m.group(1).split(",")) if m else set()

# Constants written anywhere (tests and examples too: their values are the
# catalog's own).
STRINGS = sorted(set(s for s in re.findall(r'"((?:[^"\\]|\\.)*)"', SRC) if len(s) <= 40 and " " not in s))
NUMS = set()
for s in re.findall(r"(?<![\w.\"])(-?\d+(?:\.\d+)?)(?![\w.\"])", SRC):
    NUMS.add(float(s) if "." in s else int(s))
DATES = set()
DURS = set()
for s in STRINGS:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T.*)?", s):
        DATES.add(datetime.datetime.fromisoformat(s[:10]))
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(h|m|s|ms)", s)
    if m:
        DURS.add(float(m.group(1)) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[m.group(2)])
ASOF = datetime.datetime.fromisoformat(AS_OF)
DAY = datetime.timedelta(days=1)
TSS = set([ASOF])
for d in DATES:
    TSS.update([d - DAY, d, d + DAY])
for s in DURS:
    t = ASOF - datetime.timedelta(seconds=s)
    TSS.update([t - DAY, t, t + DAY])
TSS = sorted(TSS)


def ts_text(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def grid_values(typ):
    """Values of a field of type [typ] to try (a list; records are handled apart)."""
    typ = typ.strip()
    if typ == "bool":
        return [True, False]
    if typ.startswith('"'):
        return re.findall(r'"([^"]*)"', typ)
    if typ in ("int", "uint"):
        vals = set([0])
        for c in NUMS:
            if isinstance(c, int):
                vals.update([c - 1, c, c + 1])
            else:
                vals.update([int(c) - 1, int(c), int(c) + 1])
        return sorted(v for v in vals if typ == "int" or v >= 0)
    if typ == "double":
        vals = set([0.0])
        for c in NUMS:
            vals.update([c - 0.5, float(c), c + 0.5])
        return sorted(vals)
    if typ == "string":
        return [""] + STRINGS
    if typ == "timestamp":
        return [ts_text(t) for t in TSS]
    if typ == "duration":
        vals = set([0])
        for d in DURS:
            vals.update([d - 1, d, d + 1])
        return ["%gs" % d for d in sorted(vals)]
    return None


def fields_of(block, prefix):
    """(path, optional, type) of every field of record [block], nested ones after theirs."""
    out = []
    for name, optional, typ in BLOCKS.get(block, []):
        out.append((prefix + "." + name, optional, typ))
    return out


def filler(block):
    """A record of [block] with its required fields at their first grid value."""
    r = {}
    for name, optional, typ in BLOCKS.get(block, []):
        if optional:
            continue
        if typ in BLOCKS:
            r[name] = filler(typ)
        else:
            vals = grid_values(typ) or []
            r[name] = vals[0] if vals else None
    return r


# ---- records -------------------------------------------------------------------


def put(rec, path, value):
    """Writes [value] at [path] into [rec]: a record merged in, null removing."""
    keys = path.split(".")[1:]
    d = rec
    for k in keys[:-1]:
        if not isinstance(d.get(k), dict):
            d[k] = {}
        d = d[k]
    k = keys[-1]
    if value is None:
        d.pop(k, None)
    elif isinstance(value, dict) and isinstance(d.get(k), dict):
        merged = d[k]
        for kk, vv in value.items():
            if vv is None:
                merged.pop(kk, None)
            else:
                merged[kk] = copy.deepcopy(vv)
    else:
        d[k] = copy.deepcopy(value)


def single_changes(rec, block, prefix):
    """(path, value) single-fact changes of the grid for the record [rec] of [block]."""
    out = []
    for path, optional, typ in fields_of(block, prefix):
        if path in FIXED:
            continue
        cur = get(rec, path)
        if cur is not None and optional:
            out.append((path, None))
        if typ in BLOCKS:
            if isinstance(cur, dict):
                out.extend(single_changes(rec, typ, path))
            else:
                out.append((path, filler(typ)))
            continue
        m = re.fullmatch(r"list<(.+)>", typ)
        if m:
            vals = grid_values(m.group(1)) or []
            items = cur if isinstance(cur, list) else []
            if cur is None:
                out.append((path, []))
            for v in vals:
                if v not in items:
                    out.append((path, items + [v]))
            for j in range(len(items)):
                out.append((path, items[:j] + items[j + 1:]))
            continue
        vals = grid_values(typ)
        if vals is None:
            continue
        for v in vals:
            if v != cur:
                out.append((path, v))
    return out


def evaluate(records, suggest=False):
    return aeo_run.evaluate(AEO, CAT, AS_OF, records, suggest)


def main():
    with open(RECORDS, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    if LIMIT is not None:
        records = records[:LIMIT]
    results = evaluate(records, suggest=True)
    bad = []
    checks = []    # (kind, record, measure, changed record, detail)
    n_alts = n_unknown = n_none = 0
    grids = {}
    for i, (rec, res) in enumerate(zip(records, results)):
        grids[i] = single_changes(rec, ROOT, ROOT)
        for m, alts in res.get("would_apply_if", {}).items():
            if isinstance(alts, dict):
                n_unknown += 1
                continue
            if not alts:
                n_none += 1
            for alt in alts:
                n_alts += 1
                if any(f in FIXED for f in alt):
                    bad.append("record %d %s: a fixed fact changed: %s" % (i + 1, m, json.dumps(alt)))
                changed = copy.deepcopy(rec)
                for f, v in alt.items():
                    put(changed, f, v)
                checks.append(("applies", i, m, changed, alt))
                if len(alt) > 1:
                    for drop in alt:
                        partial = copy.deepcopy(rec)
                        for f, v in alt.items():
                            if f != drop:
                                put(partial, f, v)
                        checks.append(("subset", i, m, partial, (alt, drop)))
        if res.get("would_apply_if"):
            for path, v in grids[i]:
                changed = copy.deepcopy(rec)
                put(changed, path, v)
                checks.append(("single", i, None, changed, (path, v)))
        if res.get("ask"):
            for f in res["ask"]:
                typ = None
                for p, _, t in all_fields():
                    if p == f:
                        typ = t
                vals = ([filler(typ)] if typ in BLOCKS else grid_values(typ) or []) if typ else []
                m = re.fullmatch(r"list<(.+)>", typ or "")
                if m:
                    vals = [[]] + [[v] for v in grid_values(m.group(1)) or []]
                for v in vals:
                    changed = copy.deepcopy(rec)
                    put(changed, f, v)
                    checks.append(("ask", i, None, changed, (f, v)))
    outs = evaluate([c[3] for c in checks]) if checks else []
    n_apply = n_subset = n_single = n_tried = 0
    single_found = {}
    left = {}      # (record, fact) -> measures some value of it leaves undecided
    for (kind, i, m, _, detail), out in zip(checks, outs):
        if kind == "applies":
            n_apply += 1
            if outcome(out, m) != "applies":
                bad.append("record %d %s: %s does not make it apply (%s)" %
                           (i + 1, m, json.dumps(detail), outcome(out, m)))
        elif kind == "subset":
            n_subset += 1
            if outcome(out, m) == "applies":
                bad.append("record %d %s: %s is not minimal: it applies without %s" %
                           (i + 1, m, json.dumps(detail[0]), detail[1]))
        elif kind == "single":
            n_tried += 1
            for mm in results[i]["would_apply_if"]:
                if outcome(out, mm) == "applies" and (i, mm) not in single_found:
                    single_found[(i, mm)] = detail
        elif kind == "ask":
            left.setdefault((i, detail[0]), set())
            for um in results[i]["undecided"]:
                if outcome(out, um) == "undecided":
                    left[(i, detail[0])].add(um)
    for (i, m), (path, v) in sorted(single_found.items()):
        n_single += 1
        alts = results[i]["would_apply_if"][m]
        if not isinstance(alts, list) or not any(len(a) == 1 for a in alts):
            bad.append("record %d %s: the single change %s = %s works, but the answer is %s" %
                       (i + 1, m, path, json.dumps(v, ensure_ascii=False), json.dumps(alts, ensure_ascii=False)))
    n_ask = 0
    for i, res in enumerate(results):
        if not res.get("ask"):
            continue
        n_ask += 1
        und = res["undecided"]

        def decided(f):
            return len([m for m in und if f in und[m] and m not in left.get((i, f), set())])
        first = decided(res["ask"][0])
        for f in res["ask"][1:]:
            if decided(f) > first:
                bad.append("record %d: ask puts %s first (decides %d), but %s decides %d" %
                           (i + 1, res["ask"][0], first, f, decided(f)))
    print("records: %d" % len(records))
    print("alternatives: %d, each applies when written into its record: %d checked" % (n_alts, n_apply))
    print("proper subsets: %d checked, none applies" % n_subset if not any("minimal" in b for b in bad)
          else "proper subsets: %d checked" % n_subset)
    print("no change works: %d; outside the fragment or gave up: %d" % (n_none, n_unknown))
    print("single-fact changes tried: %d; measures one of them makes apply: %d" % (n_tried, n_single))
    print("ask: %d records checked" % n_ask)
    print("violations: %d" % len(bad))
    for b in bad[:40]:
        print("  " + b)
    return 1 if bad else 0


def all_fields():
    out = []

    def walk(block, prefix):
        for path, optional, typ in fields_of(block, prefix):
            out.append((path, optional, typ))
            if typ in BLOCKS:
                walk(typ, path)
    walk(ROOT, ROOT)
    return out


sys.exit(main())
