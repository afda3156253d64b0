cp tests/golden/fmt/fmt_comments.aeo "$SCRATCH/c.aeo" && $AEO fmt "$SCRATCH/c.aeo" && cat "$SCRATCH/c.aeo" && $AEO fmt --check "$SCRATCH/c.aeo" && echo idempotent && $AEO test "$SCRATCH/c.aeo"
