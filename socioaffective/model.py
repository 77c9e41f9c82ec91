"""The entries of the knowledge base: plain data, no behaviour beyond reading."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_T = TypeVar("_T", bound="DataclassInstance")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Give ``cls`` compact, fast pickles built from its dataclass fields.

    The pickle is ``(cls, (value of each init field, in order))``, derived from
    :func:`dataclasses.fields`, so a field added later is pickled too (the load
    cache holds many of these; a hand-written list would silently drop it).
    """
    names = [f.name for f in fields(cls) if f.init]
    get = attrgetter(*names)

    def __reduce__(self: _T) -> tuple[type[_T], Any]:
        return (cls, get(self))

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]  # replaced on purpose, see the docstring
    return cls


#: The fields every entry has as attributes (the rest are in ``Entry.fields``):
#: pages, exports and search show them in their own places.
CORE_FIELDS = ("id", "kind", "title", "summary", "description", "provenance")


def _with_locator_and_note(d: dict, locator: str, note: str) -> dict:
    if locator:
        d["locator"] = locator
    if note:
        d["note"] = note
    return d


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a statement comes from and how sure we are.

    ``source`` is a references.bib key or ``"editorial"``; ``grade`` is a grade
    of schema.yaml; ``inherited`` is True on a relation that took its entry's
    provenance.
    """

    source: str
    grade: str
    locator: str = ""
    note: str = ""
    inherited: bool = False
    #: The records (keys of references.bib) that report the statement: the
    #: secondary summaries, derivative works or index pages a grade rests on.
    sources: tuple = ()

    def to_dict(self) -> dict:
        d = _with_locator_and_note({"source": self.source, "grade": self.grade}, self.locator, self.note)
        if self.sources:
            d["sources"] = list(self.sources)
        return d


@_pickled_by_fields
@dataclass(slots=True)
class Relation:
    """A typed link from one entry to another (or to a bib reference)."""

    name: str
    source: str
    target: str
    provenance: Provenance | None  # None only in a framework with errors (load(strict=False))
    locator: str = ""
    note: str = ""
    file: str = ""
    line: int = 0
    #: The direction of an effect, for relations that declare `effects` in schema.yaml.
    effect: str = ""

    def to_dict(self) -> dict:
        d = {"relation": self.name, "source": self.source, "target": self.target, "provenance": self.provenance.to_dict() if self.provenance else None}
        if self.effect:
            d["effect"] = self.effect
        return _with_locator_and_note(d, self.locator, self.note)


@_pickled_by_fields
@dataclass(slots=True)
class Entry:
    """One entry of the framework (or, with kind ``reference``, of references.bib).

    Kind-specific fields are in ``fields`` (e.g. ``entry.fields["poles"]``).
    """

    id: str
    kind: str
    title: str
    summary: str = ""
    description: str = ""
    provenance: Provenance | None = None
    fields: dict = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    file: str = ""
    line: int = 0
    field_lines: dict = field(default_factory=dict)

    @property
    def is_reference(self) -> bool:
        return self.kind == "reference"

    def line_of(self, key: str) -> int:
        return self.field_lines.get(key, self.line)

    def to_dict(self) -> dict:
        d: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "summary": self.summary,
            "description": self.description,
        }
        if self.provenance:
            d["provenance"] = self.provenance.to_dict()
        d.update(self.fields)
        d["relations"] = [r.to_dict() for r in self.relations]
        d["location"] = {"file": self.file, "line": self.line}
        return d

    def __repr__(self) -> str:
        return f"<Entry {self.kind}:{self.id}>"


@dataclass
class Matrix:
    """Entries of one kind against entries of another, by one relation.

    ``cells[(row_id, col_id)]`` holds the :class:`Relation` objects linking them.
    """

    rows: list[Entry]
    cols: list[Entry]
    relation: str
    reversed: bool
    cells: dict[tuple[str, str], list[Relation]] = field(default_factory=dict)

    def get(self, row: str, col: str) -> list[Relation]:
        return self.cells.get((row, col), [])

    def to_lists(self) -> list[list[int]]:
        """The matrix as 0/1 (or counts) rows, in row and column order."""
        return [[len(self.get(r.id, c.id)) for c in self.cols] for r in self.rows]


assert CORE_FIELDS == tuple(f.name for f in fields(Entry))[: len(CORE_FIELDS)]
