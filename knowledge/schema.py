"""The JSON Schema of the pack format, generated from the pydantic models.

``knowledge/schema/`` holds the generated files so a teacher's editor can check a pack while
she writes it; a test keeps them in step with the models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from knowledge.models import KIND_FILES, MODEL_BY_KIND, PackInfo, QuestionSpec

SCHEMA_DIR = Path(__file__).parent / "schema"


def file_schemas() -> dict[str, dict[str, Any]]:
    """One schema per pack file name: ``events.schema.json`` for ``events.yaml`` and so on."""
    schemas: dict[str, dict[str, Any]] = {"pack": PackInfo.model_json_schema()}
    for filename, kind in KIND_FILES.items():
        model = MODEL_BY_KIND[kind]
        schemas[filename.removesuffix(".yaml")] = TypeAdapter(list[model]).json_schema()  # type: ignore[valid-type]
    schemas["questions"] = TypeAdapter(list[QuestionSpec]).json_schema()
    for name, schema in schemas.items():
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"studybot pack file {name}.yaml"
    return schemas


def write_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    import json

    folder.mkdir(exist_ok=True)
    written = []
    for name, schema in file_schemas().items():
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_schemas():
        print(p)
