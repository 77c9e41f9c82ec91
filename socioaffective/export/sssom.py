"""``sssom``: the crosswalk mappings as an SSSOM mapping set (TSV with a YAML header).

SSSOM (Simple Standard for Sharing Ontological Mappings) is the table format
the mapping community and IBM/ai-atlas-nexus publish mappings in; ``sssom-py``
reads and validates it. One row per mapping:

* ``subject_id`` our entry (``socioaffective:<id>``) or, for a published
  upstream mapping, an external item; ``predicate_id`` a SKOS mapping property
  read from the subject's side; ``object_id`` the upstream identifier as a CURIE
  (``nexus:mit-ai-risk-subdomain-5.1``; an EU AI Act provision, which has no
  upstream IRI, gets ours), with labels and ``object_source`` our entry for the
  taxonomy (whose page gives its version, licence and IRI);
* ``mapping_justification`` ``semapv:ManualMappingCuration``; ``author_label``
  says whose mapping it is (``socioaffective editorial`` or the upstream
  author), ``mapping_source`` names the upstream SSSOM file a published mapping
  comes from, and ``comment`` gives the provenance grade and note. None of these
  mappings is the paper's.

Gaps (a taxonomy recorded as having no identifier for an entry) are rows with
``object_id`` ``sssom:NoTermFound`` and ``object_source`` the taxonomy.
"""

from __future__ import annotations

import re

SSSOM_VERSION = "1.0"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SEMAPV = "https://w3id.org/semapv/vocab/"
COLUMNS = [
    "subject_id",
    "subject_label",
    "subject_category",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "author_label",
    "object_source",
    "mapping_source",
    "comment",
]
_UPSTREAM_FILE = re.compile(r"data/mappings/([A-Za-z0-9._-]+\.tsv)")
_UPSTREAM_AUTHOR = re.compile(r"author ([^\s,;()]+@[^\s,;()]+)")
UPSTREAM_MAPPINGS = "https://github.com/IBM/ai-atlas-nexus/tree/main/src/data/mappings/"


def _cell(value) -> str:
    """One TSV cell: no tabs or line breaks."""
    return re.sub(r"[\t\r\n]+", " ", str(value or "")).strip()


def _yaml_scalar(value: str) -> str:
    import json

    return json.dumps(str(value), ensure_ascii=False)  # JSON strings are YAML scalars


def rows(kb, base: str) -> tuple[list[dict], dict[str, str]]:
    """The mapping rows and the CURIE map they need."""
    from ..crosswalk import EXTERNAL_KIND, all_mappings, curie_of, gaps_of, taxonomy_of
    from .rdf import Namespaces

    ns = Namespaces(base)
    prefixes = {"socioaffective": str(ns.entry), "skos": SKOS, "semapv": SEMAPV}

    def curie(entry) -> str:
        if entry.kind == EXTERNAL_KIND:
            c = curie_of(kb, entry)
            if c:
                prefixes.setdefault(c[0], c[1])
                return f"{c[0]}:{entry.fields['notation']}"
        return f"socioaffective:{entry.id}"

    def source(entry) -> str:
        """The taxonomy an item comes from, as the CURIE of our entry describing it ("" for our own entries)."""
        tax = taxonomy_of(kb, entry) if entry.kind == EXTERNAL_KIND else None
        return f"socioaffective:{tax.id}" if tax is not None else ""

    def label(entry) -> str:
        if entry.kind == EXTERNAL_KIND and entry.fields.get("notation") != entry.id and str(entry.fields.get("notation", "")).startswith("Art."):
            return f"{entry.fields['notation']} {entry.title}"
        return entry.title

    out = []
    for m in all_mappings(kb):
        p = m.provenance
        note = p.note or m.relation.note
        upstream = _UPSTREAM_FILE.search(note or "") if p.grade != "editorial" else None
        author = _UPSTREAM_AUTHOR.search(note or "") if upstream else None
        out.append(
            {
                "subject_id": curie(m.subject),
                "subject_label": label(m.subject),
                "subject_category": m.subject.kind,
                "predicate_id": f"skos:{m.predicate}",
                "object_id": curie(m.external),
                "object_label": label(m.external),
                "mapping_justification": "semapv:ManualMappingCuration",
                "author_label": (author.group(1) if author else "ai-atlas-nexus") if upstream else "socioaffective editorial",
                "object_source": source(m.external),
                "mapping_source": UPSTREAM_MAPPINGS + upstream.group(1) if upstream else "",
                "comment": f"grade {p.grade}, source {p.source}" + (f": {note}" if note else ""),
            }
        )
    for e in kb.entries():
        for gap in gaps_of(kb, e.id):
            note = gap.relation.note or gap.provenance.note
            out.append(
                {
                    "subject_id": curie(e),
                    "subject_label": e.title,
                    "subject_category": e.kind,
                    "predicate_id": "skos:closeMatch",
                    "object_id": "sssom:NoTermFound",
                    "object_label": "",
                    "mapping_justification": "semapv:ManualMappingCuration",
                    "author_label": "socioaffective editorial",
                    "object_source": f"socioaffective:{gap.taxonomy.id}",
                    "mapping_source": "",
                    "comment": f"no identifier of {gap.taxonomy.title} fits; grade {gap.provenance.grade}" + (f": {note}" if note else ""),
                }
            )
    prefixes["sssom"] = "https://w3id.org/sssom/"
    return out, prefixes


def render(kb, fmt: str = "sssom", base: str | None = None, **_options) -> str:
    from .. import __version__
    from .rdf import DEFAULT_BASE, Namespaces

    base = base or DEFAULT_BASE
    table, prefixes = rows(kb, base)
    ns = Namespaces(base)
    head = [
        "curie_map:",
        *[f"  {k}: {_yaml_scalar(v)}" for k, v in sorted(prefixes.items())],
        f"mapping_set_id: {_yaml_scalar(str(ns.meta['sssom']))}",
        f"mapping_set_version: {_yaml_scalar(__version__)}",
        "mapping_set_title: " + _yaml_scalar("Crosswalk of the socioaffective-alignment framework to external AI-risk taxonomies"),
        "mapping_set_description: "
        + _yaml_scalar(
            "Our entries (risks, needs) mapped to the MIT AI Risk Repository, IBM AI Risk Atlas, NIST AI 600-1 and the EU AI Act. "
            "Rows by 'socioaffective editorial' are our reading, never the paper's (Kirk et al. 2025); rows with a mapping_source "
            "are copied from the Apache-2.0 SSSOM tables of IBM/ai-atlas-nexus."
        ),
        f"sssom_version: {_yaml_scalar(SSSOM_VERSION)}",
        "license: " + _yaml_scalar("https://spdx.org/licenses/MIT.html"),
    ]
    lines = ["# " + h for h in head]
    lines.append("\t".join(COLUMNS))
    for row in table:
        lines.append("\t".join(_cell(row[c]) for c in COLUMNS))
    return "\n".join(lines) + "\n"
