$AEO test rules/shenyang
