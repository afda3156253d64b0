# bash completion for aeo(1), installed as
# $(PREFIX)/share/bash-completion/completions/aeo.
#
# It keeps no list of its own: the commands, each command's options and
# the fixed values of --format and --color come from the binary being
# completed (`aeo help --commands`, `--options CMD`, `--values CMD
# OPTION`), which reads them from the same tables its option parser uses.
# An option listed as "--name=KIND" takes a value: KIND FILE completes file
# names, another KIND nothing.  A PATH argument completes .aeo files and
# directories.  Plain bash is enough (no bash-completion helpers needed).

_aeo() {
    local aeo=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=
    local opt= spec= kind= values= word
    COMPREPLY=()
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
    if [ "$COMP_CWORD" -le 1 ]; then
        COMPREPLY=($(compgen -W "$("$aeo" help --commands 2>/dev/null)" -- "$cur"))
        return 0
    fi
    local cmd=${COMP_WORDS[1]}
    local options
    options=$("$aeo" help --options "$cmd" 2>/dev/null)
    # "--format=js" arrives as "--format" "=" "js" (= breaks words).
    if [ "$cur" = "=" ]; then
        opt=$prev
        cur=
    elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 2 ]; then
        opt=${COMP_WORDS[COMP_CWORD-2]}
    elif [ "${prev#-}" != "$prev" ]; then
        opt=$prev
    fi
    if [ -n "$opt" ]; then
        for spec in $options; do
            if [ "${spec%%=*}" = "$opt" ] && [ "$spec" != "$opt" ]; then
                kind=${spec#*=}
                break
            fi
        done
    fi
    if [ -n "$kind" ]; then
        values=$("$aeo" help --values "$cmd" "$opt" 2>/dev/null)
        if [ -n "$values" ]; then
            COMPREPLY=($(compgen -W "$values" -- "$cur"))
        elif [ "$kind" = FILE ]; then
            compopt -o filenames 2>/dev/null
            local IFS='
'
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return 0
    fi
    if [ "${cur#-}" != "$cur" ]; then
        local names=
        for spec in $options; do names="$names ${spec%%=*}"; done
        COMPREPLY=($(compgen -W "$names" -- "$cur"))
        return 0
    fi
    case $cmd in
    explain | version | help) return 0 ;;
    esac
    # A PATH: directories (to descend into) and .aeo files.
    compopt -o filenames 2>/dev/null
    local IFS='
'
    COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.aeo' -- "$cur"))
    return 0
}
complete -F _aeo aeo
