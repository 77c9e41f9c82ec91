"""Check raw entries against the schema, and turn them into :class:`Entry` objects.

The checks are the small rule functions of :data:`RULES`, one list: each
:class:`Rule` has a name, the problem codes it may report (every one declared
in :mod:`socioaffective.codes`) and a function from a :class:`Context` (the
raw records, the schema, the references) to the problems it finds. Every rule
reports and carries on, so one run lists every problem. Rules are driven by
:class:`~socioaffective.schema.Schema`: no kind, field or relation is named
here. To add a rule, write its function, add its code to ``codes.py`` and a
case to ``tests/fixtures/invalid/``, and append it to :data:`RULES`.

This module reads no file: :func:`socioaffective.loader.load` reads, then calls
:func:`check_records` and :func:`build_entries`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple, Protocol

from . import links
from .hints import did_you_mean, slugify, type_name
from .model import Entry, Provenance, Relation
from .problems import Problem
from .schema import EDITORIAL, MAX_ID_LENGTH, REFERENCE_KIND, FieldSpec, Kind, LinkRule, RelationType, Schema
from .terminal import LINE_BREAKS, describe, invisible_characters
from .yamlio import LocDict

if TYPE_CHECKING:
    pass

_REL_ITEM_KEYS = {"target", "provenance", "locator", "note", "effect"}
_PROV_KEYS = {"source", "grade", "locator", "note", "sources"}


def _describe_bad_id(value: str) -> str:
    if len(value) > MAX_ID_LENGTH:
        return f"it is {len(value):,} characters long; the limit is {MAX_ID_LENGTH}"
    for ch in value:
        if ch in "\r\n\t\v\f\x85\u2028\u2029":
            return f"it contains a line break or tab ({ch!r})"
        if ord(ch) > 127:
            return f"it contains the non-ASCII character {ch!r} ({unicodedata.name(ch, f'U+{ord(ch):04X}')}), which looks like an ASCII letter but is not"
    if " " in value:
        return "it contains spaces"
    if value != value.lower():
        return "it contains capital letters"
    if "_" in value:
        return "it contains underscores"
    if "--" in value or value.startswith("-") or value.endswith("-"):
        return "hyphens must separate words (no leading, trailing or double hyphens)"
    if value[:1].isdigit():
        return "it starts with a digit"
    return "it does not match the id pattern"


# -- the context every rule reads -------------------------------------------------
class RawRecord(Protocol):
    """What the rules read of a loader record (:class:`socioaffective.loader.Record`)."""

    data: LocDict
    file: str


class View(NamedTuple):
    """One raw record as the rules see it."""

    rec: RawRecord
    d: LocDict
    file: str
    who: str  # the id if it is text, else ""
    kind: Kind | None
    fields: dict  # every field an entry of its kind may have
    values: tuple  # (key, FieldSpec) of the fields it gives, but id and kind
    rels: tuple  # the RelationType of each relation key it gives
    unknown: tuple  # keys that are neither


class Link(NamedTuple):
    """One link as written: a text target, listed once in its relation."""

    view: View
    relation: RelationType
    target: str
    line: int


class Context:
    """What the rules read: the schema, the raw records, the references, and indexes over them."""

    def __init__(self, schema: Schema, records, references: dict, bib_exists: bool = True):
        self.schema = schema
        self.records = list(records)
        self.references = references
        self.bib_exists = bib_exists
        self.first: dict[str, tuple[str, int]] = {}  # id -> where it is first declared
        self.ids_kinds: dict[str, str] = {}
        self.duplicated: set[str] = set()
        self.clashes: list[tuple[RawRecord, str, str]] = []  # (record, id, with what)
        for rec in self.records:
            eid = rec.data.get("id")
            if not isinstance(eid, str) or not eid:
                continue
            if eid in self.first:
                self.duplicated.add(eid)
                self.clashes.append((rec, eid, "entry"))
            elif eid in references:
                self.clashes.append((rec, eid, "reference"))
            else:
                self.first[eid] = (rec.file, rec.data.line_of("id"))
                kind = rec.data.get("kind")
                self.ids_kinds[eid] = kind if isinstance(kind, str) else ""
        self._fields: dict[str | None, dict] = {}
        self.views = [self._view(rec) for rec in self.records]

    def _view(self, rec) -> View:
        d = rec.data
        eid = d.get("id")
        kind_name = d.get("kind")
        kind = self.schema.kinds.get(kind_name) if isinstance(kind_name, str) else None
        name = kind.name if kind else None
        fields = self._fields.get(name)
        if fields is None:
            fields = self._fields[name] = self.schema.fields_of(kind.name) if kind else dict(self.schema.common_fields)
        relations = self.schema.relations
        values, rels, unknown = [], [], []
        for key in d:  # fields win over relations of the same name
            if key in fields:
                if key != "id" and key != "kind":
                    values.append((key, fields[key]))
            elif key in relations:
                rels.append(relations[key])
            else:
                unknown.append(key)
        return View(rec, d, rec.file, eid if isinstance(eid, str) else "", kind, fields, tuple(values), tuple(rels), tuple(unknown))

    def relation_values(self) -> Iterator[tuple[View, RelationType]]:
        """Every relation key of every record (fields win over relations of the same name)."""
        for v in self.views:
            for rel in v.rels:
                yield v, rel

    def relation_items(self) -> list[tuple[View, RelationType, object, int]]:
        """Every item of every relation value, with its line."""
        return self._relation_items

    @cached_property
    def _relation_items(self) -> list[tuple[View, RelationType, object, int]]:
        self._index_links()
        return self.__dict__["_relation_items"]

    @cached_property
    def links(self) -> list[Link]:
        """Every link with a text target, each target once per relation of an entry."""
        self._index_links()
        return self.__dict__["links"]

    @cached_property
    def links_from(self) -> dict[tuple[int, str], list[Link]]:
        """The links of each record, per relation: ``{(id(record), relation): [links]}``."""
        self._index_links()
        return self.__dict__["links_from"]

    @cached_property
    def links_to(self) -> dict[str, list[Link]]:
        """The links to each id."""
        self._index_links()
        return self.__dict__["links_to"]

    def _index_links(self) -> None:
        """One pass over every relation value: its items, its links and their indexes."""
        if "links_to" in self.__dict__:
            return
        items: list[tuple[View, RelationType, object, int]] = []
        links: list[Link] = []
        links_from: dict[tuple[int, str], list[Link]] = {}
        links_to: dict[str, list[Link]] = {}
        for v in self.views:
            for rel in v.rels:
                value = v.d[rel.name]
                if value is None:
                    continue
                is_list = isinstance(value, list)
                line = v.d.line_of(rel.name)
                located = is_list and hasattr(value, "line_of")
                mine: list[Link] = []
                for i, item in enumerate(value if is_list else (value,)):
                    iline = value.line_of(i) if located else line
                    if isinstance(item, LocDict):
                        iline = item.line_of("target") if "target" in item else item.line
                        target = item.get("target")
                    else:
                        target = item
                    items.append((v, rel, item, iline))
                    if isinstance(target, str) and not any(l.target == target for l in mine):
                        link = Link(v, rel, target, iline)
                        mine.append(link)
                        links.append(link)
                        links_to.setdefault(target, []).append(link)
                if mine:
                    links_from[(id(v.rec), rel.name)] = mine
        self.__dict__.update(_relation_items=items, links=links, links_from=links_from, links_to=links_to)

    def kind_of(self, target: str) -> str | None:
        """The kind at the end of a link, or None if unknown (dangling, ambiguous)."""
        if target in self.references:
            return REFERENCE_KIND
        if target in self.duplicated or target not in self.ids_kinds:
            return None
        return self.ids_kinds[target] or None


@dataclass(frozen=True)
class Rule:
    """One validation rule: its name, the codes it may report, and its check."""

    name: str
    codes: tuple[str, ...]
    check: Callable[[Context], Iterable[Problem]]

    @property
    def doc(self) -> str:
        return (self.check.__doc__ or "").strip().splitlines()[0] if self.check.__doc__ else ""


def _p(file: str, line: int, code: str, entry: str, message: str, hint: str = "") -> Problem:
    return Problem(file, line, code, entry, message, hint)


# -- entries ----------------------------------------------------------------------
def unique_ids(ctx: Context) -> Iterator[Problem]:
    """Ids are unique across the framework and distinct from references.bib keys."""
    for rec, eid, other in ctx.clashes:
        line = rec.data.line_of("id")
        if other == "entry":
            f, l = ctx.first[eid]
            yield _p(rec.file, line, "duplicate-id", eid, f"the id `{eid}` is already used at {f}:{l}", "ids are unique across the framework: rename one")
        else:
            yield _p(rec.file, line, "duplicate-id", eid, f"the id `{eid}` is also a key in references.bib", "choose an id that is not a bib key")


def entry_ids(ctx: Context) -> Iterator[Problem]:
    """Every entry has an id of the schema's `id_pattern`."""
    for v in ctx.views:
        d, eid = v.d, v.d.get("id")
        if "id" not in d:
            title = d.get("title")
            hint = f"for example `id: {slugify(title)}`" if isinstance(title, str) else "add `id: some-kebab-case-id`"
            yield _p(v.file, d.line, "missing-field", "", "the entry has no `id`", hint)
        elif not ctx.schema.valid_id(eid):
            shown = str(eid)  # printed through terminal.for_terminal, which shows a line break as \n
            title = d.get("title")
            better = slugify(eid) if isinstance(eid, str) else slugify(title if isinstance(title, str) else f"entry {shown}")
            yield _p(
                v.file,
                d.line_of("id"),
                "bad-id",
                shown,
                f"the id `{shown}` is not valid: {_describe_bad_id(eid) if isinstance(eid, str) else 'it must be text'}",
                f"use `{better}`",
            )


