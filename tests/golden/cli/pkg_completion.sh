# Drives the bash completion (lang/cli/completion/aeo.bash) as bash would,
# without a terminal: for each case, COMP_WORDS and COMP_CWORD as bash sets
# them (the last word is the one being completed; "--format=js" is the
# three words --format, =, js), then _aeo, then the candidates it left in
# COMPREPLY, sorted (bash sorts them for display).  Run with bash from the
# repository root, with $AEO the binary and $SCRATCH a scratch directory:
#   bash tests/golden/cli/pkg_completion.sh
. lang/cli/completion/aeo.bash
aeo=$(realpath "$AEO")
complete_words() {
    COMP_WORDS=("$aeo" "$@")
    COMP_CWORD=$#
    _aeo
    printf 'aeo %s<Tab> ->' "$*"
    printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | while IFS= read -r w; do [ -n "$w" ] && printf ' [%s]' "$w"; done
    echo
}
complete_words ev
complete_words ''
complete_words eval --fo
complete_words eval --format ''
complete_words eval --format j
complete_words eval --format = js
complete_words eval --format =
complete_words check --format ''
complete_words test --format ''
complete_words list --format ''
complete_words eval --color ''
complete_words repl --
complete_words fmt --c
complete_words eval --measure ''
complete_words eval -j ''
complete_words explain ''
complete_words nope --
# File names, in a scratch directory: a catalog, a nested one, other files.
mkdir -p "$SCRATCH/pkg_completion/sub/deeper" && cd "$SCRATCH/pkg_completion" || exit 1
: > a.aeo; : > b.aeo; : > facts.jsonl; : > notes.txt; : > 'with space.aeo'; : > sub/c.aeo; : > sub/d.json
complete_words eval ''
complete_words check sub/
complete_words eval a.aeo --facts ''
complete_words eval a.aeo --facts f
complete_words test --coverage-json s
complete_words repl w
