"""The SQuAD training-split data of benchmarks/facts_public.py loads and is consistent.

Fast tier: no model, no index.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.facts_public import DATA, OFF_TOPIC, holds_fact, load_questions, normalise

# Dev-split articles of SQuAD v1.1 (v2.0's dev articles are a subset): the check set,
# which must never enter the repository.
DEV_TITLES = {
    "Super_Bowl_50", "Warsaw", "Normans", "Nikola_Tesla", "Computational_complexity_theory",
    "Teacher", "Martin_Luther", "Southern_California", "Sky_(United_Kingdom)",
    "Victoria_(Australia)", "Huguenot", "Steam_engine", "Oxygen", "1973_oil_crisis",
    "Apollo_program", "European_Union_law", "Amazon_rainforest", "Ctenophora",
    "Fresno,_California", "Packet_switching", "Black_Death", "Geology",
    "Newcastle_upon_Tyne", "Victoria_and_Albert_Museum", "American_Broadcasting_Company",
    "Genghis_Khan", "Pharmacy", "Immune_system", "Civil_disobedience", "Construction",
    "Private_school", "Harvard_University", "Jacksonville,_Florida", "Economic_inequality",
    "Doctor_Who", "University_of_Chicago", "Yuan_dynasty", "Kenya",
    "Intergovernmental_Panel_on_Climate_Change", "Chloroplast", "Prime_number", "Rhine",
    "Scottish_Parliament", "Islamism", "Imperialism", "United_Methodist_Church",
    "French_and_Indian_War", "Force",
}


def test_data_has_whole_training_articles_with_the_expected_fields():
    data = json.loads(Path(DATA).read_text(encoding="utf-8"))
    assert data["split"] == "train"
    assert data["licence"] == "CC BY-SA 4.0"
    arts = data["articles"]
    assert 4 <= len(arts) <= 8
    ids = set()
    for art in arts:
        assert art["split"] == "train"
        assert art["title"] not in DEV_TITLES
        assert set(art["source"]) == {"repository", "path", "commit"}
        assert art["source"]["path"].startswith("train-")
        for para in art["paragraphs"]:
            assert para["context"].strip()
            for qa in para["qas"]:
                assert set(qa) == {"id", "question", "answers", "is_impossible"}
                assert qa["id"] not in ids
                ids.add(qa["id"])
                assert qa["question"].strip()
                assert bool(qa["answers"]) != qa["is_impossible"]
                for a in qa["answers"]:
                    start = a["answer_start"]
                    assert para["context"][start:start + len(a["text"])] == a["text"]
    assert 500 <= len(ids) <= 1200


def test_questions_split_into_halves_and_off_topic_ones_are_ours():
    qs = load_questions()
    squad = [q for q in qs if q.kind != "off-topic"]
    assert [q.half for q in squad[:4]] == ["tune", "held-out", "tune", "held-out"]
    off = [q for q in qs if q.kind == "off-topic"]
    assert len(off) == len(OFF_TOPIC) >= 30
    assert {q.half for q in off} == {"tune", "held-out"}
    answerable = [q for q in qs if q.kind == "answerable"]
    assert all(q.answers for q in answerable)


def test_fact_held_uses_squad_normalisation():
    assert normalise("The  Day of the Dead!") == "day of dead"
    assert holds_fact("It was set during the Day of the Dead.", ["Day of the Dead"])
    assert holds_fact("They chose 1,500 extras.", ["1,500"])
    assert not holds_fact("It was 15 hundred.", ["1,500"])
    assert not holds_fact("It cost 150 dollars.", ["15"])  # whole words only
