#!/bin/sh
# Validates aeo's SARIF output with Microsoft's SARIF multitool (the npm
# package @microsoft/sarif-multitool, installed into build/ on first use):
# every rule file under tests/golden/docs and tests/golden/check is checked
# with --format sarif and the log validated against SARIF 2.1.0 and the
# multitool's rules.  Only SARIF2005 (no informationUri: aeo has no web
# page to point at) is tolerated.  Run by `make sarif-check`.
set -u
: "${AEO:=build/aeo}"
dir=build/sarif-multitool
if [ ! -x "$dir/node_modules/.bin/sarif" ] && [ ! -x "$dir/node_modules/.bin/sarif-multitool" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool@5.7.0 >/dev/null) ||
        { echo "sarif-check: could not install @microsoft/sarif-multitool from npm" >&2; exit 2; }
fi
tool=$(ls "$dir"/node_modules/.bin/sarif-multitool "$dir"/node_modules/.bin/sarif 2>/dev/null | head -1)
tmp=${TMPDIR:-/tmp}/aeo-sarif.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
bad=0
for f in tests/golden/docs/*.aeo tests/golden/check/*.aeo; do
    [ -f "$f" ] || continue
    "$AEO" check --format sarif "$f" >"$tmp/log.sarif" 2>/dev/null
    "$tool" validate "$tmp/log.sarif" -o "$tmp/val.sarif" >/dev/null 2>&1
    problems=$(node -e '
        const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const r = (v.runs[0].results || []).filter(x => x.ruleId !== "SARIF2005");
        for (const x of r) console.log(x.ruleId + " " + JSON.stringify(x.message));
    ' "$tmp/val.sarif")
    n=$((n + 1))
    if [ -n "$problems" ]; then
        bad=$((bad + 1))
        echo "$f:"
        echo "$problems" | sed 's/^/  /'
    fi
done
echo "sarif-check: $n logs validated, $bad with problems"
[ "$bad" -eq 0 ]
