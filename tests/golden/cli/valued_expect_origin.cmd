# A failing test of valued measures: "facts read" includes what the cases read;
# a failing expect_values names the winning case by file:line:col.
$AEO test tests/golden/cli/valued_expect_origin.aeo
