#!/usr/bin/env python3
"""Writes data/demo/osaka-synthetic.jsonld: a few thousand synthetic, clearly labelled entities
across the Osaka area, in shapes after the Smart Data Models (shelters with capacity and
occupancy, childcare facilities with vacancies by age, baby-care stations, garbage collection
points with weekday schedules). Deterministic: the same file on every run. The output is
committed, so neither `make run` nor the tests need Python."""

import json
import random
from pathlib import Path

CORE = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"
WARDS = ["Kita", "Miyakojima", "Fukushima", "Konohana", "Chuo", "Nishi", "Minato", "Taisho",
         "Tennoji", "Naniwa", "Nishiyodogawa", "Yodogawa", "Higashiyodogawa", "Higashinari",
         "Ikuno", "Asahi", "Joto", "Tsurumi", "Abeno", "Suminoe", "Sumiyoshi", "Higashisumiyoshi",
         "Nishinari", "Hirano", "Sakai-ku", "Kita-ku Sakai"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
NOTE = "Synthetic demo data generated for Tsunagu; not a real place."


def point(rng):
    return {"type": "GeoProperty",
            "value": {"type": "Point", "coordinates": [round(rng.uniform(135.36, 135.60), 5),
                                                       round(rng.uniform(34.55, 34.76), 5)]}}


def scope_of(ward):
    """The entity's scope (NGSI-LD clause 4.18): city, then ward, for scopeQ=/Osaka/# and such."""
    if ward == "Sakai-ku":
        return "/Sakai/Sakai-ku"
    if ward == "Kita-ku Sakai":
        return "/Sakai/Kita-ku"
    return f"/Osaka/{ward}"


def base(kind, n, rng):
    ward = rng.choice(WARDS)
    return ward, {"@context": CORE, "id": f"urn:ngsi-ld:{kind}:synthetic-{n:04d}", "type": kind,
                  "scope": scope_of(ward), "location": point(rng), "address": {"type": "Property", "value": {
                      "addressLocality": ward, "addressRegion": "Osaka"}},
                  "description": {"type": "Property", "value": NOTE}}


def shelter(n, rng):
    ward, e = base("Shelter", n, rng)
    capacity = rng.randrange(100, 1500, 10)
    occupancy = rng.randint(0, capacity)
    e["name"] = {"type": "LanguageProperty", "languageMap": {
        "en": f"{ward} Shelter {n}", "ja": f"{ward} 避難所 {n}"}}
    e["capacity"] = {"type": "Property", "value": capacity, "unitCode": "C62"}
    e["occupancy"] = {"type": "Property", "value": occupancy, "unitCode": "C62",
                      "observedAt": "2026-11-01T09:00:00Z"}
    e["status"] = {"type": "VocabProperty", "vocab": "full" if occupancy >= capacity else "open"}
    return e


def childcare(n, rng):
    ward, e = base("ChildcareFacility", n, rng)
    e["name"] = {"type": "Property", "value": f"{ward} Nursery {n}"}
    e["vacancies"] = {"type": "Property", "value": {f"age{a}": rng.randint(0, 4) for a in range(6)},
                      "observedAt": "2026-11-01T00:00:00Z"}
    e["capacity"] = {"type": "Property", "value": rng.randrange(30, 200, 5), "unitCode": "C62"}
    return e


def baby_station(n, rng):
    ward, e = base("BabyCareStation", n, rng)
    e["name"] = {"type": "Property", "value": f"{ward} Baby Station {n}"}
    e["facilities"] = {"type": "Property", "value": rng.sample(
        ["nursingRoom", "diaperChanging", "hotWater", "strollerAccess"], rng.randint(1, 4))}
    return e


def garbage_point(n, rng):
    ward, e = base("WasteCollectionPoint", n, rng)
    days = sorted(rng.sample(range(6), 2))
    e["name"] = {"type": "Property", "value": f"{ward} Collection Point {n}"}
    e["burnableDays"] = {"type": "Property", "value": [WEEKDAYS[d] for d in days]}
    e["recyclableDay"] = {"type": "Property", "value": WEEKDAYS[rng.choice(
        [d for d in range(6) if d not in days])]}
    return e


def main():
    rng = random.Random(20261125)
    makers = [(shelter, 800), (childcare, 600), (baby_station, 400), (garbage_point, 1200)]
    entities = [make(n, rng) for make, count in makers for n in range(1, count + 1)]
    out = Path(__file__).resolve().parent.parent / "data" / "demo" / "osaka-synthetic.jsonld"
    out.write_text(json.dumps(entities, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(entities)} entities -> {out.name}")


if __name__ == "__main__":
    main()
