$AEO test tests/golden/cli/example_tests.aeo
