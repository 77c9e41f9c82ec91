"""The read commands of the CLI: validate, list, show, search, related, path, codes.

Through click's runner (fast, in-process) and through a real subprocess (the
installed `socioaffective` script): exit status 0 clean, 1 problems or not
found, 2 usage error; `--json` parses; unknown ids get a did-you-mean; no
Python traceback ever reaches the user.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import socioaffective
from socioaffective.cli import cli
from socioaffective.codes import CODES

INVALID = Path(__file__).resolve().parent / "fixtures" / "invalid"


@pytest.fixture
def run(tiny_root, tmp_path, monkeypatch):
    """Invoke the CLI in-process on the tiny framework (or ``--root`` given)."""
    monkeypatch.delenv("SOCIOAFFECTIVE_ROOT", raising=False)
    monkeypatch.setenv("SOCIOAFFECTIVE_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()

    def invoke(*args, root=tiny_root):
        argv = (["--root", str(root)] if root is not None else []) + [str(a) for a in args]
        result = runner.invoke(cli, argv, catch_exceptions=False)
        assert "Traceback" not in result.output
        return result

    return invoke


def _json(result):
    return json.loads(result.stdout)


# -- validate -------------------------------------------------------------------


def test_validate_clean(run):
    result = run("validate")
    assert result.exit_code == 0
    assert "10 entries, 2 references: 0 error(s), 0 warning(s)" in result.output
    data = _json(run("validate", "--json"))
    assert data["ok"] is True and data["problems"] == [] and data["entries"] == 10


def test_validate_problems_exit_1_and_name_file_line_fix(run):
    root = INVALID / "many-problems-one-run"
    result = run("validate", root, root=None)
    assert result.exit_code == 1
    assert "framework/case.yaml:11: error unknown-kind [Reliance]: the kind `concpet`" in result.output
    assert "    hint: did you mean `concept`?" in result.output
    assert "6 error(s), 0 warning(s)" in result.output
    data = _json(run("validate", root, "--json", root=None))
    assert data["ok"] is False and data["errors"] == 6
    assert [p["line"] for p in data["problems"] if p["file"] == "framework/case.yaml"] == [8, 9, 10, 11, 15]


def test_validate_root_option_and_argument_agree(run):
    root = INVALID / "unknown-kind"
    a = _json(run("validate", "--json", root=root))
    b = _json(run("validate", root, "--json", root=None))
    assert a["problems"] == b["problems"] and len(a["problems"]) == 1


def test_validate_warnings_pass_unless_strict(run):
    root = INVALID / "duplicate-relation"
    assert run("validate", root, root=None).exit_code == 0
    assert run("validate", root, "--strict", root=None).exit_code == 1
    data = _json(run("validate", root, "--json", root=None))
    assert data["ok"] is True and data["warnings"] == 1


def test_validate_usage_errors_exit_2(run, tmp_path):
    assert run("validate", tmp_path / "nowhere", root=None).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("validate", empty, root=None)
    assert result.exit_code == 2 and "has no framework/ folder" in result.output
    assert run("validate", "--bogus").exit_code == 2


def test_validate_broken_schema_exits_1(run):
    result = run("validate", INVALID / "schema-missing", root=None)
    assert result.exit_code == 1 and "schema-missing" in result.output


# -- list -------------------------------------------------------------------------


def test_list(run, tiny_kb):
    result = run("list")
    assert result.exit_code == 0
    assert "Psychological needs" in result.output and "competence" in result.output
    assert [e["id"] for e in _json(run("list", "--json"))] == [e.id for e in tiny_kb.entries()]
    needs = _json(run("list", "--kind", "need", "--json"))
    assert [e["id"] for e in needs] == ["competence"] and needs[0]["grade"] == "literature"
    refs = _json(run("list", "-k", "reference", "--json"))
    assert {e["id"] for e in refs} == {"ryan2000self", "kirk2025why"}


def test_list_unknown_kind_exits_1_with_a_suggestion(run):
    result = run("list", "--kind", "nede")
    assert result.exit_code == 1
    assert "no kind `nede`; did you mean `need`?" in result.output


def test_list_on_a_framework_with_errors_warns_but_works(run):
    result = run("list", "--json", root=INVALID / "unknown-kind")
    assert result.exit_code == 0
    assert "warning: the framework has 1 error(s)" in result.stderr
    assert "competence" in {e["id"] for e in json.loads(result.stdout)}


def test_read_commands_refuse_a_root_without_framework(run, tmp_path):
    for args in (["list"], ["show", "x"], ["search", "x"], ["related", "x"], ["path", "x", "y"]):
        result = run(*args, root=tmp_path)
        assert result.exit_code == 2, args
        assert "has no framework/ folder" in result.output


def test_read_commands_with_an_unusable_schema_exit_1(run):
    result = run("list", root=INVALID / "schema-kind-declared-twice")
    assert result.exit_code == 1 and "schema.yaml is unusable" in result.output


# -- show -------------------------------------------------------------------------


def test_show(run):
    result = run("show", "competence")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Competence  [Psychological need: competence]")
    assert "Frustrated by:" in out and "Flattery (flattery)" in out  # a backlink, under the inverse label
    assert "Source: framework/tiny.yaml:" in out
    data = _json(run("show", "competence", "--json"))
    assert data["id"] == "competence" and data["provenance"]["locator"] == "p. 68"
    assert {(r["relation"], r["source"]) for r in data["incoming"]} >= {("frustrates", "flattery"), ("engages", "future-self")}


def test_show_a_bib_reference(run):
    data = _json(run("show", "ryan2000self", "--json"))
    assert data["kind"] == "reference" and data["doi"] == "10.1037/0003-066X.55.1.68"


def test_show_unknown_id_exits_1_with_did_you_mean(run):
    result = run("show", "competense")
    assert result.exit_code == 1
    assert "no entry with id `competense`; did you mean `competence`?" in result.output
    result = run("show", "Flattery")  # a title, not an id: found through the titles
    assert result.exit_code == 1 and "`flattery`" in result.output


def test_show_without_id_is_a_usage_error(run):
    result = run("show")
    assert result.exit_code == 2 and "Missing argument" in result.output


# -- search -------------------------------------------------------------------------


def test_search(run):
    found = _json(run("search", "flattery", "--json"))
    assert found[0]["id"] == "flattery"
    assert [e["id"] for e in _json(run("search", "self", "--kind", "question", "--json"))] == ["which-self"]
    assert run("search", "flattery").exit_code == 0


def test_search_without_results_exits_1(run):
    result = run("search", "zzzqqq")
    assert result.exit_code == 1 and "no entry matches `zzzqqq`" in result.output


def test_search_bad_limit_is_a_usage_error(run):
    assert run("search", "x", "--limit", "0").exit_code == 2


# -- related -------------------------------------------------------------------------


def test_related(run):
    out = run("related", "competence", "--direction", "in").output
    assert "frustrated by" in out and "flattery" in out and "engaged by" in out
    rows = _json(run("related", "competence", "-r", "frustrates", "-d", "in", "--json"))
    assert [(r["id"], r["label"], r["direction"]) for r in rows] == [("flattery", "frustrated by", "in")]
    rows = _json(run("related", "future-self", "--json"))
    assert {"competence", "which-self", "kirk2025why"} <= {r["id"] for r in rows}


def test_related_symmetric_reads_both_ways(run):
    rows = _json(run("related", "ecosystem", "-r", "contrasts_with", "--json"))
    assert [r["id"] for r in rows] == ["alignment"]


def test_related_errors(run):
    result = run("related", "competense")
    assert result.exit_code == 1 and "did you mean `competence`?" in result.output
    result = run("related", "competence", "-r", "frustrate")
    assert result.exit_code == 1 and "no relation `frustrate`; did you mean `frustrates`?" in result.output
    result = run("related", "competence", "-r", "frustrated by")  # the inverse label
    assert result.exit_code == 1 and "did you mean `frustrates`?" in result.output
    result = run("related", "competence", "-d", "sideways")
    assert result.exit_code == 2


# -- path ---------------------------------------------------------------------------------


def test_path(run):
    data = _json(run("path", "flattery", "which-self", "--json"))
    assert data["path"][0] == "flattery" and data["path"][-1] == "which-self"
    assert len(data["steps"]) == len(data["path"]) - 1
    out = run("path", "competence", "ryan2000self").output
    assert out.splitlines() == ["competence", "  --cites--> ryan2000self"]


def test_path_errors(run):
    result = run("path", "competence", "flattery", "-r", "engages")
    assert result.exit_code == 1 and "no path between `competence` and `flattery`" in result.output
    result = run("path", "competense", "flattery")
    assert result.exit_code == 1 and "did you mean `competence`?" in result.output
    assert run("path", "competence").exit_code == 2


# -- codes ---------------------------------------------------------------------------------


def test_codes(run):
    data = _json(run("codes", "--json"))
    assert list(data) == list(CODES)
    assert all(set(v) == {"severity", "meaning", "fix"} for v in data.values())
    out = run("codes").output
    for name in CODES:
        assert f"{name} ({CODES[name].severity})" in out


# -- usage and help ------------------------------------------------------------------------


def test_usage_errors_exit_2(run):
    assert run("no-such-command").exit_code == 2
    assert run("list", "--no-such-option").exit_code == 2
    result = CliRunner().invoke(cli, [])
    assert result.exit_code in (0, 2) and "Usage:" in result.output


@pytest.mark.parametrize("command", cli.list_commands(None))  # every command, loaded lazily
def test_every_command_has_help(run, command):
    result = run(command, "--help", root=None)
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: cli {command}") or result.output.startswith(f"Usage: socioaffective {command}")
    body = result.output.split("\n", 2)[-1].strip()
    assert len(body) > 20, result.output
    assert run(command, "-h", root=None).output == result.output


def test_version(run):
    result = run("--version", root=None)
    assert result.exit_code == 0 and socioaffective.__version__ in result.output


# -- a real subprocess -----------------------------------------------------------------------


def _command() -> list[str]:
    script = Path(sys.executable).with_name("socioaffective")
    return [str(script)] if script.exists() else [sys.executable, "-m", "socioaffective"]


@pytest.fixture
def sh(tiny_root, tmp_path):
    env = {**os.environ, "SOCIOAFFECTIVE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("SOCIOAFFECTIVE_ROOT", None)

    def go(*args, cwd=tmp_path, extra_env=None, cmd=None):
        proc = subprocess.run(
            (cmd or _command()) + [str(a) for a in args],
            cwd=cwd,
            env={**env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        return proc

    return go


def test_subprocess_exit_codes(sh, tiny_root):
    assert sh("validate", tiny_root).returncode == 0
    bad = sh("validate", INVALID / "dangling-target")
    assert bad.returncode == 1
    assert "framework/base.yaml:24: error dangling-target [future-self]" in bad.stdout
    assert "hint: did you mean `competence`?" in bad.stdout
    usage = sh("validate", tiny_root / "nowhere")
    assert usage.returncode == 2 and "Usage:" in usage.stderr
    assert sh("bogus").returncode == 2


def test_subprocess_json_parses(sh, tiny_root):
    for args in (
        ["validate", tiny_root, "--json"],
        ["--root", tiny_root, "list", "--json"],
        ["--root", tiny_root, "show", "flattery", "--json"],
        ["--root", tiny_root, "search", "competence", "--json"],
        ["--root", tiny_root, "related", "competence", "-d", "both", "--json"],
        ["--root", tiny_root, "path", "flattery", "alignment", "--json"],
        ["codes", "--json"],
    ):
        proc = sh(*args)
        assert proc.returncode == 0, (args, proc.stderr)
        json.loads(proc.stdout)


def test_subprocess_unknown_id(sh, tiny_root):
    proc = sh("--root", tiny_root, "show", "competense")
    assert proc.returncode == 1
    assert "no entry with id `competense`; did you mean `competence`?" in proc.stderr
    assert proc.stdout == ""


def test_subprocess_finds_the_framework_in_the_current_folder_and_the_environment(sh, tiny_root, tmp_path):
    here = tmp_path / "fw"
    shutil.copytree(tiny_root, here)
    proc = sh("list", "--json", cwd=here)
    assert len(json.loads(proc.stdout)) == 10
    proc = sh("list", "--json", extra_env={"SOCIOAFFECTIVE_ROOT": str(INVALID / "unknown-kind")})
    assert {e["id"] for e in json.loads(proc.stdout)} == {"competence", "autonomy", "future-self", "growth"}
    assert "warning: the framework has 1 error(s)" in proc.stderr


def test_subprocess_python_dash_m_and_help(sh):
    proc = sh("--help", cmd=[sys.executable, "-m", "socioaffective"])
    assert proc.returncode == 0 and "Commands:" in proc.stdout
    for command in ("validate", "list", "show", "search", "related", "path", "codes"):
        proc = sh(command, "--help")
        assert proc.returncode == 0 and proc.stdout.startswith(f"Usage: socioaffective {command}")


def test_subprocess_output_has_no_colour_codes_when_piped(sh):
    proc = sh("validate", INVALID / "unknown-kind")
    assert "\x1b[" not in proc.stdout + proc.stderr


# -- terminal output is escaped (issue 10) ----------------------------------------


def _cli(*args, cwd=None):
    script = Path(sys.executable).with_name("socioaffective")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "socioaffective"]
    env = {**os.environ, "NO_COLOR": "1", "SOCIOAFFECTIVE_CACHE": "0"}
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120, env=env, cwd=cwd)


def test_a_file_name_with_line_breaks_cannot_forge_the_summary(tiny_copy):
    forged = "x\n10 entries, 2 references: 0 error(s), 0 warning(s)\n\x1b[2K\rz.yaml"
    (tiny_copy / "framework" / forged).write_text("entries: [oops\n", encoding="utf-8")
    proc = _cli("validate", str(tiny_copy))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert [line for line in lines if line.endswith("warning(s)") and " entries, " in line and not line.startswith("framework/")] == [lines[-1]], proc.stdout
    assert lines[-1].endswith("1 error(s), 0 warning(s)")
    assert "\x1b" not in proc.stdout and "\r" not in proc.stdout
    assert any(line.startswith("framework/x\\n10 entries") and "yaml-syntax" in line for line in lines), proc.stdout


def test_escape_sequences_and_bidi_in_titles_are_shown_escaped(tiny_copy):
    path = tiny_copy / "framework" / "tiny.yaml"
    text = path.read_text(encoding="utf-8")
    first_title = next(line for line in text.splitlines() if line.strip().startswith("title:"))
    evil = first_title.split("title:")[0] + 'title: "Evil\\e]0;pwned\\a\\e[2J\\u202eflipped\\rover"'
    path.write_text(text.replace(first_title, evil, 1), encoding="utf-8")
    kb = socioaffective.load(tiny_copy, strict=False)
    eid = next(e.id for e in kb.entries() if e.title.startswith("Evil"))
    for args in (["list"], ["show", eid], ["search", "evil"], ["validate", str(tiny_copy)]):
        proc = _cli("--root", str(tiny_copy), *args)
        out = proc.stdout + proc.stderr
        assert not any(ch in out for ch in "\x1b\x07\r\u202e"), (args, out)
        if args[0] != "validate":
            assert "Evil\\x1b]0;pwned\\x07\\x1b[2J\\u202eflipped\\rover" in out, (args, out)
    report = socioaffective.validate(tiny_copy)
    assert {"invisible-character", "wrong-type"} <= set(report.codes())
