$AEO list rules/shenyang --format json | grep -o '"counts":{[^}]*}'; $AEO list rules/shenyang --format json | grep -o '"id":"M[0-9]*"' | wc -l
