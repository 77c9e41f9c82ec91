"""A JSON Schema for framework files, generated from ``framework/schema.yaml``.

Editors that speak the YAML language server (VS Code's YAML extension,
JetBrains IDEs, Neovim/Helix with yaml-language-server) read the first line of
every framework file::

    # yaml-language-server: $schema=framework.schema.json

and then complete field and relation names, show their descriptions and mark
unknown fields, wrong types and unknown grades as you type. The schema is a
convenience for editors: ``socioaffective validate`` remains the judge (it
also checks ids across files, targets, cite keys and cycles, which a JSON
Schema cannot).

``socioaffective schema --write`` regenerates ``framework/framework.schema.json``;
``socioaffective schema --check`` (and a test) fail when it is stale.

>>> from socioaffective.loader import default_root, load
>>> s = json_schema(load(default_root()).schema)
>>> s["properties"]["entries"]["type"], "dilemma" in s["definitions"]["kind"]["enum"]
('array', True)
"""

from __future__ import annotations

import json

from .links import PATTERNS
from .schema import EDITORIAL, FieldSpec, Schema

#: Where the schema lives, relative to the framework root.
JSON_SCHEMA_PATH = "framework/framework.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"


def _text_type() -> dict:
    return {"type": "string"}


def field_schema(spec: FieldSpec) -> dict:
    """The JSON Schema of one field."""
    t = spec.type
    if t == "provenance":
        out: dict = {"$ref": "#/definitions/provenance"}
    elif t in ("string", "text"):
        out = _text_type()
        if spec.max_length:
            out["maxLength"] = spec.max_length
        if t == "string":
            out["pattern"] = spec.pattern or "^[^\\n]*\\n?$"
    elif t in PATTERNS:
        out = {"type": "string", "pattern": "^(?:" + PATTERNS[t] + ")$"}
        if t == "url":
            out["format"] = "uri"
        if spec.max_length:
            out["maxLength"] = spec.max_length
    elif t == "enum":
        out = {"enum": list(spec.values)}
    elif t == "integer":
        out = {"type": "integer"}
    elif t == "boolean":
        out = {"type": "boolean"}
    elif t == "list":
        out = {"type": "array", "items": field_schema(spec.items) if spec.items else _text_type()}
        if spec.min_items is not None:
            out["minItems"] = spec.min_items
        if spec.max_items is not None:
            out["maxItems"] = spec.max_items
    else:  # pragma: no cover - schema.py refuses other types
        out = {}
    if spec.description:
        out = {"description": spec.description, **out}
    return out


def _relation_schema(schema: Schema, name: str, required: bool) -> dict:
    r = schema.relations[name]
    target: dict = {"type": "string"} if r.cites_references else {"$ref": "#/definitions/id"}
    item_props: dict = {
        "target": target,
        "provenance": {"$ref": "#/definitions/provenance"},
        "note": {"type": ["string", "integer"], "description": "A remark on this link."},
    }
    if r.locator:
        item_props["locator"] = {"type": ["string", "integer"], "description": "Where in the work (page, section)."}
    if r.effects:
        item_props["effect"] = {"enum": list(r.effects), "description": "The direction of the effect."}
    item = {
        "anyOf": [
            target,
            {"type": "object", "required": ["target"], "properties": item_props, "additionalProperties": False},
        ]
    }
    targets = "a key of references.bib" if r.cites_references else ("an entry of kind " + " or ".join(r.targets) if "*" not in r.targets else "any entry")
    desc = f"{r.label} ({targets}); shown as `{r.inverse}` on the target's page."
    if r.description:
        desc = r.description + " " + desc
    many: dict[str, object] = {"type": "array", "items": item}
    if required:
        many["minItems"] = 1
    return {"description": desc, "anyOf": [item, many]}


def json_schema(schema: Schema) -> dict:
    """The JSON Schema (draft-07) of a framework file for ``schema``."""
    grades = list(schema.grades)
    non_editorial = [g for g in grades if g != EDITORIAL]
    definitions: dict = {
        "id": {"type": "string", "pattern": schema.id_pattern, "description": "An entry id: lowercase kebab-case, unique across the framework."},
        "kind": {"enum": list(schema.kinds), "description": "The kind of entry: " + ", ".join(f"{k.name} ({k.label})" for k in schema.kinds.values()) + "."},
        "provenance": {
            "type": "object",
            "description": "Where a statement comes from and how sure we are.",
            "required": ["source", "grade"],
            "properties": {
                "source": {"type": "string", "description": f"A key of references.bib, or `{EDITORIAL}` for our own work."},
                "grade": {
                    "enum": grades,
                    "description": "; ".join(f"{g.name} ({g.badge}): {g.label}" for g in schema.grades.values()),
                },
                "locator": {"type": ["string", "integer"], "description": "Where in the source (page, section)."},
                "note": {"type": ["string", "integer"], "description": "Why this grade."},
                "sources": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The records (keys of references.bib) the grade rests on: "
                    + "; ".join(f"{g.name} needs {g.min_sources}" for g in schema.grades.values() if g.min_sources),
                },
            },
            "additionalProperties": False,
            "if": {"properties": {"source": {"const": EDITORIAL}}, "required": ["source"]},
            "then": {"properties": {"grade": {"const": EDITORIAL}}},
            "else": {"properties": {"grade": {"enum": non_editorial}}},
        },
    }
    rules = []
    for kind in schema.kinds.values():
        fields = schema.fields_of(kind.name)
        props: dict = {}
        for name, spec in fields.items():
            if name == "id":
                props[name] = {"$ref": "#/definitions/id"}
            elif name == "kind":
                props[name] = {"const": kind.name}
            else:
                props[name] = field_schema(spec)
        for name, r in schema.relations.items():
            if r.allows_source(kind.name):
                props[name] = _relation_schema(schema, name, name in kind.required_relations)
        required = [n for n, s in fields.items() if s.required] + [r for r in kind.required_relations if r not in fields]
        key = f"kind-{kind.name}"
        definitions[key] = {
            "title": kind.label,
            "description": kind.description,
            "type": "object",
            "required": required,
            "properties": props,
            "additionalProperties": False,
        }
        rules.append({"if": {"properties": {"kind": {"const": kind.name}}, "required": ["kind"]}, "then": {"$ref": f"#/definitions/{key}"}})
    common = {}
    for name, spec in schema.common_fields.items():
        common[name] = {"$ref": "#/definitions/id"} if name == "id" else {"$ref": "#/definitions/kind"} if name == "kind" else field_schema(spec)
    definitions["entry"] = {
        "type": "object",
        "description": "One entry. Its kind decides which other fields and relations it may have.",
        "required": [n for n, s in schema.common_fields.items() if s.required],
        "properties": common,
        "allOf": rules,
    }
    return {
        "$schema": DRAFT,
        "$comment": "Generated from framework/schema.yaml by `socioaffective schema --write`; do not edit by hand.",
        "title": "socioaffective framework file",
        "description": "A file of framework entries: one key, `entries`, holding a list. Check it fully with `socioaffective validate`.",
        "type": "object",
        "required": ["entries"],
        "properties": {"entries": {"type": "array", "items": {"$ref": "#/definitions/entry"}}},
        "additionalProperties": False,
        "definitions": definitions,
    }


def json_schema_text(schema: Schema) -> str:
    """The JSON Schema as the text checked in (2-space indent, newline at the end)."""
    return json.dumps(json_schema(schema), indent=2, ensure_ascii=False) + "\n"


__all__ = ["JSON_SCHEMA_PATH", "field_schema", "json_schema", "json_schema_text"]
