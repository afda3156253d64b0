sh tests/golden/docs/man.sh
