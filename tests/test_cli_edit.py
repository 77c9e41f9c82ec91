"""The extending and sharing commands: add, new (through a real terminal), schema, export."""

from __future__ import annotations

import io
import json
import os
import pty
import select
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner

import socioaffective
from socioaffective.cli import cli


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIOAFFECTIVE_ROOT", raising=False)
    monkeypatch.setenv("SOCIOAFFECTIVE_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()

    def invoke(root, *args, input=None):
        result = runner.invoke(cli, ["--root", str(root), *[str(a) for a in args]], input=input, catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    return invoke


ADD = ["add", "need", "--id", "safety", "--title", "Safety", "--summary", "Feeling safe.", "--description", "The need to feel secure."]


def test_add_writes_and_says_what_next(run, tiny_copy):
    r = run(tiny_copy, *ADD, "--relation", "related_to=competence", "--cite", "ryan2000self:p. 70", "--source", "ryan2000self", "--grade", "literature")
    assert r.exit_code == 0, r.output
    assert "added `safety` (need): created framework/needs.yaml" in r.output and "make book" in r.output
    kb = socioaffective.load(tiny_copy)
    e = kb.get("safety")
    assert (e.provenance.source, e.provenance.grade) == ("ryan2000self", "literature")
    assert [(x.target, x.locator) for x in e.relations if x.name == "cites"] == [("ryan2000self", "p. 70")]
    assert "safety" in [x.id for x in kb.related("competence", direction="in")]


def test_add_fields_are_typed_and_lists_repeat(run, tiny_copy):
    r = run(
        tiny_copy,
        "add",
        "dilemma",
        "--id",
        "honesty-vs-comfort",
        "--title",
        "Honesty versus comfort",
        "--summary",
        "Truth or soothing.",
        "--description",
        "A tension.",
        "-F",
        "poles=Honesty",
        "-F",
        "poles=Comfort",
        "-F",
        "tension=Truth can hurt.",
        "-r",
        "engages=competence",
    )
    assert r.exit_code == 0, r.output
    assert socioaffective.load(tiny_copy).get("honesty-vs-comfort").fields["poles"] == ["Honesty", "Comfort"]
    r = run(tiny_copy, "add", "paper", "--id", "p2", "--title", "P", "-F", "year=soon")
    assert r.exit_code == 1 and "`year` must be a whole number, not `soon`" in r.output


def test_add_refusal_exits_1_writes_nothing_and_names_the_fix(run, tiny_copy):
    before = snapshot(tiny_copy)
    r = run(tiny_copy, *ADD, "--relation", "related_to=competense", "--cite", "ryan2000selff")
    assert r.exit_code == 1
    assert "nothing was written" in r.output
    assert "did you mean `competence`?" in r.output and "did you mean `ryan2000self`?" in r.output
    assert snapshot(tiny_copy) == before
    r = run(tiny_copy, "add", "need", "--id", "safety", "--title", "Safety")
    assert r.exit_code == 1 and "--summary" in r.output and "socioaffective new" in r.output
    r = run(tiny_copy, "add", "nede", "--id", "safety", "--title", "Safety")
    assert r.exit_code == 1 and "did you mean `need`?" in r.output
    assert snapshot(tiny_copy) == before


def test_add_usage_errors_exit_2(run, tiny_copy):
    assert run(tiny_copy, *ADD, "--source", "ryan2000self").exit_code == 2
    assert run(tiny_copy, *ADD, "--relation", "nothing").exit_code == 2
    assert run(tiny_copy, "add", "need", "--title", "x").exit_code == 2  # --id missing


def test_add_dry_run_and_json(run, tiny_copy):
    before = snapshot(tiny_copy)
    r = run(tiny_copy, *ADD, "--dry-run")
    assert r.exit_code == 0 and "  - id: safety\n" in r.output and "dry run" in r.output
    r = run(tiny_copy, *ADD, "--dry-run", "--json")
    data = json.loads(r.output)
    assert (data["id"], data["written"], data["file"]) == ("safety", False, "framework/needs.yaml")
    assert snapshot(tiny_copy) == before


def test_new_refuses_without_a_terminal(run, tiny_copy):
    r = run(tiny_copy, "new", input="need\n")
    assert r.exit_code == 2 and "needs a terminal" in r.output and "socioaffective add" in r.output


def _converse(argv, steps, timeout=60.0):
    """Run ``argv`` on a real pseudo-terminal, answering each expected prompt."""
    master, slave = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    transcript = b""
    try:
        for expect, answer in steps:
            deadline = time.monotonic() + timeout
            while expect.encode() not in transcript:
                if time.monotonic() > deadline:
                    raise AssertionError(f"never saw {expect!r}; transcript:\n{transcript.decode(errors='replace')}")
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:
                        chunk = b""
                    if not chunk:
                        raise AssertionError(f"the program ended before {expect!r}:\n{transcript.decode(errors='replace')}")
                    transcript += chunk
            transcript = transcript.replace(expect.encode(), b"<" + expect.encode() + b">", 1)
            os.write(master, answer.encode() + b"\n")
        while True:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                transcript += chunk
            elif proc.poll() is not None:
                break
        proc.wait(timeout)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, transcript.decode(errors="replace")


def test_new_asks_for_what_the_schema_requires_on_a_real_terminal(tiny_copy, tmp_path):
    argv = [sys.executable, "-m", "socioaffective", "--root", str(tiny_copy), "new"]
    steps = [
        ("kind:", "dilema"),  # a typo is refused by the prompt and asked again
        ("kind:", "dilemma"),
        ("title (", "Honesty versus comfort"),
        ("id [honesty-versus-comfort]", "Honesty"),  # not kebab-case: asked again
        ("id [honesty-versus-comfort]", ""),
        ("summary: ", "Truth or soothing."),
        ("description: ", "A tension between honest feedback and comfort."),
        ("source (a references.bib key, or editorial)", "kirk2025whyy"),  # unknown key: asked again
        ("source (a references.bib key, or editorial)", "kirk2025why"),
        ("grade: ", "inferred"),
        ("aliases item 1", ""),
        ("examples item 1", ""),
        ("poles item 1", "Honesty"),
        ("poles item 2", "Comfort"),
        ("tension: ", "Truth can hurt now."),
        ("engages (ids, separated by commas)", "competense"),  # did-you-mean, asked again
        ("engages (ids, separated by commas)", "competence"),
        ("a link as RELATION=ID", "raises=which-self"),
        ("a link as RELATION=ID", ""),
        ("works cited", "kirk2025why:abstract"),
        ("add this entry?", "y"),
    ]
    code, transcript = _converse(argv, steps)
    assert code == 0, transcript
    assert "did you mean `competence`?" in transcript and "did you mean `kirk2025why`?" in transcript
    assert "added `honesty-versus-comfort` (dilemma)" in transcript
    e = socioaffective.load(tiny_copy).get("honesty-versus-comfort")
    assert e.fields == {"poles": ["Honesty", "Comfort"], "tension": "Truth can hurt now."}
    assert (e.provenance.source, e.provenance.grade) == ("kirk2025why", "inferred")
    assert {(r.name, r.target, r.locator) for r in e.relations} == {
        ("engages", "competence", ""),
        ("raises", "which-self", ""),
        ("cites", "kirk2025why", "abstract"),
    }


def test_schema_check_write_and_staleness(run, tiny_copy, project_root):
    assert run(project_root, "schema", "--check").exit_code == 0
    r = run(tiny_copy, "schema", "--check")
    assert r.exit_code == 1 and "missing" in r.output
    assert run(tiny_copy, "schema", "--write").exit_code == 0
    assert run(tiny_copy, "schema", "--check").exit_code == 0
    schema_yaml = tiny_copy / "framework" / "schema.yaml"
    schema_yaml.write_text(
        schema_yaml.read_text().replace("      glossary: { type: boolean", "      origin: { type: string }\n      glossary: { type: boolean")
    )
    r = run(tiny_copy, "schema", "--check")
    assert r.exit_code == 1 and "out of date" in r.output and "--write" in r.output
    printed = json.loads(run(tiny_copy, "schema").output)
    assert "origin" in printed["definitions"]["kind-concept"]["properties"]


def test_export_every_format_to_a_file(run, tiny_copy, tmp_path, tiny_kb):
    for fmt, name in [
        ("json", "x.json"),
        ("csv", "x.zip"),
        ("graphml", "x.graphml"),
        ("jsonld", "x.jsonld"),
        ("turtle", "x.ttl"),
        ("weval", "x.yml"),
        ("inspect", "task.zip"),
    ]:
        out = tmp_path / name
        r = run(tiny_copy, "export", "-f", fmt, "-o", out)
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 0
    assert len(nx.read_graphml(tmp_path / "x.graphml")) == len(tiny_kb) + len(tiny_kb.references)
    assert zipfile.ZipFile(tmp_path / "x.zip").namelist() == ["entries.csv", "relations.csv"]
    assert zipfile.ZipFile(tmp_path / "task.zip").namelist() == ["scenarios.jsonl", "socioaffective_task.py"]
    assert len(rdflib.Graph().parse(tmp_path / "x.ttl", format="turtle")) == len(rdflib.Graph().parse(tmp_path / "x.jsonld", format="json-ld"))


def test_export_csv_to_a_folder_and_to_stdout(run, tiny_copy, tmp_path):
    r = run(tiny_copy, "export", "-f", "csv", "-o", tmp_path / "tables")
    assert r.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["entries.csv", "relations.csv"]
    r = run(tiny_copy, "export", "-f", "csv")
    assert zipfile.ZipFile(io.BytesIO(r.stdout_bytes)).namelist() == ["entries.csv", "relations.csv"]
    r = run(tiny_copy, "export", "-f", "turtle", "--base", "https://example.org/x/")
    assert "<https://example.org/x/vocab/>" in r.output
    assert run(tiny_copy, "export", "-f", "json", "--base", "https://example.org/").exit_code == 2
    assert run(tiny_copy, "export", "-f", "turtle", "--base", "no iri").exit_code == 2
    assert run(tiny_copy, "export", "-f", "xml").exit_code == 2


@pytest.mark.parametrize("command", ["add", "new", "schema", "export"])
def test_every_command_has_help_with_an_example(run, tiny_root, command):
    r = run(tiny_root, command, "--help")
    assert r.exit_code == 0 and "Example" in r.output and f"socioaffective {command}" in r.output


def test_the_installed_script_reports_a_refusal_without_a_traceback(tiny_copy):
    exe = Path(sys.executable).parent / "socioaffective"
    r = subprocess.run([str(exe), "--root", str(tiny_copy), *ADD, "--relation", "engages=competence"], capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "source-kind" in r.stderr and "nothing was written" in r.stderr


def test_add_names_the_links_the_new_entry_still_needs(run, tiny_copy):
    """A `backlinks` count of schema.yaml: the add goes through and says what to link (text and JSON)."""
    schema = tiny_copy / "framework" / "schema.yaml"
    schema.write_text(schema.read_text() + "\ncardinality:\n  need:\n    backlinks:\n      frustrates: { min: 1, from: [risk] }\n")
    r = run(tiny_copy, *ADD, "--dry-run", "--json")
    assert r.exit_code == 0, r.output
    (p,) = json.loads(r.stdout)["pending"]
    assert (p["code"], p["file"], p["line"], p["entry"]) == ("missing-backlink", "framework/needs.yaml", 3, "safety")
    r = run(tiny_copy, *ADD)
    assert r.exit_code == 0, r.output
    assert "`safety` still needs links from other entries" in r.stderr
    assert "add `frustrates: [safety]` to a risk in framework/risks.yaml" in r.stderr
    r = run(tiny_copy, "add", "risk", "--id", "nagging", "--title", "Nagging", "--summary", "Pushing.", "--description", "A risk.")
    assert r.exit_code == 1 and "missing-relation" in r.stderr and "--relation RELATION=TARGET" in r.stderr


def test_new_asks_for_the_links_a_count_requires_offering_the_counted_kinds(tiny_copy):
    """`cardinality:` asks a concept for a `related_to` link to a need: `new` asks for it,
    offers only needs, and refuses a dilemma."""
    schema = tiny_copy / "framework" / "schema.yaml"
    schema.write_text(schema.read_text() + "\ncardinality:\n  concept:\n    links:\n      related_to: { min: 1, to: [need] }\n")
    argv = [sys.executable, "-m", "socioaffective", "--root", str(tiny_copy), "new", "--kind", "concept"]
    steps = [
        ("title (", "Care"),
        ("id [care]", ""),
        ("summary: ", "Attending to needs."),
        ("description: ", "Care is attention to another's needs."),
        ("source (a references.bib key, or editorial)", ""),
        ("aliases item 1", ""),
        ("examples item 1", ""),
        ("glossary [yes/no]", ""),
        ("Candidates: competence\r\n", ""),  # needs only
        ("related_to (ids, separated by commas)", "future-self"),  # a dilemma: asked again
        ("related_to (ids, separated by commas)", "competence"),
        ("a link as RELATION=ID", ""),
        ("works cited", ""),
        ("add this entry?", "y"),
    ]
    code, transcript = _converse(argv, steps)
    assert code == 0, transcript
    assert "`future-self` is not one of the allowed targets" in transcript
    assert [(r.name, r.target) for r in socioaffective.load(tiny_copy, strict=False).get("care").relations] == [("related_to", "competence")]
