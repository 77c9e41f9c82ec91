"""The KnowledgeBase query API."""

from __future__ import annotations

import pytest

import socioaffective


def test_get_and_suggestions(tiny_kb):
    assert tiny_kb.get("competence").title == "Competence"
    assert tiny_kb.get("kirk2025why").is_reference
    with pytest.raises(socioaffective.UnknownIdError) as info:
        tiny_kb.get("competense")
    assert info.value.suggestions == ["competence"]
    assert isinstance(info.value, KeyError)


def test_entries_by_kind_in_schema_order(tiny_kb):
    kinds = [e.kind for e in tiny_kb.entries()]
    order = list(tiny_kb.schema.kinds)
    assert kinds == sorted(kinds, key=order.index)
    assert [e.id for e in tiny_kb.entries("concept")] == ["alignment", "ecosystem"]
    assert {e.id for e in tiny_kb.entries("reference")} == {"kirk2025why", "ryan2000self"}
    with pytest.raises(socioaffective.UnknownKindError, match="did you mean `need`"):
        tiny_kb.entries("nede")


def test_related_directions(tiny_kb):
    assert [e.id for e in tiny_kb.related("scaffolding", "addresses")] == ["future-self", "flattery"]
    assert {e.id for e in tiny_kb.related("competence", direction="in")} == {"future-self", "scaffolding", "flattery"}
    both = {e.id for e in tiny_kb.related("competence", direction="both")}
    assert both == {"future-self", "scaffolding", "flattery", "ryan2000self"}
    with pytest.raises(ValueError):
        tiny_kb.related("competence", direction="sideways")
    with pytest.raises(socioaffective.UnknownKindError, match="did you mean `engages`"):
        tiny_kb.related("competence", relation="engaged by")


def test_symmetric_relations_read_from_both_ends(tiny_kb):
    assert [e.id for e in tiny_kb.related("ecosystem", "contrasts_with")] == ["alignment"]
    assert [e.id for e in tiny_kb.related("alignment", "contrasts_with")] == ["ecosystem"]


def test_outgoing_and_incoming_grouped_in_schema_order(tiny_kb):
    out = tiny_kb.outgoing("future-self")
    assert list(out) == ["engages", "raises", "cites"]
    inc = tiny_kb.incoming("future-self")
    assert set(inc) == {"addresses", "leads_to", "about"}
    assert [r.source for r in inc["about"]] == ["strand", "which-self"]


def test_matrix_either_direction(tiny_kb):
    m = tiny_kb.matrix("need", "principle", "supports")
    assert m.reversed and m.to_lists() == [[1]]
    m2 = tiny_kb.matrix("dilemma", "need", "engages")
    assert not m2.reversed and m2.get("future-self", "competence")[0].name == "engages"
    with pytest.raises(socioaffective.UnknownKindError):
        tiny_kb.matrix("need", "concept", "supports")


def test_path_and_subgraph(tiny_kb):
    p = tiny_kb.path("flattery", "which-self")
    assert p[0] == "flattery" and p[-1] == "which-self" and "kirk2025why" not in p
    assert tiny_kb.path("competence", "ryan2000self") == ["competence", "ryan2000self"]
    g = tiny_kb.subgraph("which-self", depth=1)
    assert set(g) == {"which-self", "future-self", "strand"}
    with pytest.raises(socioaffective.NoPathError):
        tiny_kb.path("competence", "kirk2025why", relations=["engages"])


def test_search_ranks_titles_first(tiny_kb):
    assert [e.id for e in tiny_kb.search("competence")][0] == "competence"
    assert tiny_kb.search("self", kind="question")[0].id == "which-self"
    assert tiny_kb.search("   ") == []
    assert tiny_kb.search("nothing-like-this") == []


def test_entry_to_dict_is_plain(tiny_kb):
    import json

    d = tiny_kb.get("future-self").to_dict()
    assert json.loads(json.dumps(d))["poles"] == ["Now", "Later"]
    assert d["location"] == {"file": "framework/tiny.yaml", "line": tiny_kb.get("future-self").line}


def test_to_dict_of_an_entry_without_provenance(tiny_copy):
    f = tiny_copy / "framework" / "tiny.yaml"
    f.write_text(f.read_text().replace("    provenance: { source: editorial, grade: editorial }\n    scope:", "    scope:"))
    kb = socioaffective.load(tiny_copy, strict=False)
    assert kb.report.codes() == ["missing-field"]
    d = kb.get("scaffolding").to_dict()
    assert "provenance" not in d and all(r["provenance"] is None for r in d["relations"])


# -- API misuse raises the project's own errors (issue 10) ----------------------------

import socioaffective as _sa
from socioaffective.errors import ArgumentError as _ArgumentError
from socioaffective.errors import SocioaffectiveError as _SocioaffectiveError


@pytest.mark.parametrize(
    "call",
    [
        lambda kb: _sa.load(123),
        lambda kb: kb.get(["autonomy"]),
        lambda kb: kb.get(None),
        lambda kb: kb.related("competence", direction="sideways"),
        lambda kb: kb.relations("competence", direction=None),
        lambda kb: kb.matrix("dilemma", "need", None),
        lambda kb: kb.matrix("dilemma", 5, "engages"),
        lambda kb: kb.search(None),
        lambda kb: kb.search("autonomy", limit=-1),
        lambda kb: kb.search("autonomy", limit="3"),
        lambda kb: kb.entries(kind=123),
        lambda kb: kb.path("competence", "alignment", relations="supports"),
    ],
    ids=[
        "load-123",
        "get-list",
        "get-none",
        "related-sideways",
        "relations-none",
        "matrix-none",
        "matrix-kind-int",
        "search-none",
        "search-limit-negative",
        "search-limit-text",
        "entries-kind-int",
        "path-relations-str",
    ],
)
def test_api_misuse_raises_our_own_error_with_a_message(tiny_kb, call):
    with pytest.raises(_ArgumentError) as info:
        call(tiny_kb)
    assert isinstance(info.value, _SocioaffectiveError) and str(info.value).strip()


def test_add_entry_misuse_raises_our_own_error(tiny_copy):
    with pytest.raises(_ArgumentError, match="relations"):
        _sa.add_entry(tiny_copy, "concept", "care", "Care", summary="s", description="d", relations=["autonomy"])
    with pytest.raises(_ArgumentError, match="kind"):
        _sa.add_entry(tiny_copy, ["concept"], "care", "Care")


def test_search_limit_keeps_every_hit_it_may(tiny_kb):
    hits = tiny_kb.search("a")
    assert tiny_kb.search("a", limit=len(hits)) == hits and tiny_kb.search("a", limit=0) == []
