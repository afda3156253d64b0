python3 tests/lsp/drive.py tests/golden/lsp/lsp_format.txt
