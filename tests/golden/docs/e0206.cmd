A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo check e0206.aeo
