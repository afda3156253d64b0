cp tests/golden/fmt/valued_fmt.aeo "$SCRATCH/v.aeo" && $AEO fmt "$SCRATCH/v.aeo" && cat "$SCRATCH/v.aeo" && $AEO fmt --check "$SCRATCH/v.aeo" && echo idempotent
