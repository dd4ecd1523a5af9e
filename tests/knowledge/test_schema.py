"""The JSON Schema files shipped for editors match the pydantic models they come from."""

from __future__ import annotations

import json

from knowledge.schema import SCHEMA_DIR, file_schemas


def test_shipped_schemas_are_generated_from_the_models() -> None:
    shipped = {p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
               for p in SCHEMA_DIR.glob("*.schema.json")}
    assert shipped == file_schemas(), (
        "knowledge/schema/ is stale: run `python -m knowledge.schema` and commit the result")


def test_schema_forbids_unknown_keys_and_requires_provenance_fields() -> None:
    events = file_schemas()["events"]
    entry = events["$defs"]["EventEntry"]
    assert entry["additionalProperties"] is False
    assert {"id", "title", "text", "date"} <= set(entry["required"])
    assert "quotes" in entry["properties"] and "sources" in entry["properties"]
