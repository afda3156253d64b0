cp tests/golden/fmt/example_fmt.aeo "$SCRATCH/e.aeo" && $AEO fmt "$SCRATCH/e.aeo" && cat "$SCRATCH/e.aeo" && $AEO fmt --check "$SCRATCH/e.aeo" && echo idempotent
