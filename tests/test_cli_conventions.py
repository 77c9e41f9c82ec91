"""CLI conventions: NO_COLOR, shell completion of ids/kinds/relations, and help advice that works as written."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import networkx
import pytest
from click.testing import CliRunner

import socioaffective
from socioaffective.cli import cli
from socioaffective.export import export

ANSI = "\x1b["


@pytest.mark.parametrize("no_color, coloured", [(None, True), ("1", False), ("", True)])
def test_no_color_switches_colour_off(no_color, coloured, monkeypatch):
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    res = CliRunner().invoke(cli, ["validate"], color=True)  # as if on a colour terminal
    assert res.exit_code == 0, res.output
    assert (ANSI in res.output) is coloured
    assert "0 error(s)" in res.output


def _complete(words: str, tmp_path: Path) -> list[str]:
    """What bash completion offers after ``words`` (the last word is being typed)."""
    exe = shutil.which("socioaffective", path=str(Path(sys.executable).parent))
    assert exe, "the console script is installed beside the interpreter"
    parts = words.split(" ")
    env = {**os.environ, "_SOCIOAFFECTIVE_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    env.pop("SOCIOAFFECTIVE_ROOT", None)
    res = subprocess.run([exe], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return [line.split(",", 1)[1] for line in res.stdout.splitlines() if line.startswith("plain,")]


def test_completion_offers_ids_kinds_and_relations(tmp_path):
    kb = socioaffective.load()
    ids = _complete("socioaffective show auto", tmp_path)
    assert ids and "autonomy" in ids and all(i.startswith("auto") for i in ids)
    assert sorted(ids) == sorted(i for i in [e.id for e in kb] + list(kb.references) if i.startswith("auto"))
    assert _complete("socioaffective related x --relation fru", tmp_path) == ["frustrates"]
    assert set(_complete("socioaffective list --kind ", tmp_path)) == set(kb.schema.kinds) | {"reference"}
    assert set(_complete("socioaffective add ", tmp_path)) == set(kb.schema.kinds)
    assert _complete("socioaffective path autonomy compet", tmp_path) == [i for i in [e.id for e in kb] if i.startswith("compet")]


def test_completion_follows_root(tmp_path, tiny_root):
    tiny = socioaffective.load(tiny_root)
    got = _complete(f"socioaffective --root {tiny_root} show ", tmp_path)
    assert sorted(got) == sorted([e.id for e in tiny] + list(tiny.references))


def test_completion_is_documented():
    res = CliRunner().invoke(cli, ["--help"])
    assert "_SOCIOAFFECTIVE_COMPLETE=bash_source socioaffective" in " ".join(res.output.split())
    assert "NO_COLOR" in res.output


def test_export_help_advice_for_json_works_as_written(real_kb, tmp_path, monkeypatch):
    text = " ".join(CliRunner().invoke(cli, ["export", "--help"]).output.split())
    (call,) = re.findall(r"networkx\.node_link_graph\(json\.load\(open\(\"socioaffective\.json\"[^()]*\)\)[^()]*\)", text)
    (tmp_path / "socioaffective.json").write_text(export(real_kb, "json"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    g = eval(call, {"networkx": networkx, "json": json})  # the advice, exactly as printed
    assert g.number_of_nodes() == real_kb.graph.number_of_nodes()
    assert g.number_of_edges() == real_kb.graph.number_of_edges()
    assert set(g.edges(keys=True)) == set(real_kb.graph.edges(keys=True))
