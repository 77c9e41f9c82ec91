"""Design reviews: the part of the framework that applies to a system's features.

A product team names the features its system has (kind ``feature`` in
``framework/features.yaml``: persistent memory, a persona, proactive messages
...) and gets a checklist: for each feature the dilemmas it brings up, the
needs at stake, the risks it poses with their crosswalk identifiers (and the
recorded gaps), the principles that apply with the questions to ask of the
design, and the evidence with citations; every item carries its provenance
grade. Everything about features is editorial, never the paper's.

The checklist is computed from the framework's **exported** data (the ``json``
export, networkx node-link), by :func:`checklist_from_data`. The book's
"Design review" page runs a line-by-line port of the same function
(``socioaffective/static/review.js``) on the same export, so the page and
``socioaffective review`` give the same result (a browser test compares them).

>>> import socioaffective
>>> from socioaffective.review import checklist, to_markdown
>>> kb = socioaffective.load()
>>> c = checklist(kb, ["proactive-messages"])
>>> [r["id"] for r in c["features"][0]["risks"]][:2]
['social-reward-hacking', 'manipulation']
>>> to_markdown(c).splitlines()[0]
'# Design review'
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ._review_text import BADGE_NOTE, escape_md

if TYPE_CHECKING:
    from .kb import KnowledgeBase

FEATURE_KIND = "feature"
FORMAT = "socioaffective-design-review"
FORMAT_VERSION = 1
_PREDICATE_ORDER = ["exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"]
_SKOS = {"exact_match": "exactMatch", "close_match": "closeMatch", "related_match": "relatedMatch", "broad_match": "broadMatch", "narrow_match": "narrowMatch"}
_INVERSE = {"exactMatch": "exactMatch", "closeMatch": "closeMatch", "relatedMatch": "relatedMatch", "broadMatch": "narrowMatch", "narrowMatch": "broadMatch"}
_MATCH_LABEL = {"exactMatch": "exact match", "closeMatch": "close match", "relatedMatch": "related", "broadMatch": "broader", "narrowMatch": "narrower"}


def features(kb) -> list:
    """The design features of the framework, in framework order (none if it has no such kind)."""
    from .crosswalk import entries_of

    return entries_of(kb, FEATURE_KIND)


def checklist(kb: KnowledgeBase, feature_ids: Iterable[str]) -> dict:
    """The design-review checklist for ``feature_ids`` (ids of ``feature`` entries).

    Unknown ids raise :class:`~socioaffective.errors.UnknownIdError` (with a
    suggestion); ids of other kinds raise :class:`~socioaffective.errors.UnknownKindError`.
    """
    from .errors import UnknownIdError, UnknownKindError
    from .export.nodelink import node_link

    for fid in feature_ids:
        e = kb.get(fid)  # raises UnknownIdError with "did you mean"
        if e.kind != FEATURE_KIND:
            names = ", ".join(f.id for f in features(kb))
            raise UnknownKindError(f"`{fid}` is a {e.kind}, not a design feature (features: {names})")
    if not feature_ids:
        raise UnknownIdError("name at least one design feature (see `socioaffective list --kind feature`)")
    return checklist_from_data(node_link(kb), list(feature_ids))


def checklist_from_data(data: dict, feature_ids: list[str]) -> dict:
    """The checklist computed from the ``json`` export's data (a node-link dict).

    Keep this function and ``review.js`` in step: the browser test compares them.
    """
    nodes = {n["id"]: n for n in data["nodes"]}
    order = {n["id"]: i for i, n in enumerate(data["nodes"])}
    grades = data["socioaffective"]["grades"]
    out_links: dict[str, list] = {}
    in_links: dict[str, list] = {}
    for link in data["links"]:
        out_links.setdefault(link["source"], []).append(link)
        in_links.setdefault(link["target"], []).append(link)

    def by_order(ids):
        return sorted(set(ids), key=lambda i: order[i])

    def grade(g):
        return {"grade": g, "badge": grades[g]["badge"] if g in grades else "?", "paper_claim": bool(grades.get(g, {}).get("paper_claim"))}

    def entry_grade(node):
        return grade(node.get("provenance_grade", ""))

    def out(id, relation):
        return [lk for lk in out_links.get(id, []) if lk["relation"] == relation]

    def inc(id, relation):
        return [lk for lk in in_links.get(id, []) if lk["relation"] == relation]

    def taxonomy_of(ext_id):
        for lk in out(ext_id, "in_scheme"):
            return nodes[lk["target"]]
        return None

    def crosswalk(risk_id):
        rows = []
        for lk in in_links.get(risk_id, []):
            pred = _SKOS.get(lk["relation"])
            src = nodes[lk["source"]]
            if pred is None or src.get("kind") != "external":
                continue
            pred = _INVERSE[pred]
            tax = taxonomy_of(src["id"])
            rows.append(
                {
                    "match": pred,
                    "match_label": _MATCH_LABEL[pred],
                    "notation": str(src.get("notation", src["id"])),
                    "title": src["title"],
                    "url": src.get("url", ""),
                    "entry": src["id"],
                    "taxonomy": tax["title"] if tax else "",
                    "note": lk.get("note", ""),
                    **grade(lk.get("provenance_grade", "")),
                }
            )
        rows.sort(key=lambda r: (_PREDICATE_ORDER.index(r["match"]), r["taxonomy"], r["title"]))
        gaps = []
        for lk in inc(risk_id, "no_match"):
            tax = nodes[lk["source"]]
            gaps.append({"taxonomy": tax["title"], "entry": tax["id"], "note": lk.get("note", ""), **grade(lk.get("provenance_grade", ""))})
        gaps.sort(key=lambda g: g["taxonomy"])
        return rows, gaps

    def cites(id):
        return [(lk["target"], lk.get("locator", ""), lk.get("provenance_grade", "")) for lk in out(id, "cites")]

    result = []
    for fid in by_order(feature_ids):
        f = nodes[fid]
        feature_links = {"brings_up": out(fid, "brings_up"), "poses": out(fid, "poses"), "calls_for": out(fid, "calls_for")}
        dilemmas = []
        for lk in sorted(feature_links["brings_up"], key=lambda lk: order[lk["target"]]):
            d = nodes[lk["target"]]
            dilemmas.append(
                {
                    "id": d["id"],
                    "title": d["title"],
                    "summary": d.get("summary", ""),
                    "poles": list(d.get("poles") or []),
                    **entry_grade(d),
                    "link": grade(lk.get("provenance_grade", "")),
                }
            )
        risks = []
        for lk in sorted(feature_links["poses"], key=lambda lk: order[lk["target"]]):
            r = nodes[lk["target"]]
            rows, gaps = crosswalk(r["id"])
            risks.append(
                {
                    "id": r["id"],
                    "title": r["title"],
                    "summary": r.get("summary", ""),
                    **entry_grade(r),
                    "link": grade(lk.get("provenance_grade", "")),
                    "crosswalk": rows,
                    "gaps": gaps,
                }
            )
        principles = []
        for lk in sorted(feature_links["calls_for"], key=lambda lk: order[lk["target"]]):
            p = nodes[lk["target"]]
            questions = [q for q in [lk.get("note", "")] if q]
            principles.append(
                {
                    "id": p["id"],
                    "title": p["title"],
                    "summary": p.get("summary", ""),
                    **entry_grade(p),
                    "questions": questions,
                    "link": grade(lk.get("provenance_grade", "")),
                }
            )
        needs: dict[str, list] = {}
        for d in dilemmas:
            for lk in out(d["id"], "engages"):
                needs.setdefault(lk["target"], []).append({"id": d["id"], "title": d["title"], "relation": "engages", **grade(lk.get("provenance_grade", ""))})
        for r in risks:
            for lk in out(r["id"], "frustrates"):
                needs.setdefault(lk["target"], []).append(
                    {"id": r["id"], "title": r["title"], "relation": "frustrates", **grade(lk.get("provenance_grade", ""))}
                )
        need_items = []
        for nid in by_order(needs):
            n = nodes[nid]
            via = sorted(needs[nid], key=lambda v: (order[v["id"]], v["relation"]))
            need_items.append({"id": nid, "title": n["title"], **entry_grade(n), "via": via})
        evidence: dict[str, dict] = {}
        for owner in [fid] + [r["id"] for r in risks] + [p["id"] for p in principles]:
            for key, locator, g in cites(owner):
                ref = nodes.get(key, {})
                item = evidence.setdefault(key, {"key": key, "citation": ref.get("summary", key), "doi": ref.get("doi", ""), "for": [], "locators": []})
                item["for"].append({"id": owner, "title": nodes[owner]["title"], **grade(g)})
                if locator and locator not in item["locators"]:
                    item["locators"].append(locator)
        evidence_items = []
        for key in sorted(evidence):
            item = evidence[key]
            item["for"] = sorted(item["for"], key=lambda v: order[v["id"]])
            evidence_items.append(item)
        result.append(
            {
                "id": fid,
                "title": f["title"],
                "summary": f.get("summary", ""),
                "description": f.get("description", ""),
                **entry_grade(f),
                "prompts": list(f.get("prompts") or []),
                "dilemmas": dilemmas,
                "needs": need_items,
                "risks": risks,
                "principles": principles,
                "evidence": evidence_items,
            }
        )
    meta = data["socioaffective"]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "socioaffective_version": meta.get("socioaffective_version", ""),
        "features": result,
        "grades": {k: {"badge": v["badge"], "label": v["label"], "paper_claim": v["paper_claim"]} for k, v in grades.items()},
    }


def _b(item) -> str:
    return f"[{item['badge']}]"


def _code(s: str) -> str:
    """An identifier as a code span, or as escaped text if it could break out of one."""
    s = str(s)
    return f"`{s}`" if s and all(c not in s for c in "`\r\n") else escape_md(s)


def to_markdown(review: dict) -> str:
    """The checklist as Markdown (GitHub task lists), the record of a review.

    Keep in step with ``review.js`` (``toMarkdown``): the browser test compares them.
    """
    t = escape_md
    lines = ["# Design review", ""]
    lines.append("Features reviewed: " + "; ".join(t(f["title"]) for f in review["features"]) + ".")
    lines.append("")
    lines.append(BADGE_NOTE + " " + "; ".join(f"{g['badge']} {t(g['label'])}" for g in review["grades"].values()) + ".")
    lines.append("")
    for f in review["features"]:
        lines += [f"## {t(f['title'])} {_b(f)}", "", t(f["summary"]), ""]
        if f["prompts"]:
            lines += ["Questions about this feature:", ""] + [f"- [ ] {t(q)}" for q in f["prompts"]] + [""]
        lines += ["### Dilemmas it brings up", ""]
        for d in f["dilemmas"]:
            poles = f" (poles: {' / '.join(t(p) for p in d['poles'])})" if d["poles"] else ""
            lines.append(f"- [ ] **{t(d['title'])}** {_b(d)}: {t(d['summary'])}{poles}")
        if not f["dilemmas"]:
            lines.append("- none recorded")
        lines += ["", "### Needs at stake", ""]
        for n in f["needs"]:
            via = "; ".join(f"{t(v['title'])} ({t(v['relation'])}, {v['badge']})" for v in n["via"])
            lines.append(f"- **{t(n['title'])}** {_b(n)}: via {via}")
        if not f["needs"]:
            lines.append("- none recorded")
        lines += ["", "### Risks it poses", ""]
        for r in f["risks"]:
            lines.append(f"- [ ] **{t(r['title'])}** {_b(r)}: {t(r['summary'])}")
            for x in r["crosswalk"]:
                note = f": {t(x['note'])}" if x["note"] else ""
                lines.append(f"  - Also filed as {_code(x['notation'])} {t(x['title'])} ({t(x['taxonomy'])}; {x['match_label']} {_b(x)}){note}")
            for g in r["gaps"]:
                note = f": {t(g['note'])}" if g["note"] else ""
                lines.append(f"  - No identifier fits in {t(g['taxonomy'])} {_b(g)}{note}")
        if not f["risks"]:
            lines.append("- none recorded")
        lines += ["", "### Principles and questions to ask of the design", ""]
        for p in f["principles"]:
            lines.append(f"- **{t(p['title'])}** {_b(p)}: {t(p['summary'])}")
            for q in p["questions"]:
                lines.append(f"  - [ ] {t(q)} {_b(p['link'])}")
        if not f["principles"]:
            lines.append("- none recorded")
        lines += ["", "### Evidence and citations", ""]
        for e in f["evidence"]:
            who = ", ".join(f"{t(v['title'])} {_b(v)}" for v in e["for"])
            loc = f" ({'; '.join(t(x) for x in e['locators'])})" if e["locators"] else ""
            lines.append(f"- {t(e['citation'])}{loc} — cited for {who}")
        if not f["evidence"]:
            lines.append("- none recorded")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def to_text(review: dict) -> str:
    """The checklist as plain text for a terminal (the Markdown without escapes)."""
    from ._review_text import unescape_md

    return unescape_md(to_markdown(review))


__all__ = ["checklist", "checklist_from_data", "features", "to_markdown", "to_text"]
