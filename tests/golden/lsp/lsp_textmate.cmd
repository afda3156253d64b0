node tests/lsp/textmate.js tests/golden/lsp/lsp_syntax/sample.aeo rules