def invisible_text(ctx: Context) -> Iterator[Problem]:
    """Ids and titles hold no invisible characters."""
    for v in ctx.views:
        for name in ("id", "title"):
            value = v.d.get(name)
            found = invisible_characters(value) if isinstance(value, str) else []
            if found:
                where = ", ".join(f"{describe(ch)} at character {i}" for i, ch in found[:3]) + (" ..." if len(found) > 3 else "")
                yield _p(
                    v.file,
                    v.d.line_of(name),
                    "invisible-character",
                    v.who,
                    f"the {name} holds an invisible character: {where}; it shows differently from what is stored",
                    "delete the character (most editors can show invisible characters)",
                )


def entry_kinds(ctx: Context) -> Iterator[Problem]:
    """Every entry has a kind declared in schema.yaml."""
    kinds = ctx.schema.kinds
    for v in ctx.views:
        if "kind" not in v.d:
            yield _p(v.file, v.d.line, "missing-field", v.who, "the entry has no `kind`", "kinds: " + ", ".join(kinds))
        elif v.kind is None:
            kind_name = v.d.get("kind")
            yield _p(
                v.file,
                v.d.line_of("kind"),
                "unknown-kind",
                v.who,
                f"the kind `{kind_name}` is not declared in schema.yaml",
                did_you_mean(kind_name, kinds) or "kinds: " + ", ".join(kinds),
            )


