out=$($AEO 2>&1); rc=$?; printf "%s\n" "$out" | head -1; exit $rc
