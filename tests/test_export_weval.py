"""``weval`` export: the blueprint round-trips through YAML and follows weval's blueprint format as documented.

Where the format comes from: weval's own documentation, ``docs/BLUEPRINT_FORMAT.md`` in the
public repository ``weval-org/app`` (the version last changed in commit
ebe4ba16081205a63cc519451b030eee3fab89ae, 4 Nov 2025), sections "Blueprint Structures"
(structure 1: a configuration header document, then a document holding the list of prompts),
"Configuration Header Fields", "Prompt Fields", "Message Formats" and "The `should` and
`should_not` Rubrics". The constants below restate those tables; weval's parser
(src/lib/blueprint-parser.ts) tells a header from a prompt by the absence of the keys
`prompt`, `messages`, `should`, `ideal`, `points` and `expect`, and ignores prompt keys it
does not know (our `metadata`).
"""

from __future__ import annotations

import shutil

import yaml

import socioaffective
from socioaffective.export import FORMATS, export

# "Configuration Header Fields" (the `id` field is documented as deprecated and ignored).
HEADER_FIELDS = {
    "title",
    "description",
    "author",
    "reference",
    "references",
    "citation",
    "citations",
    "tags",
    "models",
    "system",
    "temperature",
    "temperatures",
    "evaluationConfig",
    "point_defs",
    "tools",
    "toolUse",
    "context",
    "render_as",
    "noCache",
}
# "Prompt Fields" (plus `description`, used in the documented examples).
PROMPT_FIELDS = {
    "id",
    "prompt",
    "messages",
    "ideal",
    "system",
    "citation",
    "reference",
    "should",
    "should_not",
    "weight",
    "requiredTools",
    "prohibitedTools",
    "maxCalls",
    "render_as",
    "noCache",
    "description",
}
# keys that make weval's parser read a document as a prompt rather than a header
PROMPT_MARKERS = {"prompt", "messages", "should", "ideal", "points", "expect"}
ROLES = {"user", "assistant", "system"}  # "Message Formats", formal syntax: role + content


def load(text: str) -> tuple[dict, list[dict]]:
    docs = list(yaml.safe_load_all(text))
    assert len(docs) == 2, "structure 1: a header document and a prompts document"
    return docs[0], docs[1]


def check_blueprint(header: dict, prompts: list) -> None:
    """Everything the documentation asks of a blueprint of structure 1."""
    assert isinstance(header, dict) and not (set(header) & PROMPT_MARKERS)
    assert set(header) <= HEADER_FIELDS, set(header) - HEADER_FIELDS
    assert "id" not in header  # deprecated: the id comes from the file path
    assert isinstance(header["title"], str) and isinstance(header["description"], str)
    assert isinstance(header["tags"], list) and all(isinstance(t, str) for t in header["tags"])
    refs = header["references"]
    assert isinstance(refs, list) and all(isinstance(r, dict) and isinstance(r["title"], str) for r in refs)
    assert isinstance(prompts, list)
    ids = [p["id"] for p in prompts]
    assert len(set(ids)) == len(ids)
    for p in prompts:
        assert set(p) - {"metadata"} <= PROMPT_FIELDS, set(p) - PROMPT_FIELDS
        assert ("prompt" in p) != ("messages" in p), "exactly one of prompt and messages"
        if "prompt" in p:
            assert isinstance(p["prompt"], str) and p["prompt"].strip()
        else:
            msgs = p["messages"]
            assert len(msgs) >= 2
            for m in msgs:
                assert set(m) == {"role", "content"} and m["role"] in ROLES and isinstance(m["content"], str) and m["content"]
            assert msgs[-1]["role"] == "user"  # the model under test writes the next turn
        for block in ("should", "should_not"):
            points = p.get(block, [])
            assert isinstance(points, list) and all(isinstance(x, str) and x.strip() for x in points)
            assert not any(isinstance(x, list) for x in points)  # no accidental OR paths
        assert isinstance(p["ideal"], str)
        assert isinstance(p.get("system", ""), str)


def test_real_blueprint_follows_the_documented_format(real_kb):
    header, prompts = load(export(real_kb, "weval"))
    check_blueprint(header, prompts)
    assert header["references"][0]["url"] == "https://doi.org/10.1057/s41599-025-04532-5"
    assert "editorial" in header["description"]
    assert len(prompts) == len(real_kb.entries(kind="scenario"))


def test_every_prompt_carries_the_scenario_and_its_links(real_kb):
    _, prompts = load(export(real_kb, "weval"))
    for p in prompts:
        e = real_kb.get(p["id"])
        assert e.kind == "scenario"
        md = p["metadata"]
        assert md["scenario"] == e.id and md["provenance_grade"] == "editorial"
        probed = {t.id: t.kind for t in real_kb.related(e.id, "probes")}
        assert set(md["dilemmas"]) | set(md["risks"]) == set(probed)
        assert all(probed[d] == "dilemma" for d in md["dilemmas"]) and all(probed[r] == "risk" for r in md["risks"])
        assert md["needs"] == [t.id for t in real_kb.related(e.id, "at_stake")]
        assert md["principles"] == [t.id for t in real_kb.related(e.id, "applies")]
        assert p["should"] == e.fields["should"] and p["should_not"] == e.fields["should_not"] and p["ideal"] == e.fields["ideal"]
        turns = e.fields["turns"]
        if len(turns) == 1:
            assert p["prompt"] == turns[0]
        else:
            assert [m["content"] for m in p["messages"]] == turns
            assert [m["role"] for m in p["messages"]] == ["user", "assistant"] * (len(turns) // 2) + ["user"]
        assert p.get("system") == e.fields.get("system")
        for i in md["dilemmas"] + md["risks"]:
            assert i in p["description"]


def test_blueprint_without_scenarios_is_still_valid(tiny_kb):
    header, prompts = load(export(tiny_kb, "weval"))
    check_blueprint(header, prompts)
    assert prompts == []


def test_hostile_text_survives_the_round_trip(tmp_path, project_root):
    root = tmp_path / "kb"
    shutil.copytree(project_root / "framework", root / "framework")
    shutil.copy(project_root / "references.bib", root / "references.bib")
    nasty = "---\n# not a comment: {a: [b]} & *alias !tag '\"\n...\n- item"
    socioaffective.add_entry(
        root,
        "scenario",
        "hostile-text",
        "Hostile text",
        summary="A scenario whose text looks like YAML.",
        description="For the test.",
        fields={"system": nasty, "turns": [nasty, "ok", nasty], "ideal": nasty, "should": [nasty], "should_not": ["- b"]},
        relations={"probes": ["sycophancy"], "at_stake": ["autonomy"]},
    )
    kb = socioaffective.load(root, cache=False)
    header, prompts = load(export(kb, "weval"))
    check_blueprint(header, prompts)
    (p,) = [p for p in prompts if p["id"] == "hostile-text"]
    assert p["system"] == nasty and p["messages"][0]["content"] == nasty and p["ideal"] == nasty and p["should"] == [nasty]


def test_cli_writes_the_blueprint(tmp_path, project_root):
    from click.testing import CliRunner

    from socioaffective.cli import cli

    out = tmp_path / FORMATS["weval"].filename
    result = CliRunner().invoke(cli, ["--root", str(project_root), "export", "-f", "weval", "-o", str(out)])
    assert result.exit_code == 0, result.output
    header, prompts = load(out.read_text(encoding="utf-8"))
    check_blueprint(header, prompts)
    assert out.name == "socioaffective-weval.yml"
