cp tests/golden/fmt/ed_nordic.aeo "$SCRATCH/n.aeo" && $AEO fmt "$SCRATCH/n.aeo" && cat "$SCRATCH/n.aeo" && $AEO fmt --check "$SCRATCH/n.aeo" && echo idempotent && $AEO test "$SCRATCH/n.aeo"
