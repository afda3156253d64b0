$AEO check --werror rules/shenyang
