# Shenyang's tiers exclude each other: its groups keep "only" and "both";
# the per-tier counts (27 advanced: M01-M13 and M15-M28; 14 general: M01-M14).
$AEO list rules/shenyang --format json | grep -o '"tiers_overlap".*'
