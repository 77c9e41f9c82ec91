"""Signatures: a page is outdated exactly when what one of its directives shows changed."""

from __future__ import annotations

import hashlib
import json

from ..errors import SocioaffectiveError
from ..render import pages
from ..render.matrix import matrix_table
from ..query import count_entries, glossary_entries
from .state import state


def spec_output(app, spec: tuple) -> str:
    """What a directive with this spec shows, as text (for signatures)."""
    st = state(app)
    kb = st.kb
    kind, *args = spec
    try:
        if kind == "entry":
            e = kb.get(args[0])
            titles = sorted((x.id, x.title, x.kind) for x in kb.related(e.id, direction="both"))
            return pages.entry_page(kb, e) + json.dumps(titles)
        if kind == "list":
            return pages.kind_list(kb, args[0], summary=args[1])
        if kind == "schema":
            return pages.schema_table(kb, args[0])
        if kind == "matrix":
            return matrix_table(kb, kb.matrix(*args[:3]), caption=args[3])
        if kind == "graph":
            return json.dumps(_graph_spec_data(app, dict(args[0]), None), sort_keys=True)
        if kind == "glossary":
            return json.dumps([(e.id, e.title, e.summary, kb.schema.other_names(e)) for e in glossary_entries(kb, args[0])])
        if kind == "count":
            return str(count_entries(kb, args[0]))
        if kind == "view":
            from ..render import views

            return views.render(kb, args[0])
    except (SocioaffectiveError, KeyError, ValueError) as exc:
        return f"error: {exc}"
    return ""


def signature(app, spec) -> str:
    text = state(app).schema_hash + spec_output(app, spec)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def note_spec(directive, spec: tuple) -> None:
    env = directive.env
    if not hasattr(env, "socioaffective_specs"):
        env.socioaffective_specs = {}
    env.socioaffective_specs.setdefault(env.docname, {})[spec] = signature(env.app, spec)


def env_get_outdated(app, env, added, changed, removed):
    specs = getattr(env, "socioaffective_specs", {})
    out = []
    for doc, recorded in specs.items():
        if doc in removed or doc in changed:
            continue
        if any(signature(app, spec) != sig for spec, sig in recorded.items()):
            out.append(doc)
    return out


def env_purge_doc(app, env, docname):
    getattr(env, "socioaffective_specs", {}).pop(docname, None)


def env_merge_info(app, env, docnames, other):
    if not hasattr(env, "socioaffective_specs"):
        env.socioaffective_specs = {}
    for doc in docnames:
        if doc in getattr(other, "socioaffective_specs", {}):
            env.socioaffective_specs[doc] = other.socioaffective_specs[doc]




def _graph_spec_data(app, spec, url_for):
    from .graphs import graph_spec_data

    return graph_spec_data(app, spec, url_for)
