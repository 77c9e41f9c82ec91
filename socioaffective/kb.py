"""The :class:`KnowledgeBase`: entries, references and the links between them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ArgumentError, UnknownIdError, UnknownKindError, need_text
from .hints import close_matches, did_you_mean, phrase
from .model import Entry, Matrix, Relation
from .problems import Report
from .schema import REFERENCE_KIND, Schema

if TYPE_CHECKING:
    import networkx as nx

DIRECTIONS = ("out", "in", "both")


class KnowledgeBase:
    """A loaded framework. Build one with :func:`socioaffective.load`.

    Examples
    --------
    >>> import socioaffective
    >>> kb = socioaffective.load()
    >>> sorted(e.id for e in kb.entries(kind="need"))
    ['autonomy', 'competence', 'relatedness']
    """

    def __init__(self, root: Path, schema: Schema, entries: list[Entry], references: dict[str, Entry], report: Report):
        self.root = Path(root)
        #: Hash of the files this was loaded from (see socioaffective.cache), or None.
        self.content_key: str | None = None
        self.schema = schema
        self.report = report
        self.references = dict(references)
        order = {k: i for i, k in enumerate(schema.kinds)}
        self._entries: dict[str, Entry] = {e.id: e for e in sorted(entries, key=lambda e: (order.get(e.kind, len(order)), 0))}
        self._by_kind: dict[str, list[Entry]] = {k: [] for k in schema.kinds}
        for e in self._entries.values():
            self._by_kind.setdefault(e.kind, []).append(e)
        self._out: dict[str, list[Relation]] = {}
        self._in: dict[str, list[Relation]] = {}
        ents, refs, out, inn = self._entries, self.references, self._out, self._in
        for e in ents.values():
            for r in e.relations:
                t = r.target
                if t in ents or t in refs:
                    s = r.source
                    if s in out:
                        out[s].append(r)
                    else:
                        out[s] = [r]
                    if t in inn:
                        inn[t].append(r)
                    else:
                        inn[t] = [r]

    def __getstate__(self) -> dict:
        # Pickled whole, indexes included (the load cache), but not the graph:
        # it is rebuilt on first use, and it is the largest part.
        state = self.__dict__.copy()
        state.pop("graph", None)
        return state

    # -- lookup ------------------------------------------------------------
    def __contains__(self, id: str) -> bool:
        return id in self._entries or id in self.references

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def get(self, id: str) -> Entry:
        """The entry (or bib reference) with this id.

        Raises :class:`UnknownIdError`, with suggestions, for an unknown id.

        >>> import socioaffective
        >>> socioaffective.load().get("competence").title
        'Competence'
        >>> socioaffective.load().get("competense")
        Traceback (most recent call last):
        ...
        socioaffective.errors.UnknownIdError: no entry with id `competense`; did you mean `competence`?
        """
        need_text("id", id)
        e = self._entries.get(id)
        if e is None:
            e = self.references.get(id)
        if e is None:
            raise UnknownIdError(id, self.suggest(id))
        return e

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Ids that look like ``text`` (by id, then by title)."""
        ids = list(self._entries) + list(self.references)
        close = close_matches(text, ids, n=n)
        if not close:
            titles = {e.title.lower(): e.id for e in self._entries.values()}
            close = [titles[t] for t in close_matches(str(text).lower(), titles, n=n)]
        return close

    def entries(self, kind: str | None = None) -> list[Entry]:
        """Framework entries (not bib references), optionally of one kind.

        >>> import socioaffective
        >>> len(socioaffective.load().entries(kind="dilemma"))
        3
        """
        need_text("kind", kind, optional=True)
        if kind is None:
            return list(self._entries.values())
        if kind == REFERENCE_KIND:
            return list(self.references.values())
        if kind not in self.schema.kinds:
            hint = did_you_mean(kind, self.schema.kinds, n=1)
            raise UnknownKindError(f"no kind `{kind}`" + (f"; {hint}" if hint else "") + " (kinds: " + ", ".join(self.schema.kinds) + ")")
        return list(self._by_kind.get(kind, ()))

    def check_relation_name(self, relation: str | None) -> None:
        """Raise :class:`UnknownKindError`, with a hint, unless ``relation`` is ``None`` or a relation of the schema.

        >>> import socioaffective
        >>> socioaffective.load().check_relation_name("frustrate")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        socioaffective.errors.UnknownKindError: no relation `frustrate`; did you mean `frustrates`? (relations: ...
        """
        need_text("relation", relation, optional=True)
        if relation is not None and relation not in self.schema.relations:
            rel = self.schema.relation_by_label(relation)
            hint = phrase([rel.name]) if rel else did_you_mean(relation, self.schema.relations, n=1)
            hint = f"; {hint}" if hint else ""
            raise UnknownKindError(f"no relation `{relation}`{hint} (relations: " + ", ".join(self.schema.relations) + ")")

    def relations(self, id: str | None = None, relation: str | None = None, direction: str = "out") -> list[Relation]:
        """Links of one entry (``direction`` ``out``, ``in`` or ``both``), or all links.

        >>> import socioaffective
        >>> kb = socioaffective.load()
        >>> {r.target for r in kb.relations("social-reward-hacking", "frustrates")} == {"competence", "autonomy", "relatedness"}
        True
        """
        if not isinstance(direction, str) or direction not in DIRECTIONS:
            raise ArgumentError(f"direction must be one of {', '.join(DIRECTIONS)}, not `{direction}`")
        self.check_relation_name(relation)
        need_text("id", id, optional=True)
        if id is None:
            out = [r for rels in self._out.values() for r in rels]
        else:
            self.get(id)
            out = []
            if direction in ("out", "both"):
                out += self._out.get(id, ())
            if direction in ("in", "both"):
                out += self._in.get(id, ())
            if direction != "both":
                # a symmetric link reads the same from both ends
                other = self._in if direction == "out" else self._out
                out += [r for r in other.get(id, ()) if self.schema.relations[r.name].symmetric]
        if relation is not None:
            out = [r for r in out if r.name == relation]
        return out

    def related(self, id: str, relation: str | None = None, direction: str = "out") -> list[Entry]:
        """Entries linked to ``id``: targets (``out``), sources (``in``) or both.

        >>> import socioaffective
        >>> kb = socioaffective.load()
        >>> [e.id for e in kb.related("present-vs-future-self", "engages")]
        ['competence']
        """
        seen: dict[str, Entry] = {}
        for r in self.relations(id, relation, direction):
            other = r.target if r.source == id else r.source
            if other not in seen:
                seen[other] = self.get(other)
        return list(seen.values())

    def outgoing(self, id: str) -> dict[str, list[Relation]]:
        """Outgoing links grouped by relation name, in schema order."""
        groups: dict[str, list[Relation]] = {}
        for r in self._out.get(id, ()):
            groups.setdefault(r.name, []).append(r)
        return {n: groups[n] for n in self.schema.relations if n in groups}

    def incoming(self, id: str) -> dict[str, list[Relation]]:
        """Incoming links grouped by relation name (shown under the inverse label)."""
        groups: dict[str, list[Relation]] = {}
        for r in self._in.get(id, ()):
            groups.setdefault(r.name, []).append(r)
        return {n: groups[n] for n in self.schema.relations if n in groups}

    # -- graph and queries ---------------------------------------------------
    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The framework as a ``networkx.MultiDiGraph`` (built on first use).

        >>> import socioaffective
        >>> g = socioaffective.load().graph
        >>> g.nodes["autonomy"]["kind"], type(g).__name__
        ('need', 'MultiDiGraph')
        """
        from .graph import build_graph
        from .yamlio import gc_paused

        with gc_paused():
            return build_graph(self)

    def path(self, a: str, b: str, relations: list[str] | None = None) -> list[str]:
        """Ids on a shortest path between ``a`` and ``b``, ignoring direction."""
        from .query import path

        return path(self, a, b, relations)

    def search(self, text: str, kind: str | None = None, limit: int | None = None) -> list[Entry]:
        """Entries matching every word of ``text``, best first."""
        from .query import search

        return search(self, text, kind, limit)

    def matrix(self, row_kind: str, col_kind: str, relation: str) -> Matrix:
        """Entries of ``row_kind`` against ``col_kind`` linked by ``relation``."""
        from .query import matrix

        return matrix(self, row_kind, col_kind, relation)

    def subgraph(self, ids: str | Iterable[str], depth: int = 1) -> nx.MultiDiGraph:
        """The neighbourhood of ``ids`` up to ``depth`` hops (any direction)."""
        from .graph import neighbourhood

        return neighbourhood(self.graph, [ids] if isinstance(ids, str) else list(ids), depth)

    def to_pyvis(self, id: str | None = None, *, depth: int = 1, kinds: str | Iterable[str] | None = None, **options: Any) -> Any:
        """A ``pyvis.network.Network`` of ``id``'s neighbourhood (``depth`` links), of
        the entries of ``kinds``, or of everything, drawn as the book draws it and
        rendering offline (:func:`socioaffective.render.pyvis_network.to_pyvis`)."""
        from .render.pyvis_network import to_pyvis

        return to_pyvis(self, id, depth=depth, kinds=kinds, **options)

    def __repr__(self) -> str:
        return f"<KnowledgeBase {len(self._entries)} entries, {len(self.references)} references from {self.root}>"
