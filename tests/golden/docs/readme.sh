#!/bin/sh
# Checks that the examples of the language reference are real (jq's
# man.test idea).  Run from the repository root, with $AEO the binary:
#
#   sh tests/golden/docs/readme.sh lang/README.md
#
# The reference marks what is checked with HTML comments, invisible when
# rendered:
#   <!-- file: NAME -->    the next code block is tests/golden/docs/NAME,
#                          byte for byte;
#   <!-- output: NAME -->  the next code block is "$ COMMAND" and then what
#                          it prints: COMMAND must be what NAME.cmd runs in
#                          tests/golden/docs (its text after "cd
#                          tests/golden/docs && "), and the rest must be
#                          NAME.out without its last line "[exit N]" (the
#                          golden case NAME runs the command itself);
#   <!-- expr -->          each row of the next table is
#                          | `EXPR` | `RESULT` | (more cells are ignored;
#                          write a | inside a cell as \|): EXPR, evaluated
#                          against expr.aeo and the record expr.json as of
#                          2021-06-01, gives RESULT, which is a value in
#                          CEL syntax, "error: MESSAGE" or "undecided:
#                          PATH...".
# Also, every code of lang/diag_codes.def must have its entry, a heading
# "### CODE summary".  Prints every mismatch, then one line with the
# counts; exits 1 on any mismatch.
#
# After a change of output: UPDATE=1 sh tests/run.sh rewrites the .out
# files (review them with git diff), then
#   sh tests/golden/docs/readme.sh --update lang/README.md
# copies them, and the files, into the marked blocks of the reference
# (then rerun UPDATE=1, or readme.out keeps the mismatches it saw).
LC_ALL=C
export LC_ALL
: "${AEO:=build/aeo}"
update=
if [ "$1" = --update ]; then
    update=1
    shift
fi
readme=${1:-lang/README.md}
dir=tests/golden/docs

