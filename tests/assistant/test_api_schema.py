"""The HTTP API's OpenAPI schemas describe what it really sends, and passages are numbered
as they are shown (issue 13, item 2)."""

from __future__ import annotations

import json

import pytest

from assistant import cli
from assistant.api_schema import SCHEMAS
from assistant.service import Assistant
from assistant.wire import health_json, passage_json, search_json
from index.embedder import FakeEmbedder

NOTES = """# Board notes

## Risks of partnerships for mutuals

Board members said the main risks of partnerships for mutuals were unclear liability and
slow decisions between partners.
"""

_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
          "array": list, "object": dict, "null": type(None)}


def _problems(value: object, schema: dict, where: str = "$") -> list[str]:
    """What in ``value`` does not fit ``schema`` (the parts of JSON Schema used here:
    $ref, type, properties, required, items, minimum/maximum, enum)."""
    if "$ref" in schema:
        return _problems(value, SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]], where)
    types = schema.get("type")
    if types is not None:
        allowed = tuple(_TYPES[t] for t in ([types] if isinstance(types, str) else types))
        if not isinstance(value, allowed) or (isinstance(value, bool)
                                               and "boolean" not in types):
            return [f"{where}: {value!r} is not {types}"]
    out = []
    if isinstance(value, dict):
        props = schema.get("properties", {})
        out += [f"{where}: lacks {k!r}" for k in schema.get("required", []) if k not in value]
        out += [f"{where}: {k!r} is not in the schema" for k in value if k not in props]
        for k, v in value.items():
            if k in props:
                out += _problems(v, props[k], f"{where}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            out += _problems(v, schema["items"], f"{where}[{i}]")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{where}: {value} > {schema['maximum']}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} not in {schema['enum']}")
    return out


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    """The bundled GOV.UK page (it has heading-only passages) and an added local file."""
    added = tmp_path / "board"
    added.mkdir()
    (added / "notes.md").write_text(NOTES, encoding="utf-8")
    monkeypatch.setattr(cli, "_open",
                        lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))
    a = Assistant.open(tmp_path / "index", embedder=FakeEmbedder())
    a.index([added])
    return a


def test_what_the_api_sends_fits_its_schema(bundled):
    a = bundled
    for question in ("What are the main risks of partnerships for mutuals?",
                     "When was the report published?", "What is the capital of France?"):
        answer = a.ask(question).as_json()
        assert _problems(answer, {"$ref": "#/components/schemas/Answer"}) == [], question
    result = search_json("risks", a.search("risks", k=8))
    assert result["passages"]
    assert _problems(result, SCHEMAS["SearchResult"]) == []
    assert all("score" not in p for p in result["passages"])
    for p in result["passages"]:
        view = passage_json(a.chunk_view(p["chunk_id"]))
        assert _problems(view, SCHEMAS["PassageView"]) == []
    # A local file: its path inside the folder it was added from, never an absolute path.
    notes = [p for p in result["passages"] if p["title"] == "Board notes"]
    assert notes and all(p["source"] == "board/notes.md" for p in notes)
    assert passage_json(a.chunk_view(notes[0]["chunk_id"]))["source"] == "board/notes.md"
    for d in a.sources():
        assert _problems(d.as_json(), SCHEMAS["Document"]) == []
    assert _problems(health_json(a), SCHEMAS["Health"]) == []
    cited = SCHEMAS["Citation"]["required"]
    assert {"url", "publisher", "published", "licence"} <= set(cited)
    assert "score" not in SCHEMAS["Passage"]["properties"]


def test_passages_are_numbered_as_shown_without_gaps(bundled, capsys):
    """Heading-only passages of the bundled page are not shown as evidence; the ones shown
    are ranked 1..n, as the app numbers them."""
    a = bundled
    question = "When was the report published?"
    searched = a.search(question, k=5)
    answer = a.ask(question, k=5)
    assert len(answer.passages) < len(searched)  # some were hidden ...
    assert [p.rank for p in answer.passages] == list(range(1, len(answer.passages) + 1))
    assert cli.main(["ask", question, "--json", "--index-dir", str(a.layout.root)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["rank"] for p in data["passages"]] == list(range(1, len(data["passages"]) + 1))
