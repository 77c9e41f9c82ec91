"""Signatures: a page is outdated exactly when what one of its directives shows changed.

Every directive and role that shows framework data records, per page, one
signature per use: ``(scope key, output hash)``, both defined by its
declaration in :mod:`.registry`. At ``env-get-outdated`` the scope key is
recomputed first (content hashes of the entries it may show: microseconds);
only where it changed is the output rendered again and compared, so an
unchanged page costs no rendering, and a page whose data changed but whose
output did not (a neighbour's description, which no graph shows) is not
re-read.
"""

from __future__ import annotations

from .state import declaration, state

SPECS = "socioaffective_specs"  # env attribute: {docname: {spec: (scope key, output hash)}}


def _specs(env) -> dict:
    if not hasattr(env, SPECS):
        setattr(env, SPECS, {})
    return getattr(env, SPECS)


def record(env, name: str, args: tuple, text: str | None = None) -> tuple:
    """Record that the page being read uses directive ``name`` with ``args``;
    ``text`` is what it shows when the directive rendered it already (else the
    declaration's ``shows`` renders it). Returns the spec ``(key, *args)``."""
    decl = declaration(name, by="name")
    args = tuple(args)
    _specs(env).setdefault(env.docname, {})[(decl.key, *args)] = (decl.scope_key(env.app, args), decl.output_sig(env.app, args, text))
    return (decl.key, *args)


def note_spec(directive, args: tuple, text: str | None = None) -> tuple:
    """:func:`record` for a directive or role (by the name the page used)."""
    directive._sa_recorded = True
    return record(directive.env, directive.name, args, text)


def is_outdated(app, spec: tuple, recorded) -> tuple[bool, tuple | None]:
    """Whether what ``spec`` shows changed; and the record to keep when it did not."""
    try:
        decl = declaration(spec[0])
    except Exception:  # noqa: BLE001 - a spec of an older extension: read the page again
        return True, None
    if not (isinstance(recorded, tuple) and len(recorded) == 2):
        return True, None
    args = tuple(spec[1:])
    scope, out = recorded
    now = decl.scope_key(app, args)
    if now == scope:
        return False, None
    if decl.output_sig(app, args) == out:
        return False, (now, out)  # its data changed, not what it shows: remember the new scope
    return True, None


def env_get_outdated(app, env, added, changed, removed):
    specs = _specs(env)
    out = []
    for doc, recorded in specs.items():
        if doc in removed or doc in changed:
            continue
        for spec, rec in list(recorded.items()):
            stale, keep = is_outdated(app, spec, rec)
            if stale:
                out.append(doc)
                break
            if keep is not None:
                recorded[spec] = keep
    state(app).outdated = set(out)
    return out


def env_before_read_docs(app, env, docnames):
    """Remember which pages this build reads (their graph pages are written again)."""
    state(app).read_docs = set(docnames)


def env_purge_doc(app, env, docname):
    _specs(env).pop(docname, None)


def env_merge_info(app, env, docnames, other):
    mine, theirs = _specs(env), getattr(other, SPECS, {})
    for doc in docnames:
        if doc in theirs:
            mine[doc] = theirs[doc]


def graph_specs(env) -> dict:
    """Every graph spec in the book, by the docname that uses it."""
    out: dict = {}
    for doc, specs in _specs(env).items():
        for spec in specs:
            if spec[0] == "graph":
                out.setdefault(doc, []).append(spec)
    return out
