"""What the answers checks (tests/answers/check.py and
tests/golden/eval/solve_property.py) share: the jsonl result of each record
from `aeo eval`, a measure's outcome in one, and a fact of a record by its
path."""
import json
import subprocess


def evaluate(aeo, catalog, as_of, records, suggest=False):
    """The jsonl result of each record, from one `aeo eval` run (with
    --suggest: would_apply_if and ask, on two threads)."""
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    cmd = [aeo, "eval", catalog, "--facts", "-", "--as-of", as_of, "--format", "jsonl"]
    if suggest:
        cmd += ["--suggest", "-j", "2"]
    p = subprocess.run(cmd, input=text.encode(), stdout=subprocess.PIPE, check=False)
    res = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert len(res) == len(records), "aeo eval gave %d results for %d records" % (len(res), len(records))
    return res


def outcome(res, m):
    """Measure [m]'s outcome in the result [res]."""
    if m in res.get("applies", []):
        return "applies"
    if m in res.get("not", []):
        return "not"
    if m in res.get("undecided", {}):
        return "undecided"
    return "error"


def get(rec, path):
    """The fact at [path] ("root.a.b") of [rec], or None when absent."""
    d = rec
    for k in path.split(".")[1:]:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d
