$AEO help
