A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo diff ../cli/witness_old.aeo ../cli/witness_new.aeo --witness --as-of 2021-06-01
