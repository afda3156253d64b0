$AEO --help | head -1
