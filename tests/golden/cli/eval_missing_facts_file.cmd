$AEO eval tests/golden/cli/cat.aeo --facts tests/golden/cli/does-not-exist.jsonl --format jsonl
