"""references.bib through bibtexparser 2.x."""

from __future__ import annotations

from socioaffective.bib import citation_text, format_authors, latex_to_text, load_bib


def test_tiny_bib(tiny_root):
    refs, problems = load_bib(tiny_root / "references.bib")
    assert problems == []
    r = refs["kirk2025why"]
    assert r.kind == "reference" and r.title == "Why human–AI relationships need socioaffective alignment"
    assert r.fields["doi"] == "10.1057/s41599-025-04532-5"
    assert r.line == 12
    assert r.summary.startswith("Kirk, Gabriel, Summerfield et al. (2025).")


def test_bib_problems_are_located(tmp_path):
    f = tmp_path / "references.bib"
    f.write_text(
        "@article{a2020x,\n  author = {A, B},\n  title = {T},\n  year = {2020}\n}\n"
        "@article{a2020x,\n  author = {C},\n  title = {U},\n  year = {2021}\n}\n"
        "@misc{b2020y,\n  author = {D},\n  year = {2020}\n}\n"
        "@article{c2020z,\n  author = {Broken,\n  title = {Never closed\n"
        "@book{d2021w,\n  author = {E},\n  title = {V},\n  year = {2021}\n}\n"
    )
    refs, problems = load_bib(f)
    got = sorted((p.code, p.line) for p in problems)
    assert got == [("bib-duplicate-key", 6), ("bib-missing-field", 11), ("bib-syntax", 15)]
    assert set(refs) == {"a2020x", "b2020y", "d2021w"}


def test_latex_and_authors():
    assert latex_to_text(r"F{\o}lstad, Asbj{\o}rn and Illen{\v{c}}{\'i}k") == "Følstad, Asbjørn and Illenčík"
    assert format_authors("Kirk, Hannah Rose") == "Kirk"
    assert citation_text({"author": "X, Y", "year": "2024", "title": "T", "eprint": "2401.1"}) == "X (2024). T. arXiv:2401.1."


def test_missing_bib_file_is_not_an_error_by_itself(tmp_path):
    assert load_bib(tmp_path / "references.bib") == ({}, [])


# -- one truth: validate reports everything the book's reader refuses -----------

import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "fixtures" / "invalid"
_GOOD = "@article{a2020, author={A, B}, title={T}, year={2020}}\n"
#: Snippets pybtex refuses or accepts, beyond the corpus (name: text).
SNIPPETS = {
    "case-duplicate": _GOOD + "@article{A2020, author={C}, title={U}, year={2021}}\n",
    "brace-escape-close": "@article{a2020, author={A}, title={Sets \\} and braces}, year={2020}}\n",
    "brace-escape-open": "@article{a2020, author={A}, title={Sets \\{ and braces}, year={2020}}\n",
    "quote-escape": '@article{a2020, author={A}, title="Sch\\"on", year={2020}}\n',
    "too-many-commas": "@article{a2020, author={A, B, C, D}, title={T}, year={2020}}\n",
    "duplicate-field": "@article{a2020, author={A}, title={T}, Title={U}, year={2020}}\n",
    "undefined-string": "@article{a2020, author={A}, title={T}, year={2020}, month=foo}\n",
    "key-with-space": "@article{a 2020, author={A}, title={T}, year={2020}}\n",
    # accepted by both
    "month": "@article{a2020, author={A}, title={T}, year={2020}, month=JAN}\n",
    "string": "@string{acm={ACM}}\n@article{a2020, author={A}, title={T}, year={2020}, publisher=acm # { Press}}\n",
    "accent-in-quotes": '@article{a2020, author={A}, title="Caf{\\\'e} {\\"o}", year={2020}}\n',
    "company": "@article{a2020, author={{Barnes and Noble, Inc, Ltd}}, title={T}, year={2020}}\n",
    "crossref": "@inproceedings{c2020, author={A}, title={T}, crossref={p2020}}\n@proceedings{p2020, title={P}, year={2020}, editor={E}}\n",
}


def _pybtex_refusals(text: str) -> list[str]:
    """What pybtex (the book's reader, as sphinxcontrib-bibtex calls it) refuses in ``text``."""
    pybtex_errors = pytest.importorskip("pybtex.errors")
    from pybtex.database.input.bibtex import Parser

    with pybtex_errors.capture() as errors:
        data = Parser("utf-8").parse_string(text)
        for entry in data.entries.values():
            for people in entry.persons.values():
                [str(p) for p in people]
    return [f"{type(e).__name__}: {e}" for e in errors]


def _bib_cases():
    cases = {name: text for name, text in SNIPPETS.items()}
    for case in sorted(CORPUS.iterdir()):
        bib = case / "references.bib"
        if bib.is_file() and case.name not in ("bib-encoding-latin1", "bib-hostile-whitespace"):
            cases[f"corpus:{case.name}"] = bib.read_text(encoding="utf-8")
    cases["project"] = (Path(__file__).resolve().parent.parent / "references.bib").read_text(encoding="utf-8")
    return cases


@pytest.mark.parametrize("name, text", sorted(_bib_cases().items()))
def test_validate_reports_whatever_the_books_reader_refuses(tmp_path, name, text):
    """Parity with pybtex: if it refuses a bib, validate reports an error, with a line."""
    f = tmp_path / "references.bib"
    f.write_text(text, encoding="utf-8")
    _, problems = load_bib(f)
    refused = _pybtex_refusals(text)
    errors = [p for p in problems if p.severity == "error"]
    if refused:
        assert errors, f"pybtex refuses {name} ({refused}) but validate reports nothing"
        assert all(p.line > 0 for p in errors), errors
    if name in SNIPPETS and name in ("month", "string", "accent-in-quotes", "company", "crossref"):
        assert not refused and not problems, (refused, problems)


def test_a_megabyte_of_hostile_whitespace_is_read_in_linear_time(tmp_path):
    """Issue 10: `[}"]\\s*\\n\\s*...` was quadratic (10.9 s on 64 KB, most of an hour on 1 MB).

    Each shape runs in a subprocess under a generous timeout that a quadratic
    pass would blow by far (the run takes well under a second).
    """
    shapes = {
        "blank-lines-after-brace": "@misc{w2020, author={A}, title={T {x}" + " \n" * 500_000 + "y}, year={2020}}\n",
        "blank-lines-after-quote": '@misc{w2020, author={A}, title="T {x}' + " \n" * 500_000 + 'y", year={2020}}\n',
        "between-entries": _GOOD + " \n\t" * 350_000 + _GOOD.replace("a2020", "b2020"),
        "inside-names": "@misc{w2020, author={A" + " \n" * 500_000 + "and B}, title={T}, year={2020}}\n",
        "backslashes": "@misc{w2020, author={A}, title={" + "\\" * 1_000_000 + " x}, year={2020}}\n",
        "many-short-runs": "@misc{w2020, author={A}, title={" + ("{x}" + " " * 40 + "\n" + " " * 40) * 12_000 + "}, year={2020}}\n",
    }
    script = "import sys; from socioaffective.bib import load_bib; from pathlib import Path; refs, probs = load_bib(Path(sys.argv[1])); print(len(refs))"
    for name, text in shapes.items():
        f = tmp_path / f"{name}.bib"
        f.write_text(text, encoding="utf-8")
        assert f.stat().st_size >= 1_000_000
        proc = subprocess.run(
            [sys.executable, "-c", script, str(f)], capture_output=True, text=True, timeout=20, env={**os.environ, "SOCIOAFFECTIVE_CACHE": "0"}
        )
        assert proc.returncode == 0 and int(proc.stdout) >= 1, (name, proc.stderr[-2000:])
