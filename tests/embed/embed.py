"""aeo from Python through ctypes (no extra package): tests/embed/run.sh.

    python3 tests/embed/embed.py PREFIX/lib/libaeo.so.1

Loads rules/shenyang through the installed library and checks a few records'
outcomes exactly; prints "ok NAME" / "not ok NAME" per check."""
import ctypes
import json
import sys

lib = ctypes.CDLL(sys.argv[1])
c_char_pp = ctypes.POINTER(ctypes.c_char_p)
lib.aeo_catalog_load.restype = ctypes.c_void_p
lib.aeo_catalog_load.argtypes = [c_char_pp, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p)]
lib.aeo_catalog_free.argtypes = [ctypes.c_void_p]
lib.aeo_catalog_size.restype = ctypes.c_size_t
lib.aeo_catalog_size.argtypes = [ctypes.c_void_p]
lib.aeo_measure_id.restype = ctypes.c_char_p
lib.aeo_measure_id.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
lib.aeo_evaluator_new.restype = ctypes.c_void_p
lib.aeo_evaluator_new.argtypes = [ctypes.c_void_p]
lib.aeo_evaluator_free.argtypes = [ctypes.c_void_p]
lib.aeo_evaluate.restype = ctypes.c_int
lib.aeo_evaluate.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p]
lib.aeo_outcome_of.restype = ctypes.c_int
lib.aeo_outcome_of.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
lib.aeo_result_json.restype = ctypes.c_char_p
lib.aeo_result_json.argtypes = [ctypes.c_void_p]
lib.aeo_evaluator_error.restype = ctypes.c_char_p
lib.aeo_evaluator_error.argtypes = [ctypes.c_void_p]

NOT, APPLIES, UNDECIDED, ERROR = 0, 1, 2, 3
failures = 0


def check(cond, name):
    global failures
    print(("ok " if cond else "not ok ") + "embed.py: " + name)
    if not cond:
        failures += 1


paths = (ctypes.c_char_p * 1)(b"rules/shenyang")
diags = ctypes.c_void_p()
cat = lib.aeo_catalog_load(paths, 1, ctypes.byref(diags))
check(cat is not None and diags.value is None, "rules/shenyang loads")
n = lib.aeo_catalog_size(cat)
ids = [lib.aeo_measure_id(cat, i).decode() for i in range(n)]
check(ids == ["M%02d" % (i + 1) for i in range(28)], "28 measures, M01..M28")

with open("rules/shenyang/enterprises.jsonl", "rb") as f:
    records = f.read().splitlines()
ev = lib.aeo_evaluator_new(cat)


def outcomes(rec, as_of=b"2021-06-01"):
    if lib.aeo_evaluate(ev, rec, len(rec), as_of) != 0:
        return None
    return {ids[i]: lib.aeo_outcome_of(ev, i) for i in range(n)}


o = outcomes(records[54])
check(o is not None and sorted(k for k, v in o.items() if v == APPLIES) ==
      ["M01", "M02", "M03", "M04", "M06", "M08", "M15", "M17", "M19", "M20", "M22", "M24"],
      "record 55: exactly M01 M02 M03 M04 M06 M08 M15 M17 M19 M20 M22 M24 apply")
res = json.loads(lib.aeo_result_json(ev))
check(res["key"] == "91210682716865915E" and "record" not in res, "record 55: result_json has its key, no record")
o = outcomes(records[368])
check(o is not None and [k for k, v in o.items() if v == UNDECIDED] == ["M09", "M10", "M11", "M13"],
      "record 369: M09 M10 M11 M13 undecided")
o = outcomes(records[0])
check(o is not None and all(v == NOT for v in o.values()), "record 1: no measure applies")
bad = b'{"uscc": "x", "credit": "platinum"}'
check(lib.aeo_evaluate(ev, bad, len(bad), b"2021-06-01") == -1, "an enum value outside the schema gives -1")
err = lib.aeo_evaluator_error(ev).decode()
check(err.startswith("enterprise.credit: "), "... naming enterprise.credit (%s)" % err)
check(lib.aeo_evaluate(ev, records[0], len(records[0]), b"2021-13-01") == -1, "month 13 is not a date")
lib.aeo_evaluator_free(ev)
lib.aeo_catalog_free(cat)
sys.exit(1 if failures else 0)
