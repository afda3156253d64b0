A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && echo '{"credit": "general"}' | aeo eval cost.aeo --facts - --as-of 2021-06-01 --format table
