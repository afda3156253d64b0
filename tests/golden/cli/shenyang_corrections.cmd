# The Shenyang corrections of the later findings: art. 30 cites of Decree 251
# (M05, M07, M15-M21), 署企发〔2022〕73号 for M22-M25, and the doubtful items
# (M08, M09, M11, M22-M25, M28): id, confidence and cite.
$AEO list rules/shenyang --format json | grep -E '"id":"M(05|07|08|09|11|1[5-9]|2[0-5]|28)"' | sed 's/"title".*"confidence":\("[a-z]*"\),"cite":\("[^"]*"\).*/\1 \2/'
