cp tests/golden/fmt/torture.aeo "$SCRATCH/t.aeo" && $AEO fmt "$SCRATCH/t.aeo" && cat "$SCRATCH/t.aeo" && $AEO fmt --check "$SCRATCH/t.aeo" && echo idempotent