def unknown_keys(ctx: Context) -> Iterator[Problem]:
    """Every key of an entry is a field of its kind or a relation."""
    relations = ctx.schema.relations
    for v in ctx.views:
        for key in v.unknown:
            hint = did_you_mean(key, list(v.fields) + list(relations))
            if not hint and v.kind is not None:
                hint = f"fields of a {v.kind.name}: " + ", ".join(v.fields) + "; relations: " + ", ".join(relations)
            yield _p(
                v.file,
                v.d.line_of(key),
                "unknown-field",
                v.who,
                f"`{key}` is not a field of {('a ' + v.kind.name) if v.kind else 'this entry'} nor a relation",
                hint,
            )


def required_fields(ctx: Context) -> Iterator[Problem]:
    """Required fields are there, and one of a kind's `requires_one_of`."""
    for v in ctx.views:
        d, kind = v.d, v.kind
        for name, spec in v.fields.items():
            if spec.required and name not in d and name not in ("id", "kind"):
                yield _p(v.file, d.line, "missing-field", v.who, f"the required field `{name}` is missing", _add_hint(name, spec))
        if kind and kind.requires_one_of and not any(d.get(n) not in (None, "", []) for n in kind.requires_one_of):
            names = " or ".join(f"`{n}`" for n in kind.requires_one_of)
            yield _p(
                v.file,
                d.line,
                "missing-field",
                v.who,
                f"a {kind.name} needs at least one of {names}",
                f"add {names} (see `requires_one_of` of the kind in schema.yaml)",
            )


def field_values(ctx: Context) -> Iterator[Problem]:
    """Every field value has its field's type, values, length and item count."""
    for v in ctx.views:
        for key, spec in v.values:
            if spec.type != "provenance":
                yield from _value_problems(ctx, v.file, v.d.line_of(key), v.who, key, v.d[key], spec)


def _value_problems(ctx: Context, f: str, line: int, who: str, name: str, value, spec: FieldSpec) -> Iterator[Problem]:
    t = spec.type
    if t == "provenance":
        yield from _provenance_problems(ctx, f, line, who, value, name)
        return
    if value is None:
        if spec.required:
            yield _p(f, line, "missing-field", who, f"`{name}` is empty", _add_hint(name, spec))
        return
    if t in ("string", "text", "enum") or t in links.LINK_TYPES:
        yield from _text_problems(f, line, who, name, value, spec)
    elif t == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            yield _p(f, line, "wrong-type", who, f"`{name}` must be a whole number, not a {type_name(value)}", "write digits only, without quotes, e.g. `2025`")
    elif t == "boolean":
        if not isinstance(value, bool):
            yield _p(f, line, "wrong-type", who, f"`{name}` must be true or false, not a {type_name(value)}", "write `true` or `false`, without quotes")
    elif t == "list":
        if not isinstance(value, list):
            yield _p(f, line, "wrong-type", who, f"`{name}` must be a list, not a {type_name(value)}", "write one item per line, each starting with `- `")
            return
        if spec.min_items is not None and len(value) < spec.min_items:
            yield _p(
                f,
                line,
                "bad-value",
                who,
                f"`{name}` has {len(value)} item(s); at least {spec.min_items} needed",
                f"add {spec.min_items - len(value)} more item(s)",
            )
        if spec.max_items is not None and len(value) > spec.max_items:
            yield _p(
                f, line, "bad-value", who, f"`{name}` has {len(value)} items; at most {spec.max_items} allowed", f"remove {len(value) - spec.max_items} item(s)"
            )
        if spec.items:
            for i, item in enumerate(value):
                yield from _value_problems(ctx, f, value.line_of(i) if hasattr(value, "line_of") else line, who, f"{name}[{i + 1}]", item, spec.items)


