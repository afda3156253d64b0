# Blocks of one language in several files merge; a key given twice across
# them is E0241, with a note at the first.
d="$SCRATCH/tf"; mkdir -p "$d"; cp tests/golden/cli/text_demo/*.aeo "$d"; printf 'text zh {\n  M01: "again"\n}\n' > "$d/40_zh.aeo"; $AEO check "$d" > "$SCRATCH/o" 2>&1; echo "exit $?"; sed "s|$SCRATCH|SCRATCH|g" "$SCRATCH/o"
