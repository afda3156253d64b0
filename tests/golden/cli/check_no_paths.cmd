$AEO check
