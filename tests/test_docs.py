"""Docs that cannot drift from the code."""

from __future__ import annotations

import re

import socioaffective
from socioaffective.codes import CODES, codes_table_markdown


def _block(text: str, name: str) -> str:
    m = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert m, f"README has no {name} block"
    return m.group(1).strip()


def test_readme_troubleshooting_table_matches_the_codes(project_root):
    readme = (project_root / "README.md").read_text()
    assert _block(readme, "codes") == codes_table_markdown(), "README's codes table is stale: replace the block with `socioaffective codes --markdown`"


def test_readme_quick_start_is_two_make_commands(project_root):
    readme = (project_root / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make (\w+)", quick, re.M)
    assert commands == ["book", "test"]


def test_ci_runs_make_test(project_root):
    assert "make test" in (project_root / ".ci" / "run").read_text()


def test_every_cli_command_is_in_the_readme_or_book(project_root):
    from socioaffective.cli import cli

    readme = (project_root / "README.md").read_text()
    missing = [name for name in cli.list_commands(None) if f"socioaffective {name}" not in readme]
    assert not missing, f"commands not shown in README: {missing}"


def test_all_is_sorted_and_importable():
    names = [n for n in socioaffective.__all__]
    assert names == sorted(names)
    for n in names:
        assert hasattr(socioaffective, n), n


def test_every_code_has_meaning_and_fix():
    for name, c in CODES.items():
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", name)
        assert c.severity in ("error", "warning")
        assert c.meaning.endswith(".") and c.fix.endswith((".", ")")), name
