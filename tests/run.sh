#!/bin/sh
# The test driver behind `make test`.
#
#   AEO=build/aeo sh tests/run.sh UNIT_BINARY...
#
# 1. Unit tests: each binary (cmocka, TAP output) counts one case per test.
# 2. Golden tests: every tests/golden/**/NAME.out is a case.  The command is
#    NAME.cmd if present (a shell line run from the repository root, with
#    $AEO the binary, $BUILD the build folder, build/MODE, and $GEN the
#    population generator, build/MODE/generate),
#    else a default for the folder applied to NAME.aeo:
#      parse/  $AEO parse NAME.aeo
#      check/  $AEO check NAME.aeo
#      eval/   $AEO eval NAME.aeo --facts NAME.jsonl --as-of 2021-06-01 --format jsonl
#      disasm/ $AEO disasm NAME.aeo
#    $SCRATCH is a scratch directory a command may write to.  GOLDEN_DIR
#    (default tests/golden) is where the cases are looked for.
#    Its stdout and stderr together, then a line "[exit N]", must equal
#    NAME.out byte for byte.  UPDATE=1 rewrites the .out files instead (review
#    the result with git diff; CI never sets it).
# 3. Embedding (tests/embed/run.sh), when $EMBED_PREFIX is set (make test
#    sets it, like CONFORMANCE; a .cmd that runs this driver again clears
#    both): each "ok" or "not ok" line it prints is a case.
# 4. Fault injection, when $FAULT_SO is set (make test builds the shim):
#    tests/fault/run.sh; each "ok"/"not ok" line is a case, "skip" a skip
#    (all of it skipped, with the reason, under MODE=asan).  A .cmd that
#    runs this driver again clears it, as it clears CONFORMANCE.
# 5. CEL conformance: when $CONFORMANCE is set (make test sets it), that
#    command runs the conformance suite (tests/conformance/runner.c); its
#    per-section lines and its last line "conformance: P passed, F failed,
#    S skipped" are printed, and the whole suite counts as ONE case here: it
#    passes when every failing conformance case is listed, with its reason,
#    in tests/conformance/known-failures.txt (so the pass count can only go
#    up), and fails otherwise, after printing each unlisted failure.
# The last line is "N passed, N failed" (then ", N skipped" when a unit test
# was skipped: the pty tests where no pty can be opened); the exit status is
# 1 if any failed.
LC_ALL=C
export LC_ALL
: "${AEO:=build/aeo}"
: "${GEN:=build/release/generate}"
: "${GOLDEN_DIR:=tests/golden}"
: "${BUILD:=build/release}"   # the build folder: its tests/ holds the unit binaries
export AEO GEN BUILD
pass=0
fail=0
skipped=0
tmp=${TMPDIR:-/tmp}/aeo-test.$$
mkdir -p "$tmp/scratch"
SCRATCH=$tmp/scratch    # a scratch directory for .cmd files
export SCRATCH
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- unit tests ---
for bin in "$@"; do
    name=$(basename "$bin")
    CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$tmp/unit.out" 2>&1
    rc=$?
    ok=$(grep -c '^ok ' "$tmp/unit.out")
    bad=$(grep -c '^not ok ' "$tmp/unit.out")
    # cmocka writes a skipped test as "not ok N # SKIP name" (a TAP
    # directive): a skip, not a failure, counted apart with its reason.
    skip=$(grep -c '^not ok [0-9]* # SKIP' "$tmp/unit.out")
    bad=$((bad - skip))
    pass=$((pass + ok))
    fail=$((fail + bad))
    skipped=$((skipped + skip))
    if [ "$skip" -gt 0 ] && [ "$bad" -eq 0 ] && [ "$rc" -eq 0 ]; then
        echo "SKIP unit $name ($ok passed, $skip skipped)"
        grep -v '^not ok \|^ok \|^1\.\.\|^# ' "$tmp/unit.out" | head -5 | sed 's/^/  /'
    fi
    if [ "$bad" -gt 0 ] || [ "$rc" -ne 0 ]; then
        echo "FAIL unit $name ($ok passed, $bad failed, exit $rc)"
        grep -v '^ok ' "$tmp/unit.out" | head -40
        [ "$bad" -eq 0 ] && fail=$((fail + 1))
    fi
