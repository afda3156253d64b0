sh tests/browser/check.sh "$BUILD"
