python3 tests/lsp/drive.py tests/golden/lsp/hint_lsp_code_actions.txt