# --update: rewrite each marked block from the golden files; nothing else
# in the file changes.
if [ -n "$update" ]; then
    out=$(mktemp "${TMPDIR:-/tmp}/aeo-readme.XXXXXX") || exit 2
    awk -v dir="$dir" '
    function emit(f, skiplast,    line, n, i, buf) {
        n = 0
        while ((getline line < f) > 0) buf[++n] = line
        close(f)
        if (skiplast) n--
        for (i = 1; i <= n; i++) print buf[i]
    }
    skip { if ($0 ~ /^```/) { print; skip = 0 } ; next }
    /^<!-- (file|output): [^ ]+ -->$/ { split($0, w, " "); kind = w[2]; name = w[3]; print; next }
    kind != "" && /^```/ {
        print
        if (kind == "file:") emit(dir "/" name, 0)
        else {
            getline cmd < (dir "/" name ".cmd"); close(dir "/" name ".cmd")
            sub(/^.*cd tests\/golden\/docs && /, "", cmd)
            print "$ " cmd
            emit(dir "/" name ".out", 1)
        }
        kind = ""; skip = 1; next
    }
    { print }
    ' "$readme" >"$out" && cat "$out" >"$readme"
    rm -f "$out"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/aeo-readme.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# Split the reference: every marked code block goes to its own file
# ($tmp/block.N, listed in $tmp/blocks as "KIND NAME N LINE"), every marked
# table row to $tmp/exprs as "LINE<TAB>EXPR<TAB>RESULT".
awk -v tmp="$tmp" '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function cell(s) {
    s = trim(s)
    if (s ~ /^`.*`$/) s = substr(s, 2, length(s) - 2)
    gsub(/\001/, "|", s)
    return s
}
BEGIN { n = 0; want = ""; inblock = 0; table = 0 }
inblock {
    if ($0 ~ /^```/) { inblock = 0; close(out); next }
    print > out
    next
}
/^<!-- (file|output): [^ ]+ -->$/ {
    split($0, w, " "); want = w[2]; sub(/:$/, "", want); name = w[3]; at = NR; next
}
/^<!-- expr -->$/ { table = 1; rows = 0; next }
want != "" && /^```/ {
    n++; out = tmp "/block." n; printf "" > out
    print want, name, n, at > (tmp "/blocks")
    want = ""; inblock = 1; next
}
table && /^\|/ {
    rows++
    if (rows <= 2) next          # the header and the |---| line
    line = $0
    gsub(/\\\|/, "\001", line)
    k = split(line, c, "|")
    printf "%d\t%s\t%s\n", NR, cell(c[2]), cell(c[3]) > (tmp "/exprs")
    next
}
table && rows > 0 { table = 0 }
' "$readme"
touch "$tmp/blocks" "$tmp/exprs"

bad=0
files=0
outputs=0
exprs=0

# --- files and outputs ---
while read -r kind name n at; do
    case $kind in
    file)
        files=$((files + 1))
        if ! cmp -s "$tmp/block.$n" "$dir/$name"; then
            echo "$readme:$at: the block differs from $dir/$name:"
            diff -u "$dir/$name" "$tmp/block.$n" | sed 's/^/  /'
            bad=$((bad + 1))
        fi
        ;;
    output)
        outputs=$((outputs + 1))
        first=$(sed -n 1p "$tmp/block.$n")
        want=$(sed 's/^.*cd tests\/golden\/docs && //' "$dir/$name.cmd")
        if [ "$first" != "\$ $want" ]; then
            printf '%s:%s: the command should be: $ %s\n' "$readme" "$at" "$want"
            bad=$((bad + 1))
        fi
        sed 1d "$tmp/block.$n" >"$tmp/shown"
        sed '$d' "$dir/$name.out" >"$tmp/golden"
        if ! cmp -s "$tmp/shown" "$tmp/golden"; then
            echo "$readme:$at: the output differs from $dir/$name.out:"
            diff -u "$tmp/golden" "$tmp/shown" | sed 's/^/  /'
            bad=$((bad + 1))
        fi
        ;;
    esac
done <"$tmp/blocks"

# --- expression tables ---
tab=$(printf '\t')
while IFS="$tab" read -r at expr result; do
    exprs=$((exprs + 1))
    {
        cat "$dir/expr.aeo"
        printf '\ntier doctest_any = true\nmeasure DOCTEST "doctest" {\n  tier: doctest_any\n  when: [%s].size() == 1\n}\n' "$expr"
    } >"$tmp/doc.aeo"
    "$AEO" eval "$tmp/doc.aeo" --facts "$dir/expr.json" --as-of 2021-06-01 --format table \
        --measure DOCTEST --key "[$expr]" >"$tmp/got" 2>&1
    outcome=$(sed -n '2s/^  DOCTEST  \([a-z]*\).*/\1/p' "$tmp/got")
    case $result in
    "error: "*)
        got=$(sed -n '2s/^  DOCTEST  error      doctest  (\(.*\) at [^ ]*)$/error: \1/p' "$tmp/got") ;;
    "undecided: "*)
        got=$(sed -n '2s/^  DOCTEST  undecided  doctest  (missing: \(.*\))$/undecided: \1/p' "$tmp/got") ;;
    *)
        got=$(sed -n '1s/^record 1  \[\(.*\)\]$/\1/p' "$tmp/got")
        [ "$outcome" = applies ] || got="" ;;
    esac
    if [ "$got" != "$result" ]; then
        printf '%s:%s: `%s` should give `%s`; aeo says:\n' "$readme" "$at" "$expr" "$result"
        sed 's/^/  /' "$tmp/got"
        bad=$((bad + 1))
    fi
done <"$tmp/exprs"

# --- diagnostic codes ---
codes=0
for code in $(sed -n 's/^DIAG([A-Z_]*, *"\([EW][0-9]*\)".*/\1/p' lang/diag_codes.def); do
    codes=$((codes + 1))
    if ! grep -q "^### $code " "$readme"; then
        echo "$readme: diagnostic $code (lang/diag_codes.def) has no entry"
        bad=$((bad + 1))
    fi
done

echo "$readme: $files files, $outputs outputs, $exprs expressions, $codes diagnostic codes checked; $bad wrong"
[ "$bad" -eq 0 ]
