zsh -f tests/golden/cli/pkg_completion_zsh.zsh
