$AEO list tests/golden/cli/overlap_order.aeo
$AEO list tests/golden/cli/overlap_order.aeo --format csv