def _text_problems(f: str, line: int, who: str, name: str, value, spec: FieldSpec) -> Iterator[Problem]:
    t = spec.type
    if not isinstance(value, str):
        yield _p(
            f,
            line,
            "wrong-type",
            who,
            f"`{name}` must be text, not a {type_name(value)}",
            _quote_hint(value) or "write it as one line of text" + ("" if t == "string" else " (or a `>-` block for paragraphs)"),
        )
        return
    if t == "string" and not LINE_BREAKS.isdisjoint(value.strip()):  # CR, U+2028, U+0085 ... end a line too
        yield _p(f, line, "wrong-type", who, f"`{name}` must be a single line", "use a `text` field for paragraphs, or remove the line breaks")
    if spec.max_length and len(value) > spec.max_length:
        yield _p(
            f, line, "bad-value", who, f"`{name}` is {len(value)} characters long; the limit is {spec.max_length}", "shorten it; put detail in the description"
        )
    if t == "enum" and value not in spec.values:
        yield _p(
            f,
            line,
            "bad-value",
            who,
            f"`{name}` is `{value}`; allowed: " + ", ".join(f"`{v}`" for v in spec.values),
            did_you_mean(value, [str(v) for v in spec.values]) or "use one of the allowed values",
        )
    if spec.pattern and not re.fullmatch(spec.pattern, value):
        yield _p(
            f,
            line,
            "bad-value",
            who,
            f"`{name}` is `{value}`, which does not have the form the schema expects",
            f"write it in the form `{spec.pattern}` (schema.yaml), exactly as its publisher spells it",
        )
    if t in links.LINK_TYPES:
        why = links.problem(t, value)
        if why:
            yield _p(
                f,
                line,
                "bad-value",
                who,
                f"`{name}` is not a valid {links.NAMES[t]}: {why}",
                f"write it as, e.g., `{links.example(t)}`" + ("; percent-encode other characters (%20 for a space)" if t == "url" else ""),
            )


# -- provenance -------------------------------------------------------------------
def provenances(ctx: Context) -> Iterator[Problem]:
    """Every provenance (of an entry, of a link) has a known source and grade, with enough sources."""
    for v in ctx.views:
        for key, spec in v.values:
            if spec.type == "provenance":
                yield from _provenance_problems(ctx, v.file, v.d.line_of(key), v.who, v.d[key], key)
    for v, rel, item, _ in ctx.relation_items():
        if isinstance(item, LocDict) and "provenance" in item:
            yield from _provenance_problems(ctx, v.file, item.line_of("provenance"), v.who, item["provenance"], f"{rel.name} provenance")


def _provenance_problems(ctx: Context, f: str, line: int, who: str, value, where: str) -> Iterator[Problem]:
    grades, references = ctx.schema.grades, ctx.references
    if not isinstance(value, LocDict):
        yield _p(
            f,
            line,
            "bad-provenance",
            who,
            f"`{where}` must be a mapping with `source` and `grade`, not a {type_name(value)}",
            "provenance: {source: editorial, grade: editorial}",
        )
        return
    for key in value:
        if key not in _PROV_KEYS:
            yield _p(
                f,
                value.line_of(key),
                "bad-provenance",
                who,
                f"`{where}` has an unknown key `{key}`",
                did_you_mean(key, _PROV_KEYS) or "keys: source, grade, locator, note",
            )
    source, grade = value.get("source"), value.get("grade")
    if not isinstance(source, str) or not source:
        yield _p(
            f,
            value.line_of("source"),
            "bad-provenance",
            who,
            f"`{where}` needs a `source` (a bib key or `editorial`)",
            "add `source: <bib key>` or `source: editorial`",
        )
    elif source != EDITORIAL and source not in references:
        yield _p(
            f,
            value.line_of("source"),
            "unknown-source",
            who,
            f"the provenance source `{source}` is not `editorial` nor a key in references.bib",
            did_you_mean(source, list(references) + [EDITORIAL]) or "add the work to references.bib, or fix the key",
        )
    if not isinstance(grade, str) or not grade:
        yield _p(f, value.line_of("grade"), "bad-provenance", who, f"`{where}` needs a `grade`", "grades: " + ", ".join(grades))
    elif grade not in grades:
        yield _p(
            f,
            value.line_of("grade"),
            "unknown-grade",
            who,
            f"the grade `{grade}` is not declared in schema.yaml",
            did_you_mean(grade, grades) or "grades: " + ", ".join(grades),
        )
    if isinstance(source, str) and isinstance(grade, str) and (source == EDITORIAL) != (grade == EDITORIAL) and grade in grades:
        yield _p(
            f,
            value.line_of("grade"),
            "provenance-mismatch",
            who,
            f"source `{source}` with grade `{grade}`: `editorial` goes with `editorial`",
            "either both `editorial`, or a bib key with a non-editorial grade",
        )
    for key in ("locator", "note"):
        if key in value and not isinstance(value[key], (str, int)):
            yield _p(f, value.line_of(key), "wrong-type", who, f"`{where}.{key}` must be text", "write it as one line of text")
    yield from _source_problems(ctx, f, line, who, value, where, grade)


