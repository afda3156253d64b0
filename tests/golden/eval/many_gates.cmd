# 100 measures, each behind a tier of its own (100 gates); the catalog
# scope reads an optional fact.  A record is in one tier at most, so every
# other measure is `not` from its tier alone, whatever the scope; the
# outcomes that are not `not` are shown, then the count of `not`s.
awk 'BEGIN { print "catalog g { scope: enterprise.ok }"; print "facts enterprise { k: int  ok?: bool }";
  for (i = 0; i < 100; i++) { print "tier t" i " = enterprise.k == " i; print "measure M" i " \"m\" { tier: t" i " }" } }' >$SCRATCH/many.aeo
printf '%s\n' '{"k":5,"ok":true}' '{"k":99,"ok":true}' '{"k":-1,"ok":true}' '{"k":50,"ok":false}' '{"k":7}' '{"k":0}' >$SCRATCH/many.jsonl
$AEO eval $SCRATCH/many.aeo --facts $SCRATCH/many.jsonl --format jsonl >$SCRATCH/out.jsonl
echo "[exit $?]"
sed 's/"not":\[[^]]*\],//' $SCRATCH/out.jsonl
for r in 1 2 3 4 5 6; do sed -n "${r}p" $SCRATCH/out.jsonl | grep -o '"M[0-9]*"' | wc -l; done
