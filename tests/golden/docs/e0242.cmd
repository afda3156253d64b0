A=$(realpath "$AEO"); aeo() { "$A" "$@"; }; cd tests/golden/docs && aeo check e0242.aeo