def _source_problems(ctx: Context, f: str, line: int, who: str, value, where: str, grade) -> Iterator[Problem]:
    """`sources`: keys of references.bib; as many distinct ones as the grade's `min_sources`."""
    references = ctx.references
    sources = value.get("sources")
    names: list[str] = []
    sline = value.line_of("sources") if "sources" in value else value.line_of("grade") if "grade" in value else line
    if sources is not None:
        items = sources if isinstance(sources, list) else [sources]
        for i, item in enumerate(items):
            iline = items.line_of(i) if hasattr(items, "line_of") else sline
            if not isinstance(item, str) or not item:
                yield _p(f, iline, "wrong-type", who, f"`{where}.sources` must list bib keys, not a {type_name(item)}", "write `sources: [key, other-key]`")
            elif item not in references:
                yield _p(
                    f,
                    iline,
                    "unknown-source",
                    who,
                    f"the source `{item}` in `{where}.sources` is not a key in references.bib",
                    did_you_mean(item, references) or "add the source record to references.bib (author or site, title, url, urldate), or fix the key",
                )
            elif item not in names:
                names.append(item)
    g = ctx.schema.grades.get(grade) if isinstance(grade, str) else None
    # a record derived from another (bib field `derivedfrom`) is not independent of it
    origins = {(references[n].fields.get("derivedfrom") or n) for n in names}
    if g is not None and g.min_sources and len(origins) < g.min_sources:
        have = f"names {len(origins)} independent one(s)" if names else "names none"
        yield _p(
            f,
            sline,
            "too-few-sources",
            who,
            f"`{where}` is graded `{grade}`, which needs at least {g.min_sources} distinct source(s) in `sources`, but it {have}",
            f"list the records it rests on: `sources: [key{', other-key' if g.min_sources > 1 else ''}]` (keys of references.bib), or lower the grade",
        )


# -- links ------------------------------------------------------------------------
def source_kinds(ctx: Context) -> Iterator[Problem]:
    """An entry uses only relations whose `from:` allows its kind."""
    for v, rel in ctx.relation_values():
        kind = v.kind
        if kind is not None and not rel.allows_source(kind.name):
            yield _p(
                v.file,
                v.d.line_of(rel.name),
                "source-kind",
                v.who,
                f"a {kind.name} may not use `{rel.name}` (allowed from: {', '.join(rel.sources)})",
                f"use a relation a {kind.name} may use, or add `{kind.name}` to `from:` of `{rel.name}` in schema.yaml",
            )


def link_items(ctx: Context) -> Iterator[Problem]:
    """Every link is an id, or a mapping with `target` and the keys its relation allows, listed once."""
    seen: set[tuple[int, str, str]] = set()
    for v, rel, item, iline in ctx.relation_items():
        f, who, name = v.file, v.who, rel.name
        if isinstance(item, LocDict):
            yield from _item_key_problems(f, who, rel, item)
            target = item.get("target")
            if target is None:
                yield _p(f, iline, "bad-relation", who, f"a `{name}` item has no `target`", "write `target: <id>`")
                continue
        else:
            target = item
        if not isinstance(target, str) or isinstance(target, bool):
            yield _p(f, iline, "bad-relation", who, f"a `{name}` target must be an id, not a {type_name(target)} (`{target}`)", _quote_hint(target))
            continue
        key = (id(v.rec), name, target)
        if key in seen:
            yield _p(f, iline, "duplicate-relation", who, f"`{name}: {target}` is listed twice", "remove the repeated item")
        seen.add(key)


def _item_key_problems(f: str, who: str, rel: RelationType, item: LocDict) -> Iterator[Problem]:
    name = rel.name
    for key in item:
        if key not in _REL_ITEM_KEYS:
            yield _p(
                f,
                item.line_of(key),
                "bad-relation",
                who,
                f"a `{name}` item has an unknown key `{key}`",
                did_you_mean(key, _REL_ITEM_KEYS) or "keys: target, provenance, locator, note",
            )
    if "effect" in item:
        eff = item["effect"]
        if not rel.effects:
            yield _p(
                f,
                item.line_of("effect"),
                "bad-relation",
                who,
                f"`{name}` links take no `effect`",
                "effects belong on relations declared with `effects:` in schema.yaml",
            )
        elif eff not in rel.effects:
            yield _p(
                f,
                item.line_of("effect"),
                "bad-value",
                who,
                f"the `effect` of a `{name}` link is `{eff}`; allowed: " + ", ".join(f"`{v}`" for v in rel.effects),
                did_you_mean(eff, rel.effects) or "use one of the allowed values",
            )
    if "locator" in item and not rel.locator:
        yield _p(
            f, item.line_of("locator"), "bad-relation", who, f"`{name}` links take no locator", "locators belong on relations declared with `locator: true`"
        )
    for key in ("locator", "note"):
        if key in item and not isinstance(item[key], (str, int)):
            yield _p(f, item.line_of(key), "wrong-type", who, f"`{name}` {key} must be text, not a {type_name(item[key])}", "write it as one line of text")


