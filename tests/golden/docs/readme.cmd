sh tests/golden/docs/readme.sh lang/README.md
