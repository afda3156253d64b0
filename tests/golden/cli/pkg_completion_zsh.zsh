# Drives the zsh completion (lang/cli/completion/_aeo) without a terminal:
# the completion system's builtins it calls are replaced by stubs that
# record what they are given (compadd's candidates that start with
# $PREFIX, as zsh keeps them; _files and _message as
# <_files ARGS> and <_message ARGS>; compset -P '*=' strips the prefix
# through '='), and for each case words, CURRENT and PREFIX are set as zsh
# sets them before _aeo runs.  The candidates print sorted.  Run with
# zsh -f from the repository root, with $AEO the binary:
#   zsh -f tests/golden/cli/pkg_completion_zsh.zsh
# (By hand, a real interactive zsh on a pty completed the same cases.)
typeset -a reply
compadd() {
    local -a given
    if [[ $1 == -a ]]; then given=(${(P)2}); else given=("$@"); fi
    local w
    for w in $given; do [[ $w == ${(b)PREFIX}* ]] && reply+=($w); done
    return 0
}
_files() { reply+=("<_files $*>") }
_message() { reply+=("<_message $*>") }
compset() { [[ $1 == -P && $PREFIX == *=* ]] && PREFIX=${PREFIX#*=}; return 0 }
aeo=${AEO:A}
words=($aeo help) CURRENT=3 PREFIX=
source lang/cli/completion/_aeo
c() {
    words=($aeo "$@") CURRENT=$(( $# + 1 ))
    PREFIX=${words[CURRENT]}
    reply=()
    _aeo
    print -r -- "aeo $*<Tab> ->" ${${(o)reply}/(#m)*/[$MATCH]}
}
setopt extendedglob
c ev
c ''
c eval --fo
c eval --format ''
c eval --format j
c eval --format=js
c check --format ''
c test --format=
c list --format ''
c repl --color ''
c repl --
c eval --facts ''
c eval --measure ''
c explain ''
c eval ''
c check rules/
