" aeo rule files: *.aeo (lang/cli/editor/README).
autocmd BufRead,BufNewFile *.aeo setfiletype aeo
