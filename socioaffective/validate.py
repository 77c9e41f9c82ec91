"""Check raw entries against the schema, and turn them into :class:`Entry` objects.

Every check reports and carries on, so one run lists every problem. Checks are
driven by :class:`~socioaffective.schema.Schema`: no kind, field or relation
is named here.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from . import links
from .model import Entry, Provenance, Relation
from .problems import Problem, Report
from .schema import EDITORIAL, MAX_ID_LENGTH, REFERENCE_KIND, FieldSpec, Schema
from .terminal import LINE_BREAKS, describe, invisible_characters
from .yamlio import LocDict
from .hints import did_you_mean, slugify, type_name

if TYPE_CHECKING:
    import os

    from .kb import KnowledgeBase

_REL_ITEM_KEYS = {"target", "provenance", "locator", "note", "effect"}
_PROV_KEYS = {"source", "grade", "locator", "note", "sources"}


def validate(kb_or_root: KnowledgeBase | str | os.PathLike | None = None) -> Report:
    """Validate a framework and return the :class:`Report` of every problem.

    Accepts a loaded :class:`KnowledgeBase` or a root folder (default: the
    project's own framework).

    Examples
    --------
    >>> import socioaffective
    >>> socioaffective.validate().ok
    True
    """
    from .kb import KnowledgeBase
    from .loader import load

    if isinstance(kb_or_root, KnowledgeBase):
        return kb_or_root.report
    return load(kb_or_root, strict=False).report


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


class _Checker:
    def __init__(self, schema: Schema, references: dict, bib_exists: bool):
        self.schema = schema
        self.references = references
        self.bib_exists = bib_exists
        self.problems: list[Problem] = []

    def add(self, file: str, line: int, code: str, entry: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(file, line, code, entry, message, hint))

    # -- entry level -------------------------------------------------------
    def run(self, records) -> list[Problem]:
        seen: dict[str, tuple[str, int]] = {}
        ids_kinds: dict[str, str] = {}
        self.duplicated: set[str] = set()
        for rec in records:
            d = rec.data
            eid = d.get("id")
            if isinstance(eid, str) and eid:
                if eid in seen:
                    f, l = seen[eid]
                    self.duplicated.add(eid)
                    self.add(rec.file, d.line_of("id"), "duplicate-id", eid, f"the id `{eid}` is already used at {f}:{l}", "ids are unique across the framework: rename one")
                elif eid in self.references:
                    self.add(rec.file, d.line_of("id"), "duplicate-id", eid, f"the id `{eid}` is also a key in references.bib", "choose an id that is not a bib key")
                else:
                    seen[eid] = (rec.file, d.line_of("id"))
                    kind = d.get("kind")
                    ids_kinds[eid] = kind if isinstance(kind, str) else ""
        self.ids_kinds = ids_kinds
        edges: dict[str, list[tuple[str, str, str, int]]] = {}
        for rec in records:
            self.check_entry(rec, edges)
        self.check_cycles(edges)
        return self.problems

    def check_entry(self, rec, edges) -> None:
        schema = self.schema
        d = rec.data
        f = rec.file
        eid = d.get("id")
        who = eid if isinstance(eid, str) else ""
        if "id" not in d:
            title = d.get("title")
            hint = f"for example `id: {slugify(title)}`" if isinstance(title, str) else "add `id: some-kebab-case-id`"
            self.add(f, d.line, "missing-field", "", "the entry has no `id`", hint)
        elif not schema.valid_id(eid):
            shown = str(eid)  # printed through terminal.for_terminal, which shows a line break as \n
            title = d.get("title")
            better = slugify(eid) if isinstance(eid, str) else slugify(title if isinstance(title, str) else f"entry {shown}")
            self.add(f, d.line_of("id"), "bad-id", shown, f"the id `{shown}` is not valid: {_describe_bad_id(eid) if isinstance(eid, str) else 'it must be text'}", f"use `{better}`")
        for name in ("id", "title"):
            value = d.get(name)
            found = invisible_characters(value) if isinstance(value, str) else []
            if found:
                where = ", ".join(f"{describe(ch)} at character {i}" for i, ch in found[:3]) + (" ..." if len(found) > 3 else "")
                self.add(f, d.line_of(name), "invisible-character", who, f"the {name} holds an invisible character: {where}; it shows differently from what is stored", "delete the character (most editors can show invisible characters)")
        kind_name = d.get("kind")
        kind = schema.kinds.get(kind_name) if isinstance(kind_name, str) else None
        if "kind" not in d:
            self.add(f, d.line, "missing-field", who, "the entry has no `kind`", "kinds: " + ", ".join(schema.kinds))
        elif kind is None:
            self.add(f, d.line_of("kind"), "unknown-kind", who, f"the kind `{kind_name}` is not declared in schema.yaml", did_you_mean(kind_name, schema.kinds) or "kinds: " + ", ".join(schema.kinds))
        fields = schema.fields_of(kind.name) if kind else dict(schema.common_fields)
        for key in d:
            if key in fields:
                if key in ("id", "kind"):
                    continue
                self.check_value(f, d.line_of(key), who, key, d[key], fields[key])
            elif key in schema.relations:
                self.check_relation(f, d, who, kind, key, edges)
            else:
                known = list(fields) + list(schema.relations)
                hint = did_you_mean(key, known)
                if not hint and kind is not None:
                    hint = f"fields of a {kind.name}: " + ", ".join(fields) + "; relations: " + ", ".join(schema.relations)
                self.add(f, d.line_of(key), "unknown-field", who, f"`{key}` is not a field of {('a ' + kind.name) if kind else 'this entry'} nor a relation", hint)
        for name, spec in fields.items():
            if spec.required and name not in d and name not in ("id", "kind"):
                self.add(f, d.line, "missing-field", who, f"the required field `{name}` is missing", _add_hint(name, spec))
        if kind and kind.requires_one_of and not any(d.get(n) not in (None, "", []) for n in kind.requires_one_of):
            names = " or ".join(f"`{n}`" for n in kind.requires_one_of)
            self.add(f, d.line, "missing-field", who, f"a {kind.name} needs at least one of {names}", f"add {names} (see `requires_one_of` of the kind in schema.yaml)")
        if kind:
            for rel in kind.required_relations:
                if not d.get(rel):
                    r = schema.relations[rel]
                    self.add(f, d.line, "missing-relation", who, f"a {kind.name} must have at least one `{rel}` link", f"add `{rel}:` with a {' or '.join(r.targets)} id")

    def check_value(self, f: str, line: int, who: str, name: str, value, spec: FieldSpec) -> None:
        t = spec.type
        if t == "provenance":
            self.check_provenance(f, line, who, value, name)
            return
        if value is None:
            if spec.required:
                self.add(f, line, "missing-field", who, f"`{name}` is empty", _add_hint(name, spec))
            return
        if t in ("string", "text", "enum") or t in links.LINK_TYPES:
            if not isinstance(value, str):
                self.add(f, line, "wrong-type", who, f"`{name}` must be text, not a {type_name(value)}", _quote_hint(value) or "write it as one line of text" + ("" if t == "string" else " (or a `>-` block for paragraphs)"))
                return
            if t == "string" and not LINE_BREAKS.isdisjoint(value.strip()):  # CR, U+2028, U+0085 ... end a line too
                self.add(f, line, "wrong-type", who, f"`{name}` must be a single line", "use a `text` field for paragraphs, or remove the line breaks")
            if spec.max_length and len(value) > spec.max_length:
                self.add(f, line, "bad-value", who, f"`{name}` is {len(value)} characters long; the limit is {spec.max_length}", "shorten it; put detail in the description")
            if t == "enum" and value not in spec.values:
                self.add(f, line, "bad-value", who, f"`{name}` is `{value}`; allowed: " + ", ".join(f"`{v}`" for v in spec.values), did_you_mean(value, [str(v) for v in spec.values]) or "use one of the allowed values")
            if spec.pattern and not re.fullmatch(spec.pattern, value):
                self.add(f, line, "bad-value", who, f"`{name}` is `{value}`, which does not have the form the schema expects", f"write it in the form `{spec.pattern}` (schema.yaml), exactly as its publisher spells it")
            if t in links.LINK_TYPES:
                why = links.problem(t, value)
                if why:
                    self.add(f, line, "bad-value", who, f"`{name}` is not a valid {links.NAMES[t]}: {why}", f"write it as, e.g., `{links.example(t)}`" + ("; percent-encode other characters (%20 for a space)" if t == "url" else ""))
        elif t == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(f, line, "wrong-type", who, f"`{name}` must be a whole number, not a {type_name(value)}", "write digits only, without quotes, e.g. `2025`")
        elif t == "boolean":
            if not isinstance(value, bool):
                self.add(f, line, "wrong-type", who, f"`{name}` must be true or false, not a {type_name(value)}", "write `true` or `false`, without quotes")
        elif t == "list":
            if not isinstance(value, list):
                self.add(f, line, "wrong-type", who, f"`{name}` must be a list, not a {type_name(value)}", "write one item per line, each starting with `- `")
                return
            if spec.min_items is not None and len(value) < spec.min_items:
                self.add(f, line, "bad-value", who, f"`{name}` has {len(value)} item(s); at least {spec.min_items} needed", f"add {spec.min_items - len(value)} more item(s)")
            if spec.max_items is not None and len(value) > spec.max_items:
                self.add(f, line, "bad-value", who, f"`{name}` has {len(value)} items; at most {spec.max_items} allowed", f"remove {len(value) - spec.max_items} item(s)")
            if spec.items:
                for i, item in enumerate(value):
                    self.check_value(f, value.line_of(i) if hasattr(value, "line_of") else line, who, f"{name}[{i + 1}]", item, spec.items)

    def check_provenance(self, f: str, line: int, who: str, value, where: str) -> None:
        if not isinstance(value, LocDict):  # (every mapping the reader makes)
            self.add(f, line, "bad-provenance", who, f"`{where}` must be a mapping with `source` and `grade`, not a {type_name(value)}", "provenance: {source: editorial, grade: editorial}")
            return
        for key in value:
            if key not in _PROV_KEYS:
                self.add(f, value.line_of(key), "bad-provenance", who, f"`{where}` has an unknown key `{key}`", did_you_mean(key, _PROV_KEYS) or "keys: source, grade, locator, note")
        source, grade = value.get("source"), value.get("grade")
        if not isinstance(source, str) or not source:
            self.add(f, value.line_of("source"), "bad-provenance", who, f"`{where}` needs a `source` (a bib key or `editorial`)", "add `source: <bib key>` or `source: editorial`")
        elif source != EDITORIAL and source not in self.references:
            self.add(f, value.line_of("source"), "unknown-source", who, f"the provenance source `{source}` is not `editorial` nor a key in references.bib", did_you_mean(source, list(self.references) + [EDITORIAL]) or "add the work to references.bib, or fix the key")
        if not isinstance(grade, str) or not grade:
            self.add(f, value.line_of("grade"), "bad-provenance", who, f"`{where}` needs a `grade`", "grades: " + ", ".join(self.schema.grades))
        elif grade not in self.schema.grades:
            self.add(f, value.line_of("grade"), "unknown-grade", who, f"the grade `{grade}` is not declared in schema.yaml", did_you_mean(grade, self.schema.grades) or "grades: " + ", ".join(self.schema.grades))
        if isinstance(source, str) and isinstance(grade, str) and (source == EDITORIAL) != (grade == EDITORIAL) and grade in self.schema.grades:
            self.add(f, value.line_of("grade"), "provenance-mismatch", who, f"source `{source}` with grade `{grade}`: `editorial` goes with `editorial`", "either both `editorial`, or a bib key with a non-editorial grade")
        for key in ("locator", "note"):
            if key in value and not isinstance(value[key], (str, int)):
                self.add(f, value.line_of(key), "wrong-type", who, f"`{where}.{key}` must be text", "write it as one line of text")
        self.check_sources(f, line, who, value, where, grade)

    def check_sources(self, f: str, line: int, who: str, value, where: str, grade) -> None:
        """`sources`: keys of references.bib; as many distinct ones as the grade's `min_sources`."""
        sources = value.get("sources")
        names: list[str] = []
        sline = value.line_of("sources") if "sources" in value else value.line_of("grade") if "grade" in value else line
        if sources is not None:
            items = sources if isinstance(sources, list) else [sources]
            for i, item in enumerate(items):
                iline = items.line_of(i) if hasattr(items, "line_of") else sline
                if not isinstance(item, str) or not item:
                    self.add(f, iline, "wrong-type", who, f"`{where}.sources` must list bib keys, not a {type_name(item)}", "write `sources: [key, other-key]`")
                elif item not in self.references:
                    self.add(f, iline, "unknown-source", who, f"the source `{item}` in `{where}.sources` is not a key in references.bib", did_you_mean(item, self.references) or "add the source record to references.bib (author or site, title, url, urldate), or fix the key")
                elif item not in names:
                    names.append(item)
        g = self.schema.grades.get(grade) if isinstance(grade, str) else None
        # a record derived from another (bib field `derivedfrom`) is not independent of it
        origins = {(self.references[n].fields.get("derivedfrom") or n) for n in names}
        if g is not None and g.min_sources and len(origins) < g.min_sources:
            have = f"names {len(origins)} independent one(s)" if names else "names none"
            self.add(
                f, sline, "too-few-sources", who,
                f"`{where}` is graded `{grade}`, which needs at least {g.min_sources} distinct source(s) in `sources`, but it {have}",
                f"list the records it rests on: `sources: [key{', other-key' if g.min_sources > 1 else ''}]` (keys of references.bib), or lower the grade",
            )

    def check_relation(self, f: str, d, who: str, kind, name: str, edges) -> None:
        rel = self.schema.relations[name]
        value = d[name]
        line = d.line_of(name)
        if kind is not None and not rel.allows_source(kind.name):
            self.add(f, line, "source-kind", who, f"a {kind.name} may not use `{name}` (allowed from: {', '.join(rel.sources)})", f"use a relation a {kind.name} may use, or add `{kind.name}` to `from:` of `{name}` in schema.yaml")
        if value is None:
            return
        items = value if isinstance(value, list) else [value]
        seen_targets: set[str] = set()
        for i, item in enumerate(items):
            iline = value.line_of(i) if isinstance(value, list) and hasattr(value, "line_of") else line
            if isinstance(item, LocDict):
                for key in item:
                    if key not in _REL_ITEM_KEYS:
                        self.add(f, item.line_of(key), "bad-relation", who, f"a `{name}` item has an unknown key `{key}`", did_you_mean(key, _REL_ITEM_KEYS) or "keys: target, provenance, locator, note")
                target = item.get("target")
                if "provenance" in item:
                    self.check_provenance(f, item.line_of("provenance"), who, item["provenance"], f"{name} provenance")
                if "effect" in item:
                    eff = item["effect"]
                    if not rel.effects:
                        self.add(f, item.line_of("effect"), "bad-relation", who, f"`{name}` links take no `effect`", "effects belong on relations declared with `effects:` in schema.yaml")
                    elif eff not in rel.effects:
                        self.add(f, item.line_of("effect"), "bad-value", who, f"the `effect` of a `{name}` link is `{eff}`; allowed: " + ", ".join(f"`{v}`" for v in rel.effects), did_you_mean(eff, rel.effects) or "use one of the allowed values")
                if "locator" in item and not rel.locator:
                    self.add(f, item.line_of("locator"), "bad-relation", who, f"`{name}` links take no locator", "locators belong on relations declared with `locator: true`")
                for key in ("locator", "note"):
                    if key in item and not isinstance(item[key], (str, int)):
                        self.add(f, item.line_of(key), "wrong-type", who, f"`{name}` {key} must be text, not a {type_name(item[key])}", "write it as one line of text")
                iline = item.line_of("target") if "target" in item else item.line
                if target is None:
                    self.add(f, iline, "bad-relation", who, f"a `{name}` item has no `target`", "write `target: <id>`")
                    continue
            else:
                target = item
            if not isinstance(target, str) or isinstance(target, bool):
                self.add(f, iline, "bad-relation", who, f"a `{name}` target must be an id, not a {type_name(target)} (`{target}`)", _quote_hint(target))
                continue
            if target in seen_targets:
                self.add(f, iline, "duplicate-relation", who, f"`{name}: {target}` is listed twice", "remove the repeated item")
                continue
            seen_targets.add(target)
            if rel.cites_references:
                if target not in self.references:
                    if self.bib_exists:
                        self.add(f, iline, "unknown-cite-key", who, f"`{target}` is not a key in references.bib", did_you_mean(target, self.references) or "add the work to references.bib")
                    else:
                        self.add(f, iline, "bib-missing", who, f"`{target}` is cited but references.bib does not exist", "create references.bib at the framework root")
                continue
            if target in self.references:
                tkind = REFERENCE_KIND
            elif target in self.ids_kinds:
                tkind = self.ids_kinds[target]
            else:
                self.add(f, iline, "dangling-target", who, f"`{name}` points to `{target}`, which no entry has", did_you_mean(target, self.ids_kinds) or "check the id, or add the entry")
                continue
            if target == who and not rel.allow_self:
                self.add(f, iline, "self-relation", who, f"the entry is linked to itself by `{name}`", f"remove the link, or set `allow_self: true` on `{name}` in schema.yaml")
                continue
            if target in self.duplicated:
                continue  # which entry is meant is unclear; duplicate-id says why
            if tkind and tkind in self.schema.kinds or tkind == REFERENCE_KIND:
                if not rel.allows_target(tkind):
                    self.add(f, iline, "target-kind", who, f"`{name}` may not point to a {tkind} (`{target}`); allowed: {', '.join(rel.targets)}", f"point to a {' or '.join(rel.targets)}, or add `{tkind}` to `to:` of `{name}` in schema.yaml")
                    continue
            if rel.acyclic and who:
                edges.setdefault(name, []).append((who, target, f, iline))

    def check_cycles(self, edges) -> None:
        for name, rel_edges in sorted(edges.items()):
            adj: dict[str, list[tuple[str, str, int]]] = {}
            for s, t, f, l in rel_edges:
                adj.setdefault(s, []).append((t, f, l))
            color: dict[str, int] = {}
            for start in sorted(adj):
                if color.get(start):
                    continue
                path: list[str] = []
                stack = [(start, iter(adj.get(start, ())))]
                color[start] = 1
                path.append(start)
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
                        cyc = path[path.index(t):] + [t]
                        self.add(f, l, "cycle", node, f"`{name}` is declared acyclic but forms a cycle: " + " -> ".join(cyc), f"remove one of these `{name}` links")
                    elif c == 0:
                        color[t] = 1
                        path.append(t)
                        stack.append((t, iter(adj.get(t, ()))))


def _add_hint(name: str, spec: FieldSpec) -> str:
    return f"add `{name}:`" + (f" ({spec.description.rstrip('.')})" if spec.description else "")


def _quote_hint(value) -> str:
    if isinstance(value, (bool, int, float)) or value is None:
        return f"if you meant the text `{value}`, put it in quotes"
    return ""


def check_records(schema: Schema, records, references: dict, bib_exists: bool = True) -> list[Problem]:
    """Every problem in the raw records (see :func:`socioaffective.loader.read_records`)."""
    return _Checker(schema, references, bib_exists).run(records)


def _prov(value, inherited_from: Provenance | None = None) -> Provenance | None:
    if isinstance(value, dict) and isinstance(value.get("source"), str) and isinstance(value.get("grade"), str):
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
                    if isinstance(item, dict):
                        target = item.get("target")
                        if not isinstance(target, str):
                            continue
                        target = canon.get(target, target)
                        effect = item.get("effect")
                        e.relations.append(
                            Relation(key, eid, target, _prov(item.get("provenance"), inherited) or inherited, str(item.get("locator") or ""), str(item.get("note") or ""), rec.file, line, effect if isinstance(effect, str) else "")
                        )
                    elif isinstance(item, str) and not isinstance(item, bool):
                        e.relations.append(Relation(key, eid, canon.get(item, item), inherited, "", "", rec.file, line))
            else:
                e.fields[key] = value
        entries.append(e)
    return entries
