bash tests/golden/cli/pkg_completion.sh
