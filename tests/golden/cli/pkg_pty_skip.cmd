mkdir -p "$SCRATCH/pkg_pty_none" && AEO_TEST_NO_PTY=1 GOLDEN_DIR="$SCRATCH/pkg_pty_none" CONFORMANCE= EMBED_PREFIX= FAULT_SO= sh tests/run.sh "$BUILD/tests/test_repl_pty"
