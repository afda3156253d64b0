" Vim syntax file for aeo rule files (lang/README.md is the reference).
" Groups: aeoComment, aeoString, aeoNumber, aeoKeyword, aeoConstant,
" aeoType, aeoMeasureId (the ID after 'measure'), aeoProperty (the name
" before ':' of a block property or field), aeoOperator.
if exists("b:current_syntax")
  finish
endif

" A declaration keyword opens a line and is followed by a name or a string;
" elsewhere (tier: [...], a field called test) the word is a property or a name.
syn match aeoKeyword "^\s*\zs\(catalog\|facts\|record\|const\|def\|tier\|measure\|test\|example\)\ze\s\+[[:alpha:]_\"]"
syn keyword aeoKeyword with case else cite in
syn keyword aeoConstant true false null
syn keyword aeoType string int uint double bool bytes timestamp duration list map dyn

" 42, 42u, 0x2A, 1.5, 1e3, .5
syn match aeoNumber "\<0[xX]\x\+[uU]\=\>"
syn match aeoNumber "\<\d\+[uU]\=\>"
syn match aeoNumber "\<\d\+\.\d*\([eE][+-]\=\d\+\)\=\>"
syn match aeoNumber "\<\d\+[eE][+-]\=\d\+\>"

" The ID a measure declares: measure E01 "title"
syn match aeoMeasureId "\(\<measure\s\+\)\@<=\h\w*"
" A property or field name: the word (and '?') before a single ':' at the start of a line.
syn match aeoProperty "^\s*\zs\h\w*?\=\ze\s*:[^:]"
syn match aeoProperty "^\s*\zs\h\w*?\=\ze\s*:$"

syn match aeoOperator "=>\|==\|!=\|<=\|>=\|&&\|||\|[-+*/%!<>?|=]"

" Strings, with an optional b/r prefix; the triple-quoted forms come last
" so that they win where both start (Vim prefers the last item defined).
syn match aeoEscape contained "\\\([abfnrtv\\'\"`?]\|x\x\x\|u\x\{4}\|U\x\{8}\|\o\o\o\)"
syn region aeoString start=+\(\<[bBrR]\{1,2}\)\="+ skip=+\\\\\|\\"+ end=+"+ oneline contains=aeoEscape
syn region aeoString start=+\(\<[bBrR]\{1,2}\)\='+ skip=+\\\\\|\\'+ end=+'+ oneline contains=aeoEscape
syn region aeoString start=+\(\<[bBrR]\{1,2}\)\="""+ end=+"""+ contains=aeoEscape
syn region aeoString start=+\(\<[bBrR]\{1,2}\)\='''+ end=+'''+ contains=aeoEscape

syn keyword aeoTodo contained TODO FIXME XXX NOTE
syn match aeoAllow contained "aeo:allow\(\s\+[EW]\d\{4}\)\+"
syn match aeoComment "//.*$" contains=aeoTodo,aeoAllow

hi def link aeoComment Comment
hi def link aeoTodo Todo
hi def link aeoAllow PreProc
hi def link aeoString String
hi def link aeoEscape SpecialChar
hi def link aeoNumber Number
hi def link aeoKeyword Keyword
hi def link aeoConstant Constant
hi def link aeoType Type
hi def link aeoMeasureId Identifier
hi def link aeoProperty Label
hi def link aeoOperator Operator

let b:current_syntax = "aeo"
