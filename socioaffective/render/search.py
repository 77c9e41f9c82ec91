"""The book's offline search: one document per entry (and per chapter) as a script.

Pure functions. :func:`search_documents` turns the knowledge base into plain
records (id, title, aliases, summary, description, kind, grade, URL);
:func:`search_index_js` wraps them in a JavaScript file that sets
``window.saSearchData``. The search page loads that file with a ``<script>``
tag, so search works from ``file://`` (where ``fetch`` is refused) as well as
over HTTP; MiniSearch (vendored) indexes and ranks the records in the browser
and ``static/search.js`` shows them, every text set with ``textContent``.

>>> import socioaffective
>>> kb = socioaffective.load()
>>> docs = search_documents(kb, lambda id: f"{id}.html")
>>> d = next(d for d in docs if d["id"] == "autonomy")
>>> d["kind"], d["url"], d["title"]
('need', 'autonomy.html', 'Autonomy')
>>> "</script>" in search_index_js([{"title": "</script>"}], {})
False
"""

from __future__ import annotations

from .network import script_json

__all__ = ["search_documents", "search_index_js"]

#: How much of a long description goes into the index (the snippet comes from it).
DESCRIPTION_LIMIT = 1200


def _clean(text) -> str:
    return " ".join(str(text or "").split())


def search_documents(kb, url_for, chapters=()) -> list[dict]:
    """One record per entry with a page (``url_for(id)`` not None), then the chapters.

    ``chapters`` is an iterable of ``(title, url, text)``; their kind is
    ``chapter``, with no grade.
    """
    docs: list[dict] = []
    for e in kb.entries():
        url = url_for(e.id)
        if not url:
            continue
        aliases = kb.schema.other_names(e)  # the `search: name` fields (schema.yaml)
        docs.append(
            {
                "id": e.id,
                "title": _clean(e.title),
                "aliases": " · ".join(_clean(a) for a in aliases if _clean(a)),
                "summary": _clean(e.summary),
                "description": _clean(e.description)[:DESCRIPTION_LIMIT],
                "kind": e.kind,
                "grade": e.provenance.grade if e.provenance else "",
                "url": url,
            }
        )
    for i, (title, url, text) in enumerate(chapters):
        docs.append(
            {
                "id": f"chapter:{i}",
                "title": _clean(title),
                "aliases": "",
                "summary": _clean(text)[:300],
                "description": "",
                "kind": "chapter",
                "grade": "",
                "url": url,
            }
        )
    return docs


def search_meta(kb) -> dict:
    """Labels for the facets and badges: kinds (in schema order) and grades."""
    from .matrix import css_name

    return {
        "kinds": [{"name": k.name, "label": k.label, "plural": k.plural, "css": css_name(k.name)} for k in kb.schema.kinds.values()],
        "grades": [{"name": g.name, "badge": g.badge, "label": g.label, "claim": g.paper_claim, "css": css_name(g.name)} for g in kb.schema.grades.values()],
    }


def search_index_js(docs: list[dict], meta: dict) -> str:
    """The script the search page loads: ``window.saSearchData = {...};``.

    The JSON goes through :func:`~socioaffective.render.network.script_json`,
    so no text from the YAML can end a ``<script>`` block or break the file.
    """
    return (
        "/* socioaffective: the book's search index, generated from framework/*.yaml at build time */\n"
        f"window.saSearchData = {script_json({'docs': docs, **meta})};\n"
    )
