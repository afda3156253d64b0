# Overlapping tiers (AEOF holders are in aeoc and aeos): groups named by the
# declared tiers, never "aeoc only", and a count per tier.
$AEO list tests/golden/check/overlap_eu.aeo
$AEO list tests/golden/check/overlap_eu.aeo --format json | grep -o '"counts".*'
