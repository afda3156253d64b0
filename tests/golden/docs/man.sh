#!/bin/sh
# Checks the man pages of lang/cli/man/.  Run from the repository root,
# with $AEO the binary:
#
#   sh tests/golden/docs/man.sh
#
# 1. Each page renders with groff's warnings on (-ww) and gives none.
# 2. aeo(1) has a subsection `.SS "aeo CMD"` for every command `aeo help
#    --commands` prints, and names (as \-\-name) every option `aeo help
#    --options CMD` prints: the page cannot fall behind the command table.
# 3. The EXAMPLE of aeo-language(7) is a catalog that `aeo check` finds
#    nothing in and whose tests pass.
# Prints each problem, then one line with the counts; exits 1 on a problem.
LC_ALL=C
export LC_ALL
man=lang/cli/man
bad=0
pages=0
for page in "$man"/*.[1-9]; do
    pages=$((pages + 1))
    warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    if [ -n "$warnings" ]; then
        echo "$page: groff warns:"
        echo "$warnings" | sed 's/^/  /'
        bad=$((bad + 1))
    fi
done
commands=0
options=0
for cmd in $("$AEO" help --commands); do
    commands=$((commands + 1))
    if ! grep -qx ".SS \"aeo $cmd\"" "$man/aeo.1"; then
        echo "$man/aeo.1: no subsection .SS \"aeo $cmd\" for the command $cmd"
        bad=$((bad + 1))
    fi
    for opt in $("$AEO" help --options "$cmd"); do
        options=$((options + 1))
        name=$(printf '%s' "${opt%%=*}" | sed 's/-/\\\\-/g')
        if ! grep -q "$name\\([^a-z\\\\]\\|\$\\)" "$man/aeo.1"; then
            echo "$man/aeo.1: does not mention the option ${opt%%=*} of $cmd"
            bad=$((bad + 1))
        fi
    done
done
tmp=${TMPDIR:-/tmp}/aeo-man.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
sed -n '/^\.SH EXAMPLE/,/^\.SH /p' "$man/aeo-language.7" |
    awk '/^\.nf/ { f = 1; next } /^\.fi/ { f = 0 } f && !/^\.in/' | sed 's/\\-/-/g' > "$tmp/example.aeo"
if ! out=$("$AEO" check "$tmp/example.aeo" 2>&1) || [ "$out" != "0 errors, 0 warnings" ]; then
    echo "$man/aeo-language.7: aeo check on the EXAMPLE says:"
    echo "$out" | sed 's/^/  /'
    bad=$((bad + 1))
fi
if ! out=$("$AEO" test "$tmp/example.aeo" 2>&1); then
    echo "$man/aeo-language.7: aeo test on the EXAMPLE fails:"
    echo "$out" | sed 's/^/  /'
    bad=$((bad + 1))
fi
echo "man: $pages pages, $commands commands, $options options checked; $bad problems"
[ "$bad" -eq 0 ]
