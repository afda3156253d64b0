$GEN | cmp - rules/shenyang/enterprises.jsonl && echo same
