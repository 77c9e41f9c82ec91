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
