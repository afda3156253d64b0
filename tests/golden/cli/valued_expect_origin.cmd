# A failing expect_values names the file, line and column of the case that won.
$AEO test tests/golden/cli/valued_expect_origin.aeo
