#!/bin/sh
# The browser test of `aeo why --format html` (tests/browser/README):
# renders the statement of the Shenyang test records in English and in
# Chinese in headless Chromium (Debian's chromium, from the Makefile's deps),
# at the width of an A4 page (794 px) and at the narrowest window headless
# Chromium opens (about 500 px), and fails unless no element
# overflows its page or container horizontally; prints each to PDF and
# checks that every record starts a page of its own; leaves a screenshot of
# each language in $OUT (build/ by default: the tests' output).
# Runs as root (--no-sandbox) and with no terminal, as CI does.
# Usage: AEO=build/aeo sh tests/browser/check.sh [OUT]
set -u
: "${AEO:?AEO must name the aeo binary}"
OUT=${1:-build}
mkdir -p "$OUT"
command -v chromium >/dev/null 2>&1 || { echo "browser: chromium is not installed (make deps installs it)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
HOME=$tmp; export HOME
XDG_CONFIG_HOME=$tmp/config; XDG_CACHE_HOME=$tmp/cache; export XDG_CONFIG_HOME XDG_CACHE_HOME
facts=tests/golden/cli/why_shenyang.jsonl
status=0
chrome() {
    # Chromium prints its own warnings on stderr (no D-Bus in a container...):
    # they are not the test's, so they go to a log shown on failure.
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
        --disable-crash-reporter --hide-scrollbars --user-data-dir="$tmp/profile" "$@" 2>>"$tmp/chromium.log"
}
for lang in en zh; do
    page=$tmp/why_$lang.html
    $AEO why rules/shenyang --facts $facts --as-of 2021-06-01 --format html --lang $lang > "$page" 2>/dev/null
    records=$(grep -c '<section class="record">' "$page")
    # The copy with the checker, inserted before </body>.
    { sed '/<\/body>/,$d' "$page"; printf '<script>\n'; cat tests/browser/check.js; printf '</script>\n</body>\n</html>\n'; } > "$tmp/check_$lang.html"
    for width in 794 520; do
        verdict=$(chrome --window-size=$width,1123 --dump-dom "file://$tmp/check_$lang.html" |
                  sed -n 's:.*<pre id="overflow-check">\(.*\)</pre>.*:\1:p')
        echo "$lang, $width px wide: $verdict"
        [ "$verdict" = "NO-OVERFLOW sections=$records" ] || status=1
    done
    chrome --window-size=794,1123 --screenshot="$OUT/why_$lang.png" "file://$page" >/dev/null
    [ -s "$OUT/why_$lang.png" ] && echo "$lang: screenshot why_$lang.png" || { echo "$lang: no screenshot"; status=1; }
    chrome --no-pdf-header-footer --print-to-pdf="$tmp/why_$lang.pdf" "file://$page" >/dev/null
    pages=$(grep -ac '/Type /Page\b' "$tmp/why_$lang.pdf" 2>/dev/null)
    if [ "${pages:-0}" -ge "$records" ]; then echo "$lang: printed, every one of the $records records on a page of its own"
    else echo "$lang: printed on ${pages:-0} pages for $records records"; status=1; fi
done
[ $status -eq 0 ] || sed 's/^/  chromium: /' "$tmp/chromium.log" | tail -20
exit $status
