"""The editor JSON Schema: in sync with schema.yaml, accepts every real file, rejects bad ones."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from socioaffective.jsonschema import JSON_SCHEMA_PATH, json_schema, json_schema_text

HEADER = "# yaml-language-server: $schema=framework.schema.json"


@pytest.fixture(scope="module")
def validator(real_kb):
    schema = json_schema(real_kb.schema)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_checked_in_schema_is_in_sync(project_root, real_kb):
    path = project_root / JSON_SCHEMA_PATH
    assert path.is_file(), "run `socioaffective schema --write`"
    assert path.read_text(encoding="utf-8") == json_schema_text(real_kb.schema), "stale: run `socioaffective schema --write`"


def framework_files(project_root):
    return sorted(p for p in (project_root / "framework").glob("*.yaml") if p.name != "schema.yaml")


def test_every_real_framework_file_is_valid_and_names_the_schema(project_root, validator):
    files = framework_files(project_root)
    assert len(files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[0] == HEADER, f"{path.name} lacks the yaml-language-server header"
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(yaml.safe_load(text))]
        assert not errors, f"{path.name}: {errors[:3]}"


def test_the_tiny_fixture_is_valid(tiny_root, validator):
    data = yaml.safe_load((tiny_root / "framework" / "tiny.yaml").read_text())
    assert not list(validator.iter_errors(data))


def _entry(tiny_root, id_: str) -> dict:
    data = yaml.safe_load((tiny_root / "framework" / "tiny.yaml").read_text())
    return copy.deepcopy(next(e for e in data["entries"] if e["id"] == id_))


BAD = [
    ("unknown field", "competence", lambda e: e.update(satisfactoin="x"), "satisfactoin"),
    ("field of another kind", "competence", lambda e: e.update(poles=["a", "b"]), "poles"),
    ("relation not allowed from the kind", "competence", lambda e: e.update(engages=["competence"]), "engages"),
    ("bad id", "competence", lambda e: e.update(id="Competence"), "does not match"),
    ("unknown kind", "competence", lambda e: e.update(kind="nede"), "nede"),
    ("unknown grade", "competence", lambda e: e["provenance"].update(grade="certain"), "certain"),
    ("editorial with a paper grade", "scaffolding", lambda e: e["provenance"].update(grade="abstract"), "editorial"),
    ("bib source with the editorial grade", "competence", lambda e: e["provenance"].update(grade="editorial"), "editorial"),
    ("bad enum", "which-self", lambda e: e.update(status="opened"), "opened"),
    ("three poles", "future-self", lambda e: e.update(poles=["a", "b", "c"]), "too long"),
    ("missing required relation", "future-self", lambda e: e.pop("engages"), "engages"),
    ("missing summary", "competence", lambda e: e.pop("summary"), "summary"),
    ("year as text", "the-paper", lambda e: e.update(year="2025"), "integer"),
    ("locator on a link that takes none", "flattery", lambda e: e.update(frustrates=[{"target": "competence", "locator": "p. 1"}]), "frustrates"),
    ("multi-line title", "competence", lambda e: e.update(title="two\nlines"), "does not match"),
]


@pytest.mark.parametrize("case,id_,mutate,needle", BAD, ids=[b[0] for b in BAD])
def test_bad_entries_are_flagged(tiny_root, validator, case, id_, mutate, needle):
    entry = _entry(tiny_root, id_)
    assert not list(validator.iter_errors({"entries": [entry]}))
    mutate(entry)
    errors = list(validator.iter_errors({"entries": [entry]}))
    assert errors, case
    text = json.dumps([e.message for e in errors] + [list(e.absolute_path) for e in errors] + [str(e.context) for e in errors])
    assert needle in text or any(needle in str(sub.message) for e in errors for sub in e.context), (case, text[:500])


def test_descriptions_reach_the_editor(real_kb):
    s = json_schema(real_kb.schema)
    dilemma = s["definitions"]["kind-dilemma"]
    assert dilemma["properties"]["tension"]["description"] == real_kb.schema.kinds["dilemma"].fields["tension"].description
    assert "engaged by" in dilemma["properties"]["engages"]["description"]
    assert "engages" in dilemma["required"]
