"""The validator reports every problem at once, located, with hints.

One case per code lives in tests/fixtures/invalid/ (test_invalid_corpus.py);
these tests cover the report itself and the checks' finer behaviour.
"""

from __future__ import annotations

import socioaffective
from socioaffective.hints import did_you_mean as suggest
from socioaffective.hints import slugify


def _break(root, old, new, file="framework/tiny.yaml"):
    f = root / file
    text = f.read_text()
    assert old in text, old
    f.write_text(text.replace(old, new, 1))


def test_every_problem_in_one_run_sorted(tiny_copy):
    _break(tiny_copy, "kind: need", "kind: nede")
    _break(tiny_copy, "supports: [competence]", "supports: [competense]")
    _break(tiny_copy, "- id: strand", "- id: Strand Two")
    _break(tiny_copy, "cites: [kirk2025why]\n  - id: competence", "cites: [kirk2025wy]\n  - id: competence")
    report = socioaffective.validate(tiny_copy)
    got = [(p.code, p.line) for p in report.problems]
    assert got == sorted(got, key=lambda t: t[1])
    assert {c for c, _ in got} >= {"unknown-kind", "dangling-target", "bad-id", "unknown-cite-key"}
    by_code = {p.code: p for p in report.problems}
    assert "did you mean `need`?" == by_code["unknown-kind"].hint
    (dangling,) = [p for p in report.problems if "competense" in p.message]
    assert dangling.code == "dangling-target" and "`competence`" in dangling.hint
    assert by_code["bad-id"].hint == "use `strand-two`"
    assert "kirk2025why" in by_code["unknown-cite-key"].hint
    assert all(p.file == "framework/tiny.yaml" and p.line > 0 for p in report.problems)


def test_problem_str_names_file_line_entry_and_hint(tiny_copy):
    _break(tiny_copy, "kind: need", "kind: nede")
    (p,) = socioaffective.validate(tiny_copy).problems
    text = str(p)
    assert text.startswith("framework/tiny.yaml:")
    assert "[competence]" in text and "unknown-kind" in text and "hint: did you mean `need`?" in text


def test_relation_provenance_is_checked(tiny_copy):
    _break(tiny_copy, "provenance: { source: editorial, grade: editorial }\n    raises", "provenance: { source: editorial, grade: abstrat }\n    raises")
    report = socioaffective.validate(tiny_copy)
    assert [p.code for p in report.problems] == ["unknown-grade"]
    assert "`abstract`" in report.problems[0].hint


def test_editorial_grade_needs_editorial_source(tiny_copy):
    _break(tiny_copy, "provenance: { source: kirk2025why, grade: inferred }", "provenance: { source: kirk2025why, grade: editorial }")
    assert socioaffective.validate(tiny_copy).codes() == ["provenance-mismatch"]


def test_kind_may_not_use_relation(tiny_copy):
    _break(tiny_copy, "frustrates: [competence]", "frustrates: [competence]\n    engages: [competence]")
    assert socioaffective.validate(tiny_copy).codes() == ["source-kind"]


def test_required_relation_missing(tiny_copy):
    _break(tiny_copy, "    frustrates: [competence]\n", "")
    assert socioaffective.validate(tiny_copy).codes() == ["missing-relation"]


def test_duplicate_id_across_files(tiny_copy):
    (tiny_copy / "framework" / "more.yaml").write_text(
        "entries:\n  - id: competence\n    kind: concept\n    title: Again\n    summary: s\n    description: d\n"
        "    provenance: {source: editorial, grade: editorial}\n"
    )
    (p,) = socioaffective.validate(tiny_copy).problems
    assert (p.code, p.file, p.entry) == ("duplicate-id", "framework/tiny.yaml", "competence")
    assert "already used at framework/more.yaml:2" in p.message


def test_validate_accepts_a_kb(tiny_kb):
    assert socioaffective.validate(tiny_kb) is tiny_kb.report


def test_helpers():
    assert suggest("autonmy", ["autonomy", "competence"]) == "did you mean `autonomy`?"
    assert suggest("zzz", ["autonomy"]) == ""
    assert slugify("Ünïcode Title!") == "unicode-title"


def test_a_symmetric_link_counts_for_both_of_its_entries(tiny_copy):
    """`cardinality:` on a symmetric relation: a link written on either entry counts."""
    schema = tiny_copy / "framework" / "schema.yaml"
    schema.write_text(schema.read_text() + "\ncardinality:\n  concept:\n    links:\n      contrasts_with: { min: 1 }\n")
    report = socioaffective.validate(tiny_copy)
    lacking = sorted(p.entry for p in report.problems if p.code == "missing-relation")
    kb = socioaffective.load(tiny_copy, strict=False)
    linked = {x for r in kb.relations(relation="contrasts_with") for x in (r.source, r.target)}
    concepts = {e.id for e in kb.entries(kind="concept")}
    assert lacking == sorted(concepts - linked)
    assert concepts & linked, "the tiny framework should have a concept linked by contrasts_with"
