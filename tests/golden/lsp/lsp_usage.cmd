$AEO lsp --tcp
