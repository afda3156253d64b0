# Version 2 together, as a catalog author outside the project writes it from DESIGN 7.1-7.2:
# valued measures (int, duration, enum; cases, else, cites), a function called from
# another inside a comprehension, examples built with `with` (null removes a key),
# overlapping tiers (AEOF holders in aeoc and aeos: no W0202/W0203/W0206), a
# per-measure scope, field defaults.  Expected lines derived by hand.
$AEO check tests/golden/eval/v2_eu.aeo && $AEO test tests/golden/eval/v2_eu.aeo && $AEO eval tests/golden/eval/v2_eu.aeo --facts tests/golden/eval/v2_eu.jsonl --as-of 2022-01-01 --format jsonl
