# Fallback per key: M03.benefit is in no zh block, so --lang zh takes the en
# block's; M02.benefit comes from the zh block; with --lang en M02's benefit
# is the en block's, which replaces the source text; without --lang, the source.
d=tests/golden/cli/text_demo; $AEO list $d --lang zh; $AEO list $d --lang zh --format json; $AEO list $d --lang en --format json; $AEO list $d --format json; $AEO list $d --lang zh --format csv
