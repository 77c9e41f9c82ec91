"""Content tests: the real framework in framework/*.yaml and references.bib.

These check what the framework must contain and the honesty of its provenance,
using the public API only. Structural rules (how many links of which relation
an entry of a kind has: every risk frustrates a need, every need is supported
by a principle ...) are not here but in schema.yaml (`cardinality:` and
`required_relations`), so `socioaffective validate`, `add` and `new` report
them with file and line; the tests below check that they are declared there
and reported.
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


# --- structural rules: declared in schema.yaml, reported by validate ------------------

#: (kind, relation, incoming, counted kinds at the other end, min): the rules that
#: used to be asserts here, now rules of schema.yaml.
STRUCTURAL = [
    ("dilemma", "engages", False, set(), 1),  # every dilemma engages a need (the relation's only target)
    ("dilemma", "addresses", True, {"principle"}, 1),  # ... and is addressed by a principle
    ("need", "engages", True, {"dilemma"}, 1),  # every need is at stake in a dilemma
    ("need", "supports", True, {"principle"}, 1),  # ... is supported by a principle
    ("need", "frustrates", True, {"risk"}, 1),  # ... and is frustrated by a risk
    ("risk", "frustrates", False, set(), 1),  # every risk frustrates a need (the relation's only target)
    ("principle", "supports", False, {"need"}, 1),  # every principle supports a need
    ("principle", "addresses", False, set(), 1),  # ... and addresses a dilemma or risk
    ("question", "part_of", False, {"agenda"}, 1),  # every question belongs to a research strand
    ("question", "about", False, set(), 1),  # ... is about something
    ("question", "raises", True, set(), 1),  # ... and is raised by an entry
    ("discussion", "about", False, set(), 1),  # every discussion is about something
]


@pytest.mark.parametrize("kind, relation, incoming, kinds, low", STRUCTURAL)
def test_structural_rules_live_in_the_schema(kb, kind, relation, incoming, kinds, low):
    rules = [r for r in kb.schema.link_rules_of(kind, incoming) if r.relation == relation]
    assert rules, f"schema.yaml has no {'backlinks' if incoming else 'links'} count of `{relation}` for a {kind}"
    (rule,) = rules
    assert (set(rule.kinds), rule.min) == (kinds, low)


def _add_in_memory(kb, kind: str, id: str, fields: dict, relations: dict):
    """The report of the real framework with one more entry appended to its kind's file (nothing written)."""
    from socioaffective.edit import appended_text, entry_data, entry_yaml

    rel_file = kb.schema.kinds[kind].file
    path = kb.root / "framework" / rel_file
    old = path.read_text(encoding="utf-8")
    data = entry_data(
        kb.schema, kind, id, f"Test {kind}", summary="A test entry.", description="A test entry, never written.", fields=fields, relations=relations
    )
    new = appended_text(old, entry_yaml(data), rel_file)
    line = len(old.splitlines()) + 1
    report = socioaffective.load(kb.root, strict=False, overrides={path: new.encode("utf-8")}, cache=False).report
    return report, f"framework/{rel_file}", line, new


BREAKS = [
    # kind, fields and relations of a new entry; what validate must say about it: (code, words of the message)
    (
        "need",
        {},
        {},
        [
            ("missing-backlink", "a need must be engaged by at least one dilemma"),
            ("missing-backlink", "a need must be supported by at least one principle"),
            ("missing-backlink", "a need must be frustrated by at least one risk"),
        ],
    ),
    (
        "dilemma",
        {"poles": ["Now", "Later"], "tension": "They pull apart."},
        {"engages": ["autonomy"]},
        [("missing-backlink", "a dilemma must be addressed by at least one principle")],
    ),
    ("risk", {}, {"leads_to": ["sycophancy"]}, [("missing-relation", "a risk must have at least one `frustrates` link")]),
    (
        "principle",
        {"scope": "overarching"},
        {"addresses": ["present-vs-future-self"]},
        [("missing-relation", "a principle must have at least one `supports` link to a need")],
    ),
    ("principle", {"scope": "overarching"}, {"supports": ["autonomy"]}, [("missing-relation", "a principle must have at least one `addresses` link")]),
    (
        "question",
        {"status": "open"},
        {"about": ["autonomy"]},
        [
            ("missing-relation", "a question must have at least one `part_of` link to an agenda"),
            ("missing-backlink", "a question must be raised by at least one entry"),
        ],
    ),
    ("discussion", {"status": "open", "response": "Why: " + "word " * 20}, {}, [("missing-relation", "a discussion must have at least one `about` link")]),
    (
        "external",
        {"notation": "x-1", "url": "https://example.org/x-1"},
        {"in_scheme": ["eu-ai-act", "owasp-asi"]},
        [("too-many-relations", "an external may have at most one `in_scheme` link")],
    ),
]


@pytest.mark.parametrize("kind, fields, relations, want", BREAKS, ids=[f"{b[0]}-{b[3][0][0]}-{i}" for i, b in enumerate(BREAKS)])
def test_validate_reports_a_broken_structural_rule_at_the_entry(kb, kind, fields, relations, want):
    report, file, line, text = _add_in_memory(kb, kind, "structural-test", fields, relations)
    got = sorted((p.code, p.file, p.line, p.entry, p.message) for p in report.problems)
    # at the new entry's line; a `max` at the line of the relation's key
    key_line = {
        code: line
        if code != "too-many-relations"
        else line + next(i for i, l in enumerate(text.splitlines()[line - 1 :]) if l.strip().startswith("in_scheme:"))
        for code, _ in want
    }
    assert got == sorted((code, file, key_line[code], "structural-test", words) for code, words in want), "\n" + str(report)
    assert all(p.hint for p in report.problems)


def test_a_missing_backlink_says_where_to_add_it(kb):
    report, file, line, _ = _add_in_memory(kb, "need", "safety", {}, {})
    hints = {p.hint for p in report.problems if p.code == "missing-backlink"}
    assert "it is frustrated by none; add `frustrates: [safety]` to a risk in framework/risks.yaml" in hints
    assert "it is supported by none; add `supports: [safety]` to a principle in framework/principles.yaml" in hints
    assert all(p.line == line and p.file == file for p in report.problems)


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


def test_every_dilemma_has_two_worded_poles_a_tension_and_examples(kb):
    # how many poles, and that each dilemma engages a need and is addressed by a
    # principle, are rules of schema.yaml (see test_structural_rules_live_in_the_schema)
    for d in kb.entries(kind="dilemma"):
        poles = d.fields.get("poles") or []
        assert all(p.strip() for p in poles), f"dilemma `{d.id}` has an empty pole"
        assert (d.fields.get("tension") or "").strip(), f"dilemma `{d.id}` has no tension"
        assert d.fields.get("examples"), f"dilemma `{d.id}` has no examples"


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


def test_agenda_has_three_strands(kb):
    strands = [e.id for e in kb.related("research-agenda", "part_of", direction="in") if e.kind == "agenda"]
    assert len(strands) == 3, f"the research agenda should have three strands, has {strands}"


def test_every_discussion_is_answered_in_our_words(kb):
    for d in kb.entries(kind="discussion"):
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
