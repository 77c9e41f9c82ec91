"""Content tests: the real framework in framework/*.yaml and references.bib.

These check the shape of the content (what the framework must contain and how
it is linked) and the honesty of its provenance, using the public API only.
"""

from __future__ import annotations

import re

import pytest

import socioaffective

PAPER_KEY = "kirk2025why"
PAPER_ID = "kirk2025-socioaffective-alignment"
NEEDS = {"competence", "autonomy", "relatedness"}
# Words that mark a statement as reported by others, inferred or our own.
HEDGES = re.compile(
    r"report|secondary|derivative|single|one source|inferen|infer|recollect|unverified|not verified|"
    r"our own|our reading|our reconstruction|editorial|illustrat|our link|our mapping",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def kb():
    return socioaffective.load()


def _provenances(kb):
    """(where, provenance) for every entry and every relation of the framework."""
    for e in kb.entries():
        yield e.id, e.provenance
        for r in e.relations:
            yield f"{e.id} --{r.name}--> {r.target}", r.provenance


def _non_cite_links(kb, id, direction):
    return [r for r in kb.relations(id, direction=direction) if r.name != "cites"]


# --- the framework is valid ---------------------------------------------------


def test_real_framework_validates_clean(kb):
    report = socioaffective.validate(kb)
    listing = "\n".join(str(p) for p in report.problems)
    assert report.ok, f"the framework has errors:\n{listing}"
    assert not report.problems, f"the framework has warnings:\n{listing}"


# kinds that apply the framework (crosswalks, design reviews) rather than describe it
APPLIED_KINDS = {"taxonomy", "external", "feature", "scenario"}


def test_size_is_reasonable(kb):
    n = len([e for e in kb.entries() if e.kind not in APPLIED_KINDS])
    assert 45 <= n <= 110, f"expected roughly 45-110 entries describing the framework (about 80 with the studies), found {n}"


# --- needs, dilemmas, risks -----------------------------------------------------


def test_exactly_the_three_sdt_needs(kb):
    ids = {e.id for e in kb.entries(kind="need")}
    assert ids == NEEDS, f"needs should be exactly {sorted(NEEDS)}, found {sorted(ids)}"


@pytest.mark.parametrize("need", sorted(NEEDS))
def test_every_need_is_engaged_and_supported(kb, need):
    engaged_by = [e.id for e in kb.related(need, "engages", direction="in") if e.kind == "dilemma"]
    supported_by = [e.id for e in kb.related(need, "supports", direction="in") if e.kind == "principle"]
    assert engaged_by, f"need `{need}` is engaged by no dilemma"
    assert supported_by, f"need `{need}` is supported by no principle"


@pytest.mark.parametrize("need", sorted(NEEDS))
def test_need_definitions_come_from_the_literature(kb, need):
    e = kb.get(need)
    assert e.provenance.grade == "literature", f"`{need}` should be defined from SDT (grade literature), not {e.provenance.grade}"
    cited = {r.target for r in e.relations if r.name == "cites"}
    assert cited & {"ryan2000self", "ryan2017self", "vansteenkiste2020basic"}, f"`{need}` cites no SDT source: {sorted(cited)}"
    assert e.fields.get("satisfaction") and e.fields.get("frustration"), f"`{need}` lacks satisfaction/frustration text"


def test_three_dilemmas_including_present_vs_future_self(kb):
    ids = {e.id for e in kb.entries(kind="dilemma")}
    assert len(ids) == 3, f"the paper names three intrapersonal dilemmas, found {sorted(ids)}"
    assert "present-vs-future-self" in ids


def test_every_dilemma_has_two_poles_a_tension_and_a_principle(kb):
    for d in kb.entries(kind="dilemma"):
        poles = d.fields.get("poles") or []
        assert len(poles) == 2, f"dilemma `{d.id}` needs exactly two poles, has {poles}"
        assert all(p.strip() for p in poles), f"dilemma `{d.id}` has an empty pole"
        assert (d.fields.get("tension") or "").strip(), f"dilemma `{d.id}` has no tension"
        assert d.fields.get("examples"), f"dilemma `{d.id}` has no examples"
        principles = [e.id for e in kb.related(d.id, "addresses", direction="in") if e.kind == "principle"]
        assert principles, f"dilemma `{d.id}` is addressed by no principle"
        needs = [e.id for e in kb.related(d.id, "engages") if e.kind == "need"]
        assert needs, f"dilemma `{d.id}` engages no need"


def test_every_risk_frustrates_a_need(kb):
    for r in kb.entries(kind="risk"):
        needs = [e.id for e in kb.related(r.id, "frustrates") if e.kind == "need"]
        assert needs, f"risk `{r.id}` frustrates no need"


def test_social_reward_hacking_is_a_cross_cutting_risk(kb):
    srh = kb.get("social-reward-hacking")
    assert srh.kind == "risk", f"social reward hacking must be a risk, not a {srh.kind}"
    assert not any("reward hacking" in d.title.lower() for d in kb.entries(kind="dilemma")), "social reward hacking must not be a fourth dilemma"
    frustrated = {e.id for e in kb.related("social-reward-hacking", "frustrates")}
    assert frustrated == NEEDS, f"social reward hacking should frustrate all three needs, frustrates {sorted(frustrated)}"


def test_sycophancy_is_an_instance_of_social_reward_hacking(kb):
    targets = [e.id for e in kb.related("sycophancy", "instance_of")]
    assert "social-reward-hacking" in targets, f"sycophancy should be instance_of social-reward-hacking, is instance of {targets}"
    assert kb.get("sycophancy").kind == "risk"


def test_every_principle_supports_a_need_and_has_a_scope(kb):
    for p in kb.entries(kind="principle"):
        assert p.fields.get("scope") in {"overarching", "risk", "need-specific"}, f"principle `{p.id}` has no valid scope"
        assert kb.related(p.id, "supports"), f"principle `{p.id}` supports no need"


def test_agenda_has_three_strands(kb):
    strands = [e.id for e in kb.related("research-agenda", "part_of", direction="in") if e.kind == "agenda"]
    assert len(strands) == 3, f"the research agenda should have three strands, has {strands}"


def test_every_question_is_raised_and_belongs_to_a_strand(kb):
    for q in kb.entries(kind="question"):
        assert kb.related(q.id, "raises", direction="in"), f"question `{q.id}` is raised by no entry"
        strands = [e.id for e in kb.related(q.id, "part_of") if e.kind == "agenda"]
        assert strands, f"question `{q.id}` is part of no research strand"
        assert kb.related(q.id, "about"), f"question `{q.id}` is about nothing"


def test_every_discussion_is_about_something_and_answered_in_our_words(kb):
    for d in kb.entries(kind="discussion"):
        assert kb.related(d.id, "about"), f"discussion `{d.id}` is about nothing"
        assert d.fields.get("status") in {"open", "answered", "does-not-apply"}, f"discussion `{d.id}` has a bad status"
        assert len((d.fields.get("response") or "").split()) >= 20, f"discussion `{d.id}` needs a response that says why"


def test_seed_threads_are_discussed(kb):
    titles = " ".join(d.title.lower() for d in kb.entries(kind="discussion"))
    for topic in ("selection bias", "prolific", "rlhf"):
        assert topic in titles, f"no discussion entry for the seed thread on {topic!r}"


# --- provenance -----------------------------------------------------------------


def test_every_provenance_has_a_known_grade_and_source(kb):
    grades = set(kb.schema.grades)
    for where, p in _provenances(kb):
        assert p is not None, f"{where}: no provenance"
        assert p.grade in grades, f"{where}: unknown grade `{p.grade}` (known: {sorted(grades)})"
        assert p.source == "editorial" or p.source in kb.references, f"{where}: source `{p.source}` is not in references.bib"


def test_grades_and_sources_are_consistent(kb):
    """editorial <=> editorial; paper-claim grades come from the paper; literature does not."""
    for where, p in _provenances(kb):
        claim = kb.schema.grades[p.grade].paper_claim
        assert (p.grade == "editorial") == (p.source == "editorial"), f"{where}: grade `{p.grade}` with source `{p.source}`"
        if claim:
            assert p.source == PAPER_KEY, f"{where}: grade `{p.grade}` presents a paper claim, so its source must be `{PAPER_KEY}`, not `{p.source}`"
        if p.grade == "literature":
            assert p.source != PAPER_KEY, f"{where}: grade literature must name the cited work, not the paper"


def test_low_grade_entries_are_worded_as_reports_or_ours(kb):
    """Entries graded single-source or inferred must not read as the paper's own claim."""
    for e in kb.entries():
        if e.provenance.grade in {"single-source", "inferred"}:
            assert HEDGES.search(e.description), (
                f"`{e.id}` is graded {e.provenance.grade} but its description never says it is reported, "
                "inferred or ours; word it as 'secondary sources report...' or as an editorial extension"
            )


def test_every_entry_cites_or_is_editorial(kb):
    for e in kb.entries():
        cites = [r.target for r in e.relations if r.name == "cites"]
        assert cites or e.provenance.source == "editorial", f"`{e.id}` neither cites a work nor has an editorial source"


def test_every_cite_key_exists(kb):
    for r in kb.relations(relation="cites"):
        assert r.target in kb.references, f"`{r.source}` cites unknown key `{r.target}`"


def test_no_orphan_entries(kb):
    for e in kb.entries():
        assert _non_cite_links(kb, e.id, "both"), f"`{e.id}` is linked to no other entry"


# --- references.bib and the paper card ------------------------------------------


def test_paper_card(kb):
    p = kb.get(PAPER_ID)
    assert p.kind == "paper"
    assert p.fields.get("doi") == "10.1057/s41599-025-04532-5", f"wrong DOI: {p.fields.get('doi')}"
    assert str(p.fields.get("arxiv")) == "2502.02528", f"wrong arXiv id: {p.fields.get('arxiv')}"
    assert p.fields.get("bib_key") == PAPER_KEY
    assert p.fields.get("year") == 2025
    assert p.fields.get("authors", [None])[0] == "Hannah Rose Kirk"
    assert len(p.fields.get("authors", [])) == 5
    corrections = " ".join(p.fields.get("corrections") or []).lower()
    for wrong in ("literature review", "2024", "prolific"):
        assert wrong in corrections, f"the paper card should correct the seed page's {wrong!r}"


def test_paper_reference(kb):
    ref = kb.references[PAPER_KEY]
    assert ref.fields.get("doi") == "10.1057/s41599-025-04532-5"
    assert ref.fields.get("eprint") == "2502.02528"


def test_ids_do_not_clash_with_bib_keys(kb):
    clash = {e.id for e in kb.entries()} & set(kb.references)
    assert not clash, f"entry ids equal to bib keys: {sorted(clash)}"


def test_bib_entries_are_complete_and_marked_unverified(kb):
    for key, ref in kb.references.items():
        for f in ("author", "title", "year"):
            assert ref.fields.get(f), f"bib entry `{key}` lacks `{f}`"
        if "provenance-source" in ref.fields.get("keywords", ""):
            # source records (secondary summaries, derivative works, index pages): not literature
            assert re.fullmatch(r"src-[a-z0-9]+(-[a-z0-9]+)*", key), f"source record `{key}` should be keyed src-<site>"
            continue
        assert re.fullmatch(r"[a-z]+\d{4}[a-z]+", key), f"bib key `{key}` is not firstauthorYEARword"
        if key != PAPER_KEY:
            assert re.search(r"kirk2025why-cites:(unverified|later)", ref.fields.get("keywords", "")), (
                f"`{key}` must keep the keyword saying whether the paper can cite it (unverified, or later than the paper)"
            )


def test_every_reference_is_used(kb):
    used = {r.target for r in kb.relations(relation="cites")}
    used |= {p.source for _, p in _provenances(kb)}
    used |= {k for _, p in _provenances(kb) for k in p.sources}
    unused = set(kb.references) - used
    assert not unused, f"references.bib holds works no entry draws on: {sorted(unused)}"


def test_sdt_sources_present(kb):
    for key in ("ryan2000self", "ryan2017self", "vansteenkiste2020basic"):
        assert key in kb.references, f"SDT source `{key}` missing from references.bib"
