# Display width without --lang: W1's title is cut to list's 50 columns at a
# character boundary (25 characters, never half a UTF-8 sequence), the emoji
# takes 2 columns, combining accents none; text_columns.py measures the
# columns independently.  --summary's title column (up to 60) holds W1 whole.
f=tests/golden/cli/text_width.aeo; $AEO list $f; $AEO list $f | python3 tests/golden/cli/text_columns.py 0 4; $AEO list $f | iconv -f UTF-8 -t UTF-8 >/dev/null && echo "list: valid UTF-8"; echo '{"uscc":"X"}' > "$SCRATCH/r.jsonl"; $AEO eval $f --facts "$SCRATCH/r.jsonl" --as-of 2021-06-01 --summary; $AEO eval $f --facts "$SCRATCH/r.jsonl" --as-of 2021-06-01 --summary | python3 tests/golden/cli/text_columns.py 1 4 2,3,4,5; $AEO eval $f --facts "$SCRATCH/r.jsonl" --as-of 2021-06-01 --format table
