cp tests/golden/fmt/torture.aeo "$SCRATCH/u.aeo"; $AEO fmt --check "$SCRATCH/u.aeo" 2>"$SCRATCH/err"; echo "rc=$?"; sed "s|$SCRATCH|SCRATCH|" "$SCRATCH/err"