done
unit_total=$((pass + fail + skipped))

# --- golden tests ---
for out in $(find "$GOLDEN_DIR" -name '*.out' | sort); do
    base=${out%.out}
    dir=$(basename "$(dirname "$out")")
    if [ -f "$base.cmd" ]; then
        cmd=$(cat "$base.cmd")
    else
        case $dir in
        parse) cmd="\$AEO parse $base.aeo" ;;
        check) cmd="\$AEO check $base.aeo" ;;
        eval) cmd="\$AEO eval $base.aeo --facts $base.jsonl --as-of 2021-06-01 --format jsonl" ;;
        disasm) cmd="\$AEO disasm $base.aeo" ;;
        *) echo "FAIL $out: no $base.cmd and no default command for $dir/"; fail=$((fail + 1)); continue ;;
        esac
    fi
    sh -c "$cmd" >"$tmp/got" 2>&1 </dev/null
    echo "[exit $?]" >>"$tmp/got"
    if [ -n "$UPDATE" ]; then
        cp "$tmp/got" "$out"
        pass=$((pass + 1))
    elif cmp -s "$tmp/got" "$out"; then
        pass=$((pass + 1))
    else
        echo "FAIL $out"
        echo "  command: $cmd"
        diff -u "$out" "$tmp/got" | head -40 | sed 's/^/  /'
        fail=$((fail + 1))
    fi
done

golden_total=$((pass + fail + skipped - unit_total))

# --- embedding ---
# When $EMBED_PREFIX is set (make test installs aeo there first), the
# programs of tests/embed/ build against the installed library; each of
# their "ok"/"not ok" lines is a case.
embed_total=0
if [ -n "$EMBED_PREFIX" ]; then
    sh tests/embed/run.sh >"$tmp/embed.out" 2>&1
    ok=$(grep -c '^ok ' "$tmp/embed.out")
    bad=$(grep -c '^not ok ' "$tmp/embed.out")
    [ "$ok" -eq 0 ] && bad=$((bad + 1))
    pass=$((pass + ok))
    fail=$((fail + bad))
    embed_total=$((ok + bad))
    if [ "$bad" -gt 0 ]; then
        echo "FAIL embed ($ok passed, $bad failed)"
        grep -v '^ok ' "$tmp/embed.out" | head -40
    fi
fi

# --- fault injection ---
# When $FAULT_SO is set (make test builds the shim, tests/fault/), each
# "ok"/"not ok" line of tests/fault/run.sh is a case, each "skip" line a
# skip.  Not under the sanitizers (their runtime must come first and
# intercepts the same calls): a printed skip instead.
fault_total=0
if [ -n "$FAULT_SO" ]; then
    case $BUILD in
    *asan*)
        echo "SKIP fault injection: the ASan/UBSan runtime cannot share the process with an LD_PRELOAD shim"
        skipped=$((skipped + 1)) ;;
    *)
        sh tests/fault/run.sh >"$tmp/fault.out" 2>&1
        ok=$(grep -c '^ok ' "$tmp/fault.out")
        bad=$(grep -c '^not ok ' "$tmp/fault.out")
        skip=$(grep -c '^skip ' "$tmp/fault.out")
        [ "$ok" -eq 0 ] && bad=$((bad + 1))
        pass=$((pass + ok))
        fail=$((fail + bad))
        skipped=$((skipped + skip))
        fault_total=$((ok + bad))
        grep '^skip ' "$tmp/fault.out" | sed 's/^skip /SKIP fault /'
        if [ "$bad" -gt 0 ]; then
            echo "FAIL fault injection ($ok passed, $bad failed)"
            grep -v '^ok \|^skip ' "$tmp/fault.out" | head -40
        fi ;;
    esac
fi

# --- CEL conformance ---
if [ -n "$CONFORMANCE" ]; then
    if $CONFORMANCE; then
        pass=$((pass + 1))
    else
        echo "FAIL conformance: failures not in tests/conformance/known-failures.txt (see above)"
        fail=$((fail + 1))
    fi
fi

echo "unit: $unit_total cases; golden: $golden_total cases${EMBED_PREFIX:+; embed: $embed_total cases}${FAULT_SO:+; fault injection: $fault_total cases}${CONFORMANCE:+; conformance: 1 case}"
if [ "$skipped" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skipped skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