def _judge(ctx: Context, link: Link) -> tuple[Problem | None, bool]:
    """The problem with a link's target (or None), and whether it is a sound edge."""
    v, rel, target, iline = link
    f, who, name = v.file, v.who, rel.name
    if rel.cites_references:
        if target in ctx.references:
            return None, False
        if ctx.bib_exists:
            return _p(
                f,
                iline,
                "unknown-cite-key",
                who,
                f"`{target}` is not a key in references.bib",
                did_you_mean(target, ctx.references) or "add the work to references.bib",
            ), False
        return _p(f, iline, "bib-missing", who, f"`{target}` is cited but references.bib does not exist", "create references.bib at the framework root"), False
    if target in ctx.references:
        tkind = REFERENCE_KIND
    elif target in ctx.ids_kinds:
        tkind = ctx.ids_kinds[target]
    else:
        return _p(
            f,
            iline,
            "dangling-target",
            who,
            f"`{name}` points to `{target}`, which no entry has",
            did_you_mean(target, ctx.ids_kinds) or "check the id, or add the entry",
        ), False
    if target == who and not rel.allow_self:
        return _p(
            f,
            iline,
            "self-relation",
            who,
            f"the entry is linked to itself by `{name}`",
            f"remove the link, or set `allow_self: true` on `{name}` in schema.yaml",
        ), False
    if target in ctx.duplicated:
        return None, False  # which entry is meant is unclear; duplicate-id says why
    if (tkind and tkind in ctx.schema.kinds or tkind == REFERENCE_KIND) and not rel.allows_target(tkind):
        return _p(
            f,
            iline,
            "target-kind",
            who,
            f"`{name}` may not point to a {tkind} (`{target}`); allowed: {', '.join(rel.targets)}",
            f"point to a {' or '.join(rel.targets)}, or add `{tkind}` to `to:` of `{name}` in schema.yaml",
        ), False
    return None, True


def link_targets(ctx: Context) -> Iterator[Problem]:
    """Every link points to an existing entry (or bib key) of a kind its relation allows."""
    for link in ctx.links:
        problem, _ = _judge(ctx, link)
        if problem is not None:
            yield problem


def acyclic_relations(ctx: Context) -> Iterator[Problem]:
    """Relations declared `acyclic` form no cycle."""
    edges: dict[str, list[tuple[str, str, str, int]]] = {}
    for link in ctx.links:
        if link.relation.acyclic and link.view.who and _judge(ctx, link)[1]:
            edges.setdefault(link.relation.name, []).append((link.view.who, link.target, link.view.file, link.line))
    for name, rel_edges in sorted(edges.items()):
        yield from _cycles(name, rel_edges)


