"""Writes tests/answers/records.jsonl: 60 records of trade.aeo, from a fixed seed."""
import json
import random

rng = random.Random(14)
NAMES = ["Li", "Acme", "Bank of Dalian", "北京银行", "Nordhafen", "Kim & Co", "Ostrava Steel", "SG Bank"]
COUNTRIES = ["CN", "cn", "Cn", "SG", "sg", "KR", "DE", "FR", "us"]
PORTS = ["North Bay", "Nanjing", "south", "Dalian", "N1"]
MARKETS = ["SG", "KR", "EU", "US", "JP"]
CITIES = ["Beijing", "Seoul", "Oslo", "Lyon"]
for i in range(60):
    r = {"id": "c%02d" % (i + 1), "active": rng.random() < 0.9, "level": rng.choice(["gold", "gold", "silver", "bronze"]),
         "staff": rng.choice([3, 49, 50, 99, 100, 250, 4999, 6000]), "country": rng.choice(COUNTRIES),
         "name": rng.choice(NAMES)}
    if rng.random() < 0.6:
        r["turnover"] = rng.choice([0.0, 250000.0, 999999.5, 1000000.0, 30000000.0])
    if rng.random() < 0.7:
        r["since"] = rng.choice(["2015-03-01", "2019-12-31", "2020-01-01", "2020-06-01", "2021-01-01"])
    if rng.random() < 0.6:
        r["code"] = rng.choice(["AB1234", "ab1234", "XY12", "CN0001", "Z9"])
    if rng.random() < 0.7:
        r["markets"] = rng.sample(MARKETS, rng.randint(0, 3))
    if rng.random() < 0.6:
        r["ports"] = rng.sample(PORTS, rng.randint(0, 2))
    if rng.random() < 0.5:
        r["audits"] = rng.randint(0, 3)
    if rng.random() < 0.5:
        r["office"] = {"city": rng.choice(CITIES)}
        if rng.random() < 0.5:
            r["office"]["floors"] = rng.randint(1, 9)
    if rng.random() < 0.6:
        r["member"] = rng.random() < 0.5
    print(json.dumps(r, ensure_ascii=False))
