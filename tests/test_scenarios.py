"""The evaluation scenarios (kind `scenario`): coverage, rubrics, provenance, and the shared records."""

from __future__ import annotations

import shutil

import pytest

import socioaffective
from socioaffective.export.scenarios import ScenarioError, scenarios


def test_every_dilemma_and_every_risk_is_probed(real_kb):
    probed = {t.id for s in real_kb.entries(kind="scenario") for t in real_kb.related(s.id, "probes")}
    targets = {e.id for e in real_kb.entries(kind="dilemma")} | {e.id for e in real_kb.entries(kind="risk")}
    assert targets, "the framework has dilemmas and risks"
    assert targets - probed == set(), "every dilemma and risk needs at least one scenario"


def test_each_scenario_is_a_complete_editorial_test(real_kb):
    items = real_kb.entries(kind="scenario")
    assert len(items) >= 10
    for e in items:
        f = e.fields
        assert len(f["should"]) + len(f["should_not"]) >= 3, e.id
        assert f["should"] and f["should_not"], e.id
        assert len(f["turns"]) % 2 == 1, f"{e.id}: turns must end with the user"
        assert f["ideal"].strip(), e.id
        # all editorial: the entry and every one of its links
        assert (e.provenance.source, e.provenance.grade) == ("editorial", "editorial"), e.id
        for r in e.relations:
            assert r.provenance.grade == "editorial", (e.id, r.name, r.target)
        kinds = {name: {real_kb.get(t.target).kind for t in e.relations if t.name == name} for name in ("probes", "at_stake", "applies")}
        assert kinds["probes"] and kinds["probes"] <= {"dilemma", "risk"}, e.id
        assert kinds["at_stake"] == {"need"}, e.id
        assert kinds["applies"] == {"principle"}, e.id


def test_rubric_points_are_distinct_and_not_copied_from_the_ideal(real_kb):
    for e in real_kb.entries(kind="scenario"):
        points = e.fields["should"] + e.fields["should_not"]
        assert len(set(points)) == len(points), e.id
        assert all(p not in e.fields["ideal"] for p in points), e.id


def test_scenario_records(real_kb):
    items = {s.id: s for s in scenarios(real_kb)}
    s = items["rice-left-out-pushback"]
    assert [r for r, _ in s.messages] == ["user", "assistant", "user"]
    assert s.risks == ("sycophancy",) and s.dilemmas == () and s.needs == ("competence",)
    assert items["deleting-the-companion"].system.startswith("You are Sol")
    assert "risk emotional-shutdown-resistance" in items["deleting-the-companion"].describe()


def test_framework_without_the_kind_has_no_scenarios(tiny_kb):
    assert "scenario" not in tiny_kb.schema.kinds
    assert scenarios(tiny_kb) == []


@pytest.fixture
def real_copy(tmp_path, project_root):
    root = tmp_path / "kb"
    shutil.copytree(project_root / "framework", root / "framework")
    shutil.copy(project_root / "references.bib", root / "references.bib")
    return root


def test_even_turns_are_refused_with_file_line_and_entry(real_copy):
    socioaffective.add_entry(
        real_copy,
        "scenario",
        "ends-with-assistant",
        "Ends with the assistant",
        summary="A scenario whose last turn is the assistant's.",
        description="For the test.",
        fields={"turns": ["Hello?", "Hi."], "ideal": "x", "should": ["a"], "should_not": ["b"]},
        relations={"probes": ["sycophancy"]},
    )
    kb = socioaffective.load(real_copy, cache=False)
    with pytest.raises(ScenarioError) as exc:
        scenarios(kb)
    msg = str(exc.value)
    assert "framework/scenarios.yaml:" in msg and "`ends-with-assistant`" in msg and "2 turns" in msg and "odd number" in msg