def _cycles(name: str, rel_edges) -> Iterator[Problem]:
    adj: dict[str, list[tuple[str, str, int]]] = {}
    for s, t, f, l in rel_edges:
        adj.setdefault(s, []).append((t, f, l))
    color: dict[str, int] = {}
    for start in sorted(adj):
        if color.get(start):
            continue
        path: list[str] = [start]
        stack = [(start, iter(adj.get(start, ())))]
        color[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                color[node] = 2
                stack.pop()
                path.pop()
                continue
            t, f, l = nxt
            c = color.get(t, 0)
            if c == 1:
                cyc = path[path.index(t) :] + [t]
                yield _p(f, l, "cycle", node, f"`{name}` is declared acyclic but forms a cycle: " + " -> ".join(cyc), f"remove one of these `{name}` links")
            elif c == 0:
                color[t] = 1
                path.append(t)
                stack.append((t, iter(adj.get(t, ()))))


# -- cardinality (schema `cardinality:` and `required_relations`) --------------------
def _one(n: int) -> str:
    return "one" if n == 1 else str(n)


def _or(names) -> str:
    return " or ".join(names)


def _a(word: str) -> str:
    """``word`` with its indefinite article: 'a risk', 'an agenda'."""
    return ("an " if word[:1] in "aeiou" else "a ") + word


def link_counts(ctx: Context) -> Iterator[Problem]:
    """An entry has as many links of a relation as its kind's `links` count (or `required_relations`) asks."""
    for v in ctx.views:
        if v.kind is None:
            continue
        for rule in ctx.schema.link_rules_of(v.kind.name):
            rel = ctx.schema.relations[rule.relation]
            if rule.short_form or (rule.min == 1 and not rule.kinds and rule.max is None and not rel.symmetric):
                if not v.d.get(rule.relation):  # the short form: at least one link, any target
                    yield _p(
                        v.file,
                        v.d.line,
                        "missing-relation",
                        v.who,
                        f"a {v.kind.name} must have at least one `{rel.name}` link",
                        f"add `{rel.name}:` with a {_or(rel.targets)} id",
                    )
                continue
            yield from _count_problems(ctx, v, rule, rel)


def _partners(ctx: Context, v: View, rule: LinkRule, rel: RelationType) -> tuple[list[str], int]:
    """The counted ends of an entry's links (known kinds), and how many more might count (unknown ends)."""
    counted: dict[str, None] = {}
    unsure = 0
    value = v.d.get(rel.name)
    items = value if isinstance(value, list) else ([] if value is None else [value])
    targets = [link.target for link in ctx.links_from.get((id(v.rec), rel.name), ())]
    unsure += sum(1 for item in items if not isinstance(item.get("target") if isinstance(item, LocDict) else item, str))
    for t in targets:
        kind = ctx.kind_of(t)
        if kind is None:
            unsure += 1
        elif rule.counts(kind):
            counted[t] = None
    if rel.symmetric and v.who:  # a symmetric link counts for both of its entries
        for link in ctx.links_to.get(v.who, ()):
            if link.relation is rel and link.view.who and link.view.who not in counted and rule.counts(link.view.kind.name if link.view.kind else None):
                counted[link.view.who] = None
    return list(counted), unsure


def _count_problems(ctx: Context, v: View, rule: LinkRule, rel: RelationType) -> Iterator[Problem]:
    have, unsure = _partners(ctx, v, rule, rel)
    assert v.kind is not None  # count rules run on entries of a declared kind
    kind, name = v.kind.name, rel.name
    to = f" to {_or(_a(k) for k in rule.kinds)}" if rule.kinds else ""
    s = "" if rule.min == 1 else "s"
    if len(have) + unsure < rule.min:
        now = "none" if not have else f"only {len(have)}"
        yield _p(
            v.file,
            v.d.line,
            "missing-relation",
            v.who,
            f"{_a(kind)} must have at least {_one(rule.min)} `{name}` link{s}{to}",
            f"it has {now}; add `{name}: [<id>]` with the id of {_or(_a(k) for k in (rule.kinds or rel.targets))}",
        )
    if rule.max is not None and len(have) > rule.max:
        yield _p(
            v.file,
            v.d.line_of(name) if name in v.d else v.d.line,
            "too-many-relations",
            v.who,
            f"{_a(kind)} may have at most {_one(rule.max)} `{name}` link{'' if rule.max == 1 else 's'}{to}",
            f"it has {len(have)} ({', '.join(f'`{t}`' for t in have)}); remove {len(have) - rule.max}",
        )


def backlink_counts(ctx: Context) -> Iterator[Problem]:
    """An entry is the target of as many links of a relation as its kind's `backlinks` count asks."""
    for v in ctx.views:
        if v.kind is None or not v.who or v.who in ctx.duplicated or v.who not in ctx.first:
            continue
        if ctx.first[v.who] != (v.file, v.d.line_of("id")):
            continue
        for rule in ctx.schema.link_rules_of(v.kind.name, incoming=True):
            yield from _backlink_problems(ctx, v, rule, ctx.schema.relations[rule.relation])


def _backlink_problems(ctx: Context, v: View, rule: LinkRule, rel: RelationType) -> Iterator[Problem]:
    sources: dict[str, None] = {}
    for link in ctx.links_to.get(v.who, ()):
        if link.relation is rel and rule.counts(link.view.kind.name if link.view.kind else None):
            sources[link.view.who or f"{link.view.file}:{link.view.d.line}"] = None
    assert v.kind is not None  # count rules run on entries of a declared kind
    kind, name, by = v.kind.name, rel.name, rel.inverse
    what = _or(rule.kinds) if rule.kinds else "entry"
    if len(sources) < rule.min:
        now = "none" if not sources else f"only {len(sources)}"
        yield _p(
            v.file,
            v.d.line,
            "missing-backlink",
            v.who,
            f"{_a(kind)} must be {by} at least {_one(rule.min)} {what}{'' if rule.min == 1 else ' entries'}",
            f"it is {by} {now}; add `{name}: [{v.who}]` to " + _places(ctx, rule, rel),
        )
    if rule.max is not None and len(sources) > rule.max:
        yield _p(
            v.file,
            v.d.line,
            "too-many-backlinks",
            v.who,
            f"{_a(kind)} may be {by} at most {_one(rule.max)} {what}{'' if rule.max == 1 else ' entries'}",
            f"it is {by} {len(sources)} ({', '.join(f'`{s}`' for s in sources)}); remove `{v.who}` from `{name}` of {len(sources) - rule.max} of them",
        )


def _places(ctx: Context, rule: LinkRule, rel: RelationType) -> str:
    """Where the missing links go: 'a principle in framework/principles.yaml or ...'."""
    kinds = [k for k in (rule.kinds or rel.sources) if k in ctx.schema.kinds]
    if not kinds:
        return "another entry"
    return " or ".join(f"{_a(k)} in framework/{ctx.schema.kinds[k].file}" for k in kinds)


#: Every validation rule, in the order they run (the report is sorted anyway).
RULES: list[Rule] = [
    Rule("unique-ids", ("duplicate-id",), unique_ids),
    Rule("entry-ids", ("missing-field", "bad-id"), entry_ids),
    Rule("invisible-text", ("invisible-character",), invisible_text),
    Rule("entry-kinds", ("missing-field", "unknown-kind"), entry_kinds),
    Rule("unknown-keys", ("unknown-field",), unknown_keys),
    Rule("required-fields", ("missing-field",), required_fields),
    Rule("field-values", ("missing-field", "wrong-type", "bad-value"), field_values),
    Rule("provenance", ("bad-provenance", "unknown-source", "unknown-grade", "provenance-mismatch", "wrong-type", "too-few-sources"), provenances),
    Rule("source-kinds", ("source-kind",), source_kinds),
    Rule("link-items", ("bad-relation", "bad-value", "wrong-type", "duplicate-relation"), link_items),
    Rule("link-targets", ("unknown-cite-key", "bib-missing", "dangling-target", "self-relation", "target-kind"), link_targets),
    Rule("acyclic", ("cycle",), acyclic_relations),
    Rule("link-counts", ("missing-relation", "too-many-relations"), link_counts),
    Rule("backlink-counts", ("missing-backlink", "too-many-backlinks"), backlink_counts),
]


def check_records(schema: Schema, records, references: dict, bib_exists: bool = True, rules: Iterable[Rule] | None = None) -> list[Problem]:
    """Every problem in the raw records (see :func:`socioaffective.loader.read_records`).

    ``rules`` defaults to :data:`RULES`.
    """
    ctx = Context(schema, records, references, bib_exists)
    return [p for rule in (RULES if rules is None else rules) for p in rule.check(ctx)]


def _add_hint(name: str, spec: FieldSpec) -> str:
    return f"add `{name}:`" + (f" ({spec.description.rstrip('.')})" if spec.description else "")


def _quote_hint(value) -> str:
    if isinstance(value, (bool, int, float)) or value is None:
        return f"if you meant the text `{value}`, put it in quotes"
    return ""


def _prov(value, inherited_from: Provenance | None = None) -> Provenance | None:
    if isinstance(value, LocDict) and isinstance(value.get("source"), str) and isinstance(value.get("grade"), str):
        sources = value.get("sources")
        sources = sources if isinstance(sources, list) else ([sources] if isinstance(sources, str) else [])
        keys = tuple(dict.fromkeys(s for s in sources if isinstance(s, str) and s))
        return Provenance(value["source"], value["grade"], str(value.get("locator") or ""), str(value.get("note") or ""), False, keys)
    return inherited_from


def build_entries(schema: Schema, records) -> list[Entry]:
    """Turn raw records into entries, skipping what cannot be identified.

    Lenient on purpose: problems were reported by :func:`check_records`.
    """
    entries: list[Entry] = []
    seen: set[str] = set()
    common = ("id", "kind", "title", "summary", "description", "provenance")
    relations = schema.relations
    # Link targets share the string object of the id they name: less memory,
    # and look-ups by identity (the knowledge base indexes every link).
    canon: dict[str, str] = {}
    for rec in records:
        i = rec.data.get("id")
        if isinstance(i, str):
            canon.setdefault(i, i)
    for rec in records:
        d = rec.data
        eid = d.get("id")
        if not isinstance(eid, str) or not eid or eid in seen:
            continue
        seen.add(eid)
        prov = _prov(d.get("provenance"))
        inherited = Provenance(prov.source, prov.grade, prov.locator, prov.note, True, prov.sources) if prov else None
        e = Entry(
            id=eid,
            kind=str(d.get("kind", "")),
            title=str(d.get("title") or eid),
            summary=d.get("summary") if isinstance(d.get("summary"), str) else "",
            description=d.get("description") if isinstance(d.get("description"), str) else "",
            provenance=prov,
            file=rec.file,
            line=d.line,
            field_lines=dict(d.key_lines),
        )
        for key, value in d.items():
            if key in common:
                continue
            if key in relations:
                items = value if isinstance(value, list) else ([] if value is None else [value])
                for i, item in enumerate(items):
                    line = items.line_of(i) if hasattr(items, "line_of") else d.line_of(key)
                    if isinstance(item, LocDict):
                        target = item.get("target")
                        if not isinstance(target, str):
                            continue
                        target = canon.get(target, target)
                        effect = item.get("effect")
                        e.relations.append(
                            Relation(
                                key,
                                eid,
                                target,
                                _prov(item.get("provenance"), inherited) or inherited,
                                str(item.get("locator") or ""),
                                str(item.get("note") or ""),
                                rec.file,
                                line,
                                effect if isinstance(effect, str) else "",
                            )
                        )
                    elif isinstance(item, str) and not isinstance(item, bool):
                        e.relations.append(Relation(key, eid, canon.get(item, item), inherited, "", "", rec.file, line))
            else:
                e.fields[key] = value
        entries.append(e)
    return entries
