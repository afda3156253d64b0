$AEO fmt --check rules
