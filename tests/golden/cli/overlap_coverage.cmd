# Coverage on overlapping tiers: the tier leaves are each seen true and false
# on their own (an AEOF holder makes both true, nothing is inferred from the
# other tier), and the pair aeoc/aeos, which may overlap, counts as covered
# only when a test has an enterprise in both.  Without the AEOF test (-r),
# that pair is reported.
$AEO test --coverage tests/golden/check/overlap_eu.aeo
$AEO test --coverage -r 'AEOC|AEOS' tests/golden/check/overlap_eu.aeo
$AEO test -r 'AEOC|AEOS' tests/golden/check/overlap_eu.aeo --coverage-json - | grep -A1 '"tier_overlaps"'
