A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo check --max-errors 2 e0999.aeo
