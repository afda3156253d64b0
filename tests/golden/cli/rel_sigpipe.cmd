# The reader goes away (head): with SIGPIPE's default action aeo dies of
# it quietly, as Unix filters do (exit 141 = 128 + SIGPIPE, nothing on
# stderr); where SIGPIPE is ignored, the write fails with EPIPE and that is
# reported as a failed write: exit 2, "Broken pipe", never a generic error.
E="$AEO eval rules/shenyang --facts rules/shenyang/enterprises.jsonl --as-of 2021-06-01 --format jsonl"
{ $E 2>"$SCRATCH/err1"; echo $? >"$SCRATCH/rc1"; } | head -c 11; echo
echo "default SIGPIPE: exit $(cat "$SCRATCH/rc1")"; cat "$SCRATCH/err1"
(trap '' PIPE; { $E 2>"$SCRATCH/err2"; echo $? >"$SCRATCH/rc2"; } | head -c 11); echo
echo "SIGPIPE ignored: exit $(cat "$SCRATCH/rc2")"; cat "$SCRATCH/err2"
