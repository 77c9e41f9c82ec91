"""The framework's schema, read from ``framework/schema.yaml`` (schema as data).

Nothing about kinds, fields or relations is hard-coded in Python: the loader,
validator, graph, book and exports all read this :class:`Schema`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .hints import did_you_mean
from .links import LINK_TYPES
from .patterns import pattern_problem
from .problems import Problem
from .yamlio import DEFAULT_MAX_ALIAS_EXPANSION, DEFAULT_MAX_BYTES, LocDict, read_yaml

#: The kind given to entries that come from references.bib.
REFERENCE_KIND = "reference"
#: The provenance source that marks our own editorial work.
EDITORIAL = "editorial"

FIELD_TYPES = ("string", "text", "integer", "boolean", "url", "doi", "arxiv", "enum", "list", "provenance")
assert set(LINK_TYPES) <= set(FIELD_TYPES)
#: What the name of a kind, a field or a relation must be (the whole name):
#: it becomes a YAML key, a CSS class, a file or folder name and an RDF term.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
#: Ids longer than this are refused before the id pattern is tried (an id is
#: also a file name; the bound keeps every id pattern's matching time small).
MAX_ID_LENGTH = 128
_FIELD_OPTIONS = {
    "type",
    "required",
    "description",
    "values",
    "items",
    "min_items",
    "max_items",
    "max_length",
    "pattern",
    "label",
    "display",
    "search",
    "rdf",
    "in_glossary",
}
# --- field behaviour options (issue 14, item 10): how a field is shown, searched and exported ---
#: Values of a field's ``display`` option: where and how an entry page shows it
#: (without the option: ``section`` for text and lists of text, else ``line``).
DISPLAYS = {
    "line": "a line `Label: value` among the entry's facts",
    "section": "a section of its own, headed by the label",
    "sides": "a two-column table of a list of exactly two items (the two sides of a tension)",
    "also_called": "the line `Also called: ...` under the summary",
    "citation": "a line whose value, a key of references.bib, is shown as a citation",
    "hidden": "not shown on the page",
}
#: Values of a field's ``search`` option (default ``text``).
SEARCHES = {
    "name": "another name of the entry: searched just after the title, shown in the search index and the explorer's search, listed as a glossary term",
    "text": "searched like the description",
    "none": "not searched",
}
#: Namespaces a field's ``rdf`` option may name its property in (default: the project's vocabulary, ``sa:<name>``).
RDF_PREFIXES = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "dcterms": "http://purl.org/dc/terms/",
}
_CURIE = re.compile(r"([a-z]+):([A-Za-z][A-Za-z0-9_]*)")
# --- end field behaviour options ---
_KIND_OPTIONS = {
    "label",
    "plural",
    "color",
    "shape",
    "file",
    "description",
    "fields",
    "required_relations",
    "requires_one_of",
    "review_hint",
    "glossary",
    "neighbourhood",
}
_RELATION_OPTIONS = {"label", "inverse", "from", "to", "description", "symmetric", "acyclic", "allow_self", "locator", "effects", "section"}
_GRADE_OPTIONS = {"label", "badge", "paper_claim", "description", "min_sources"}
#: `cardinality:` of schema.yaml: per kind, `links` (outgoing, counted by target
#: kind `to`) and `backlinks` (incoming, counted by source kind `from`).
_CARDINALITY_ENDS = {"links": "to", "backlinks": "from"}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool = False
    description: str = ""
    values: tuple = ()
    items: FieldSpec | None = None
    min_items: int | None = None
    max_items: int | None = None
    max_length: int | None = None
    pattern: str = ""  # a regular expression a string value must match in full
    # --- field behaviour options (issue 14, item 10) ---
    label: str = ""  # its name on pages (default: the field name, capitalised)
    display: str = ""  # one of DISPLAYS; "" = by type (section for text and lists of text, else line)
    search: str = "text"  # one of SEARCHES
    rdf: str = ""  # a CURIE (prefix of RDF_PREFIXES) for its RDF property; "" = sa:<name>
    in_glossary: bool = False  # a boolean field whose `false` keeps its entry out of the glossary

    @property
    def shown_label(self) -> str:
        """Its name on pages: ``label``, or the field name capitalised (``raised_by`` -> ``Raised by``)."""
        if self.label:
            return self.label
        text = self.name.replace("_", " ")
        return text[:1].upper() + text[1:]

    @property
    def shown_as(self) -> str:
        """How an entry page shows it: ``display``, or the default for its type."""
        if self.display:
            return self.display
        if self.type == "text" or (self.type == "list" and self.items is not None and self.items.type == "text"):
            return "section"
        return "line"

    @property
    def is_name(self) -> bool:
        """True if its values are other names of the entry (``search: name``)."""
        return self.search == "name"

    # --- end field behaviour options ---


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    plural: str
    color: str
    shape: str
    file: str
    description: str
    fields: dict[str, FieldSpec]
    required_relations: tuple[str, ...] = ()
    requires_one_of: tuple[str, ...] = ()  # at least one of these fields must be given
    review_hint: str = ""  # where in the paper to look when checking an entry of this kind
    glossary: bool = False  # its entries go into the book's glossary
    neighbourhood: bool = True  # its entries appear in other entries' neighbourhood graphs


@dataclass(frozen=True)
class RelationType:
    name: str
    label: str
    inverse: str
    sources: tuple[str, ...]  # kinds, or ("*",)
    targets: tuple[str, ...]
    description: str = ""
    symmetric: bool = False
    acyclic: bool = False
    allow_self: bool = False
    locator: bool = False
    effects: tuple[str, ...] = ()  # allowed values of a link's `effect` (direction of an effect)
    section: str = ""  # the target's page lists these links under this heading

    def allows_source(self, kind: str) -> bool:
        return "*" in self.sources or kind in self.sources

    def allows_target(self, kind: str) -> bool:
        if kind == REFERENCE_KIND:
            return REFERENCE_KIND in self.targets
        return "*" in self.targets or kind in self.targets

    @property
    def cites_references(self) -> bool:
        return self.targets == (REFERENCE_KIND,)


@dataclass(frozen=True)
class LinkRule:
    """How many links of one relation an entry of one kind must (or may) have.

    Declared under ``cardinality:`` in schema.yaml (``links`` for the links an
    entry lists itself, ``backlinks`` for the links other entries list to it),
    or by the short form ``required_relations: [name]`` of a kind, which is
    ``links: {name: {min: 1}}``. Only links whose other end is of one of
    ``kinds`` count (every kind when empty).
    """

    kind: str
    relation: str
    incoming: bool = False
    min: int = 0
    max: int | None = None
    kinds: tuple[str, ...] = ()
    line: int = 0  # where schema.yaml declares it
    short_form: bool = False  # from `required_relations`

    def counts(self, kind: str | None) -> bool:
        """Whether a link whose other end has ``kind`` counts (None: unknown, counts)."""
        return kind is None or not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class Grade:
    name: str
    label: str
    badge: str
    paper_claim: bool
    description: str
    min_sources: int = 0  # how many distinct `sources` a provenance of this grade must name


@dataclass
class Schema:
    """The parsed schema. ``problems`` lists what is wrong with schema.yaml."""

    version: int = 1
    framework_version: str = ""  # the version of the content (entries, links, grades)
    id_pattern: str = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
    max_file_bytes: int = DEFAULT_MAX_BYTES
    max_alias_expansion: int = DEFAULT_MAX_ALIAS_EXPANSION
    grades: dict[str, Grade] = field(default_factory=dict)
    common_fields: dict[str, FieldSpec] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    relations: dict[str, RelationType] = field(default_factory=dict)
    link_rules: tuple[LinkRule, ...] = ()  # `cardinality:` and `required_relations`
    problems: list[Problem] = field(default_factory=list)
    file: str = "framework/schema.yaml"

    def __post_init__(self) -> None:
        self.id_re = re.compile(self.id_pattern)

    def valid_id(self, value) -> bool:
        """True if ``value`` is a whole id: text of at most :data:`MAX_ID_LENGTH`
        characters that the id pattern matches from its first to its last
        character (``fullmatch``: a trailing newline is not allowed).

        >>> s = Schema()
        >>> s.valid_id("competence"), s.valid_id("competence\\n"), s.valid_id("a" * 129)
        (True, False, False)
        """
        return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and self.id_re.fullmatch(value) is not None

    def fields_of(self, kind: str) -> dict[str, FieldSpec]:
        """Every field an entry of ``kind`` may have (common fields first)."""
        k = self.kinds.get(kind)
        return {**self.common_fields, **(k.fields if k else {})}

    # --- field behaviour options (issue 14, item 10) ---
    def other_names(self, entry) -> list[str]:
        """The entry's other names: the values of its ``search: name`` fields, in schema order.

        >>> from socioaffective.loader import default_root, load
        >>> kb = load(default_root())
        >>> kb.schema.other_names(kb.get("social-reward-hacking"))[:1]
        ['socioaffective reward hacking']
        """
        out: list[str] = []
        for name, spec in self.fields_of(entry.kind).items():
            if spec.is_name:
                value = entry.fields.get(name)
                out.extend(str(v) for v in (value if isinstance(value, list) else [value]) if v is not None and str(v).strip())
        return out

    def in_glossary(self, entry) -> bool:
        """False if one of the entry's ``in_glossary`` fields is ``false`` (the glossary leaves it out)."""
        return all(entry.fields.get(name, True) is not False for name, spec in self.fields_of(entry.kind).items() if spec.in_glossary)

    # --- end field behaviour options ---

    def link_rules_of(self, kind: str, incoming: bool = False) -> list[LinkRule]:
        """The cardinality rules of ``kind``: on its own links, or (``incoming``) on its backlinks."""
        return [r for r in self.link_rules if r.kind == kind and r.incoming == incoming]

    def relation_by_label(self, label: str) -> RelationType | None:
        for r in self.relations.values():
            if label in (r.name, r.label, r.inverse):
                return r
        return None

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def load_schema(path: Path, rel: str = "framework/schema.yaml") -> Schema:
    """Read and check schema.yaml; problems are collected, never raised.

    >>> from pathlib import Path
    >>> s = load_schema(Path("framework/schema.yaml"))
    >>> s.ok, "dilemma" in s.kinds, s.relations["engages"].inverse
    (True, True, 'engaged by')
    """
    if not path.exists():
        s = Schema(file=rel)
        s.problems.append(Problem(rel, 0, "schema-missing", "", f"{rel} does not exist", "every framework needs framework/schema.yaml"))
        return s
    data, problems = read_yaml(path, rel)
    builder = _SchemaBuilder(rel, problems)
    return builder.build(data)


class _SchemaBuilder:
    def __init__(self, rel: str, problems: list[Problem]):
        self.rel = rel
        self.problems = problems
        self.unsure_symmetric: set[str] = set()
        self.unsure_ends: set[str] = set()

    def err(self, line: int, code: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.rel, line, code, "", message, hint))

    def flag(self, spec, key: str, where: str) -> bool:
        """A boolean option (default false): only YAML's `true` and `false`."""
        value = spec.get(key, False)
        if isinstance(value, bool):
            return value
        shown = f'"{value}"' if isinstance(value, str) else "empty" if value is None else f"`{value}`"
        self.err(
            spec.line_of(key),
            "schema-invalid",
            f"{where}: `{key}` must be true or false, not {shown}",
            f"write `{key}: true` or `{key}: false`, without quotes",
        )
        return False

    def valid_name(self, name: str, line: int, what: str, where: str = "") -> bool:
        if NAME_PATTERN.fullmatch(name):
            return True
        from .hints import slugify

        better = slugify(name).replace("-", "_")
        self.err(
            line,
            "schema-invalid",
            f"{(where + ': ') if where else ''}the {what} name `{name}` is not valid: names are lowercase ASCII letters, digits and `_`, starting with a letter",
            f"rename it, e.g. `{better}`",
        )
        return False

    def kind_file(self, spec, name: str) -> str:
        default = f"{name}s.yaml"
        if "file" not in spec:
            return default
        value = spec.get("file")
        why = _file_problem(value)
        if why:
            self.err(
                spec.line_of("file"), "schema-invalid", f"kind `{name}`: `file: {value}` {why}", f"name a YAML file inside framework/, e.g. `file: {default}`"
            )
            return default
        return value

    def build(self, data) -> Schema:
        if data is None:
            if not self.problems:
                self.err(0, "schema-invalid", "schema.yaml is empty")
            return Schema(problems=self.problems, file=self.rel)
        if not isinstance(data, LocDict):
            self.err(1, "schema-invalid", "schema.yaml must be a mapping with kinds, fields and relations")
            return Schema(problems=self.problems, file=self.rel)
        d: LocDict = data
        known = {"version", "framework_version", "limits", "id_pattern", "grades", "fields", "kinds", "relations", "cardinality"}
        for key in d:
            if key not in known:
                self.err(d.line_of(key), "schema-invalid", f"unknown top-level key `{key}`", "known keys: " + ", ".join(sorted(known)))
        limits = d.get("limits") or {}
        id_pattern = d.get("id_pattern", Schema.id_pattern)
        why = pattern_problem(id_pattern)
        if why:
            self.err(
                d.line_of("id_pattern"),
                "schema-invalid",
                f"id_pattern cannot guard ids: {why}",
                'write a quoted regular expression without nested or adjacent quantifiers over the same characters, e.g. "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"',
            )
            id_pattern = Schema.id_pattern
        schema = Schema(
            version=d.get("version", 1),
            framework_version=str(d.get("framework_version") or ""),
            id_pattern=id_pattern,
            max_file_bytes=self.limit(limits, "max_file_bytes", DEFAULT_MAX_BYTES, d.line_of("limits")),
            max_alias_expansion=self.limit(limits, "max_alias_expansion", DEFAULT_MAX_ALIAS_EXPANSION, d.line_of("limits")),
            problems=self.problems,
            file=self.rel,
        )
        schema.grades = self.grades(d.get("grades"), d.line_of("grades"))
        schema.common_fields = self.fields(d.get("fields"), d.line_of("fields"), "fields")
        for required in ("id", "kind", "title", "provenance"):
            if required not in schema.common_fields:
                self.err(d.line_of("fields"), "schema-invalid", f"the common fields must include `{required}`", f"declare `{required}` under `fields:`")
        schema.kinds = self.kinds(d.get("kinds"), d.line_of("kinds"))
        schema.relations = self.relations(d.get("relations"), d.line_of("relations"), schema)
        schema.link_rules = self.short_form_rules(schema, d) + self.cardinality(d, schema)
        self.check_consistency(schema, d)
        # `required_relations` of a kind: every relation it must have at least one link of
        for rule in schema.link_rules:
            k = schema.kinds[rule.kind]
            if not rule.incoming and rule.min >= 1 and rule.relation not in k.required_relations:
                schema.kinds[rule.kind] = replace(k, required_relations=k.required_relations + (rule.relation,))
        return schema

    def limit(self, limits, key: str, default: int, line: int = 1) -> int:
        if not isinstance(limits, LocDict):
            if key == "max_file_bytes":  # say it once
                self.err(line, "schema-invalid", "`limits` must be a mapping", "write `limits:` with `max_file_bytes:` and `max_alias_expansion:`")
            return default
        value = limits.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.err(limits.line_of(key), "schema-invalid", f"`limits.{key}` must be a positive whole number, not `{value}`", f"for example `{key}: {default}`")
            return default
        return value

    def mapping(self, value, line: int, what: str) -> dict:
        if value is None:
            self.err(line, "schema-invalid", f"`{what}` is missing or empty", f"declare `{what}:` as in the project's schema.yaml")
            return {}
        if not isinstance(value, LocDict):
            self.err(line, "schema-invalid", f"`{what}` must be a mapping", f"write `{what}:` with one `name:` per item, not a list")
            return {}
        bad = [k for k in value if not isinstance(k, str)]
        for k in bad:
            self.err(value.line_of(k), "schema-invalid", f"`{what}`: the name `{k}` is not text", "names are words such as `need` or `engages`")
        return {k: v for k, v in value.items() if isinstance(k, str)} if bad else value

    def grades(self, value, line: int) -> dict[str, Grade]:
        out = {}
        for name, spec in self.mapping(value, line, "grades").items():
            spec = spec if isinstance(spec, LocDict) else LocDict()
            for key in spec:
                if key not in _GRADE_OPTIONS:
                    self.err(spec.line_of(key), "schema-invalid", f"grade `{name}`: unknown option `{key}`", "options: " + ", ".join(sorted(_GRADE_OPTIONS)))
            min_sources = spec.get("min_sources", 0)
            if isinstance(min_sources, bool) or not isinstance(min_sources, int) or min_sources < 0:
                self.err(
                    spec.line_of("min_sources"),
                    "schema-invalid",
                    f"grade `{name}`: `min_sources` must be a whole number, not `{min_sources}`",
                    "for example `min_sources: 2`",
                )
                min_sources = 0
            out[name] = Grade(
                name,
                str(spec.get("label", name)),
                str(spec.get("badge", name[:1].upper())),
                self.flag(spec, "paper_claim", f"grade `{name}`"),
                str(spec.get("description", "")),
                min_sources,
            )
        return out

    def field_spec(self, name: str, spec, line: int, where: str) -> FieldSpec | None:
        if not isinstance(spec, LocDict):
            self.err(line, "schema-bad-field", f"{where}: field `{name}` must be a mapping with a `type`", f"write `{name}: {{ type: string }}`")
            return None
        for key in spec:
            if key not in _FIELD_OPTIONS:
                self.err(
                    spec.line_of(key),
                    "schema-bad-field",
                    f"{where}: field `{name}` has unknown option `{key}`",
                    "options: " + ", ".join(sorted(_FIELD_OPTIONS)),
                )
        ftype = spec.get("type")
        if ftype not in FIELD_TYPES:
            self.err(spec.line_of("type"), "schema-bad-field", f"{where}: field `{name}` has unknown type `{ftype}`", "types: " + ", ".join(FIELD_TYPES))
            return None
        items = None
        if ftype == "list":
            items = self.field_spec(
                f"{name}[]", spec.get("items", {"type": "string"}) if "items" in spec else LocDict(type="string"), spec.line_of("items"), where
            )
        values = spec.get("values") or ()
        if ftype == "enum" and not isinstance(values, list):
            self.err(spec.line_of("values"), "schema-bad-field", f"{where}: enum field `{name}` needs a list of `values`", "write `values: [first, second]`")
            values = ()
        sizes = {}
        for option in ("min_items", "max_items", "max_length"):
            value = spec.get(option)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                self.err(
                    spec.line_of(option),
                    "schema-bad-field",
                    f"{where}: field `{name}`: `{option}` must be a whole number, not `{value}`",
                    f"for example `{option}: 2`",
                )
                value = None
            sizes[option] = value
        pattern = spec.get("pattern") or ""
        if pattern:
            # the same guard as id_pattern: a field's pattern sees every value of that field
            why = pattern_problem(pattern)
            if why:
                self.err(
                    spec.line_of("pattern"),
                    "schema-bad-field",
                    f"{where}: field `{name}`: `pattern` cannot be used: {why}",
                    "write a quoted regular expression without nested or adjacent quantifiers over the same characters",
                )
                pattern = ""
        return FieldSpec(
            name=name,
            type=ftype,
            required=self.flag(spec, "required", f"{where}: field `{name}`"),
            description=str(spec.get("description", "")),
            values=tuple(values),
            items=items,
            min_items=sizes["min_items"],
            max_items=sizes["max_items"],
            max_length=sizes["max_length"],
            pattern=str(pattern),
            **self.behaviour(name, spec, ftype, where),
        )

    # --- field behaviour options (issue 14, item 10) ---
    def behaviour(self, name: str, spec, ftype: str, where: str) -> dict:
        """The options ``label``, ``display``, ``search``, ``rdf`` and ``in_glossary`` of a field, checked."""
        out: dict = {}
        if "label" in spec:
            if not isinstance(spec.get("label"), str) or not spec.get("label").strip():
                self.err(spec.line_of("label"), "schema-bad-field", f"{where}: field `{name}`: `label` must be text", 'for example `label: "Web page"`')
            else:
                out["label"] = spec.get("label").strip()
        for option, allowed in (("display", DISPLAYS), ("search", SEARCHES)):
            if option in spec:
                value = spec.get(option)
                if value is False and option == "search":
                    value = "none"
                if value not in allowed:
                    self.err(
                        spec.line_of(option),
                        "schema-bad-field",
                        f"{where}: field `{name}`: `{option}` is `{value}`; allowed: " + ", ".join(f"`{v}`" for v in allowed),
                        did_you_mean(value, allowed) or f"for example `{option}: {next(iter(allowed))}`",
                    )
                else:
                    out[option] = value
        items = spec.get("items")
        item_type = items.get("type") if isinstance(items, dict) else "string"
        if out.get("display") == "sides" and (ftype != "list" or spec.get("min_items") != 2 or spec.get("max_items") != 2):
            self.err(
                spec.line_of("display"),
                "schema-bad-field",
                f"{where}: field `{name}`: `display: sides` needs a list of exactly two items",
                "add `type: list`, `min_items: 2` and `max_items: 2`, or choose another display",
            )
            out.pop("display")
        if out.get("display") == "citation" and ftype != "string":
            self.err(
                spec.line_of("display"),
                "schema-bad-field",
                f"{where}: field `{name}`: `display: citation` needs a `string` field (a key of references.bib)",
                "write `type: string`, or choose another display",
            )
            out.pop("display")
        if out.get("search") == "name" and not (ftype == "string" or (ftype == "list" and item_type == "string")):
            self.err(
                spec.line_of("search"),
                "schema-bad-field",
                f"{where}: field `{name}`: `search: name` needs a `string` field or a list of strings (names are one line)",
                "use `search: text`, or change the type",
            )
            out.pop("search")
        if "rdf" in spec:
            value = spec.get("rdf")
            m = _CURIE.fullmatch(value) if isinstance(value, str) else None
            if m is None or m.group(1) not in RDF_PREFIXES:
                self.err(
                    spec.line_of("rdf"),
                    "schema-bad-field",
                    f"{where}: field `{name}`: `rdf` is `{value}`, not a property of " + ", ".join(f"`{p}:`" for p in RDF_PREFIXES),
                    "for example `rdf: skos:altLabel`, or remove it (the field becomes `sa:" + name + "`)",
                )
            else:
                out["rdf"] = value
        if "in_glossary" in spec:
            out["in_glossary"] = self.flag(spec, "in_glossary", f"{where}: field `{name}`")
            if out["in_glossary"] and ftype != "boolean":
                self.err(
                    spec.line_of("in_glossary"),
                    "schema-bad-field",
                    f"{where}: field `{name}`: `in_glossary` needs a `boolean` field",
                    "write `type: boolean`, or remove `in_glossary`",
                )
                out["in_glossary"] = False
        return out

    # --- end field behaviour options ---

    def fields(self, value, line: int, where: str) -> dict[str, FieldSpec]:
        out: dict[str, FieldSpec] = {}
        if value is None:
            return out
        for name, spec in self.mapping(value, line, where).items():
            if not self.valid_name(name, value.line_of(name) if isinstance(value, LocDict) else line, "field", where):
                continue
            f = self.field_spec(name, spec, value.line_of(name) if isinstance(value, LocDict) else line, where)
            if f:
                out[name] = f
        return out

    def kinds(self, value, line: int) -> dict[str, Kind]:
        out = {}
        for name, spec in self.mapping(value, line, "kinds").items():
            kline = value.line_of(name)
            if not self.valid_name(name, kline, "kind"):
                continue
            if name == REFERENCE_KIND:
                self.err(kline, "schema-invalid", f"`{REFERENCE_KIND}` is reserved for entries of references.bib", "give the kind another name")
                continue
            if not isinstance(spec, LocDict):
                self.err(kline, "schema-invalid", f"kind `{name}` must be a mapping", f"write `{name}:` followed by its `label:`, `description:` and `fields:`")
                continue
            for key in spec:
                if key not in _KIND_OPTIONS:
                    self.err(spec.line_of(key), "schema-invalid", f"kind `{name}`: unknown option `{key}`", "options: " + ", ".join(sorted(_KIND_OPTIONS)))
            req = spec.get("required_relations") or []
            if not isinstance(req, list) or not all(isinstance(r, str) for r in req):
                self.err(
                    spec.line_of("required_relations"),
                    "schema-invalid",
                    f"kind `{name}`: `required_relations` must be a list of relation names",
                    "write `required_relations: [relation, other-relation]`",
                )
                req = [r for r in req if isinstance(r, str)] if isinstance(req, list) else []
            out[name] = Kind(
                name=name,
                label=str(spec.get("label", name.capitalize())),
                plural=str(spec.get("plural", str(spec.get("label", name.capitalize())) + "s")),
                color=str(spec.get("color", "#888888")),
                shape=str(spec.get("shape", "dot")),
                file=self.kind_file(spec, name),
                description=str(spec.get("description", "")),
                fields=self.fields(spec.get("fields"), spec.line_of("fields"), f"kind `{name}`"),
                required_relations=tuple(req) if isinstance(req, list) else (),
                requires_one_of=self.names(spec, "requires_one_of", f"kind `{name}`"),
                review_hint=str(spec.get("review_hint") or ""),
                glossary=self.flag(spec, "glossary", f"kind `{name}`"),
                neighbourhood="neighbourhood" not in spec or self.flag(spec, "neighbourhood", f"kind `{name}`"),
            )
        return out

    def relations(self, value, line: int, schema: Schema) -> dict[str, RelationType]:
        out = {}
        known_kinds = set(schema.kinds) | {"*", REFERENCE_KIND}
        for name, spec in self.mapping(value, line, "relations").items():
            rline = value.line_of(name)
            if not self.valid_name(name, rline, "relation"):
                continue
            if not isinstance(spec, LocDict):
                self.err(
                    rline, "schema-invalid", f"relation `{name}` must be a mapping", f"write `{name}:` followed by its `label:`, `inverse:`, `from:` and `to:`"
                )
                continue
            for key in spec:
                if key not in _RELATION_OPTIONS:
                    self.err(
                        spec.line_of(key), "schema-invalid", f"relation `{name}`: unknown option `{key}`", "options: " + ", ".join(sorted(_RELATION_OPTIONS))
                    )
            ends = {}
            for end in ("from", "to"):
                kinds = spec.get(end, ["*"])
                if isinstance(kinds, str):
                    kinds = [kinds]
                if not isinstance(kinds, list):
                    self.err(spec.line_of(end), "schema-invalid", f"relation `{name}`: `{end}` must be a list of kinds", f"write `{end}: [kind, other-kind]`")
                    kinds = ["*"]
                for k in kinds:
                    if not isinstance(k, str):
                        self.err(
                            spec.line_of(end),
                            "schema-invalid",
                            f"relation `{name}`: `{end}` holds `{k}`, which is not a kind name",
                            f"write `{end}: [kind, other-kind]`",
                        )
                    elif k not in known_kinds:
                        self.err(
                            spec.line_of(end),
                            "schema-unknown-kind",
                            f"relation `{name}`: `{end}` names kind `{k}`, which is not declared",
                            did_you_mean(k, known_kinds) or "declare the kind under `kinds:`, or use `*` for any kind",
                        )
                        self.unsure_ends.add(name)  # reported once: no cardinality problems on top
                kinds = [k for k in kinds if isinstance(k, str)]
                ends[end] = tuple(kinds)
            symmetric = self.flag(spec, "symmetric", f"relation `{name}`")
            if "symmetric" in spec and not isinstance(spec.get("symmetric"), bool):
                self.unsure_symmetric.add(name)  # reported once: no label clash on top
            acyclic = self.flag(spec, "acyclic", f"relation `{name}`")
            if symmetric and acyclic:
                self.err(
                    spec.line_of("acyclic"),
                    "schema-invalid",
                    f"relation `{name}` is both `symmetric` and `acyclic`: every symmetric link is a cycle of two",
                    "remove `acyclic: true`, or `symmetric: true` if the relation has a direction",
                )
                acyclic = False
            label = str(spec.get("label", name.replace("_", " ")))
            out[name] = RelationType(
                name=name,
                label=label,
                inverse=str(spec.get("inverse", f"{label} (inverse)")),
                sources=ends["from"],
                targets=ends["to"],
                description=str(spec.get("description", "")),
                symmetric=symmetric,
                acyclic=acyclic,
                allow_self=self.flag(spec, "allow_self", f"relation `{name}`"),
                locator=self.flag(spec, "locator", f"relation `{name}`"),
                effects=self.names(spec, "effects", f"relation `{name}`"),
                section=str(spec.get("section") or ""),
            )
        return out

    # -- cardinality ------------------------------------------------------------
    def short_form_rules(self, schema: Schema, d: LocDict) -> tuple[LinkRule, ...]:
        """`required_relations: [r]` of a kind: short for `links: {r: {min: 1}}`."""
        kinds = d.get("kinds")
        kind_map = kinds if isinstance(kinds, LocDict) else LocDict()
        out = []
        for k in schema.kinds.values():
            kspec = kind_map.get(k.name)
            line = kspec.line_of("required_relations") if isinstance(kspec, LocDict) else 0
            out += [LinkRule(k.name, r, False, 1, None, (), line, True) for r in k.required_relations if r in schema.relations]
        return tuple(out)

    def cardinality(self, d: LocDict, schema: Schema) -> tuple[LinkRule, ...]:
        """The `cardinality:` section: per kind, `links` and `backlinks` counts per relation."""
        if d.get("cardinality") is None:
            return ()
        out: list[LinkRule] = []
        taken = {(r.kind, r.relation): r for r in self.short_form_rules(schema, d)}
        for kind, spec in self.mapping(d["cardinality"], d.line_of("cardinality"), "cardinality").items():
            kline = d["cardinality"].line_of(kind)
            if kind not in schema.kinds:
                self.err(
                    kline,
                    "schema-unknown-kind",
                    f"cardinality: kind `{kind}` is not declared",
                    did_you_mean(kind, schema.kinds) or "declare the kind under `kinds:` or fix the name",
                )
                continue
            if not isinstance(spec, LocDict):
                self.err(
                    kline,
                    "schema-invalid",
                    f"cardinality of `{kind}` must be a mapping with `links:` and/or `backlinks:`",
                    f"write `{kind}:` then `links: {{relation: {{min: 1}}}}`",
                )
                continue
            for end in spec:
                if end not in _CARDINALITY_ENDS:
                    self.err(
                        spec.line_of(end),
                        "schema-invalid",
                        f"cardinality of `{kind}`: unknown option `{end}`",
                        (did_you_mean(end, _CARDINALITY_ENDS) + " " if did_you_mean(end, _CARDINALITY_ENDS) else "")
                        + "options: links (the entry's own links), backlinks (links to it)",
                    )
                    continue
                rels = self.mapping(spec[end], spec.line_of(end), f"cardinality.{kind}.{end}")
                for rel, count in rels.items():
                    rule = self.link_rule(schema, kind, end == "backlinks", rel, count, spec[end].line_of(rel))
                    if rule is None:
                        continue
                    if not rule.incoming and (kind, rel) in taken:
                        self.err(
                            rule.line,
                            "schema-invalid",
                            f"cardinality of `{kind}`: `{rel}` is also in the kind's `required_relations` (line {taken[kind, rel].line})",
                            f"say it once: remove `{rel}` from `required_relations` of `{kind}`, or this entry",
                        )
                        continue
                    out.append(rule)
        return tuple(out)

    def link_rule(self, schema: Schema, kind: str, incoming: bool, rel: str, count, line: int) -> LinkRule | None:
        """One count: `relation: {min, max, to|from}`, checked against the relation's ends."""
        end = "backlinks" if incoming else "links"
        where = f"cardinality of `{kind}`, {end} `{rel}`"
        other = _CARDINALITY_ENDS[end]
        r = schema.relations.get(rel)
        if r is None:
            self.err(
                line,
                "schema-invalid",
                f"cardinality of `{kind}`, {end}: the relation `{rel}` is not declared",
                did_you_mean(rel, schema.relations) or "declare the relation under `relations:` or fix the name",
            )
            return None
        if not isinstance(count, LocDict):
            self.err(line, "schema-invalid", f"{where}: must be a mapping with `min:` and/or `max:`", f"write `{rel}: {{ min: 1 }}`")
            return None
        ok = True
        sure = rel not in self.unsure_ends  # else the relation's ends were already reported
        for key in count:
            if key not in ("min", "max", other):
                wrong_end = key == _CARDINALITY_ENDS["links" if incoming else "backlinks"]
                hint = f"{end} count the kinds at the other end with `{other}:`" if wrong_end else "options: min, max, " + other
                self.err(count.line_of(key), "schema-invalid", f"{where}: unknown option `{key}`", hint)
                ok = False
        if sure and incoming and not r.allows_target(kind):
            self.err(
                line,
                "schema-invalid",
                f"{where}: `{rel}` may not point to a {kind} (its `to:` is {', '.join(r.targets)}), so a {kind} has no `{rel}` backlinks",
                f"add `{kind}` to `to:` of `{rel}`, or remove this count",
            )
            ok = False
        if sure and not incoming and not r.allows_source(kind):
            self.err(
                line,
                "schema-invalid",
                f"{where}: a {kind} may not use `{rel}` (its `from:` is {', '.join(r.sources)})",
                f"add `{kind}` to `from:` of `{rel}`, or remove this count",
            )
            ok = False
        if incoming and r.symmetric:
            self.err(
                line,
                "schema-invalid",
                f"{where}: `{rel}` is symmetric, so it has no backlinks (a link counts for both entries)",
                f"count it under `links:` of `{kind}`",
            )
            ok = False
        bounds = {}
        for key in ("min", "max"):
            value = count.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                self.err(count.line_of(key), "schema-invalid", f"{where}: `{key}` must be a whole number, 0 or more, not `{value}`", f"for example `{key}: 1`")
                ok = False
                value = None
            bounds[key] = value
        if bounds["min"] is None and bounds["max"] is None and ok and "min" not in count and "max" not in count:
            self.err(
                line, "schema-invalid", f"{where}: gives neither `min` nor `max`", f"write `{rel}: {{ min: 1 }}` (at least one) or `{{ max: 1 }}` (at most one)"
            )
            ok = False
        if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
            self.err(
                count.line_of("max"),
                "schema-invalid",
                f"{where}: `min: {bounds['min']}` is more than `max: {bounds['max']}`, so no entry could satisfy both",
                "lower `min` or raise `max`",
            )
            ok = False
        kinds = count.get(other, [])
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            self.err(count.line_of(other), "schema-invalid", f"{where}: `{other}` must be a list of kinds", f"write `{other}: [kind, other-kind]`")
            return None
        allowed = r.sources if incoming else r.targets
        for k in kinds:
            if k not in schema.kinds and k != REFERENCE_KIND:
                self.err(
                    count.line_of(other),
                    "schema-unknown-kind",
                    f"{where}: `{other}` names kind `{k}`, which is not declared",
                    did_you_mean(k, schema.kinds) or "declare the kind under `kinds:` or fix the name",
                )
                ok = False
            elif sure and not (r.allows_source(k) if incoming else r.allows_target(k)):
                self.err(
                    count.line_of(other),
                    "schema-invalid",
                    f"{where}: `{rel}` never links {'from' if incoming else 'to'} a {k} (its `{'from' if incoming else 'to'}:` is {', '.join(allowed)}), so such links could never count",
                    f"name kinds of `{'from' if incoming else 'to'}:` of `{rel}`",
                )
                ok = False
        if not ok:
            return None
        return LinkRule(kind, rel, incoming, bounds["min"] or 0, bounds["max"], tuple(kinds), line)

    def names(self, spec, key: str, where: str) -> tuple[str, ...]:
        """An optional list of names (``requires_one_of``, ``effects``)."""
        value = spec.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.err(spec.line_of(key), "schema-invalid", f"{where}: `{key}` must be a list of names", f"write `{key}: [first, second]`")
            return ()
        return tuple(value)

    def check_consistency(self, schema: Schema, d: LocDict) -> None:
        rel_map = found if isinstance(found := d.get("relations"), LocDict) else LocDict()
        seen: dict[str, str] = {}
        for r in schema.relations.values():
            spec = rel_map.get(r.name)
            spec = spec if isinstance(spec, LocDict) else LocDict()

            def line_of(key: str) -> int:  # used within this iteration only
                return spec.line_of(key) if key in spec else rel_map.line_of(r.name)  # noqa: B023

            labels = [r.label] if r.symmetric else [r.label, r.inverse]
            if not r.symmetric and r.label == r.inverse and r.name not in self.unsure_symmetric:
                self.err(
                    line_of("inverse"),
                    "schema-inverse-clash",
                    f"relation `{r.name}` uses `{r.label}` as both label and inverse",
                    "only symmetric relations may; set `symmetric: true` or rename the inverse",
                )
            for label, key in zip(labels, ("label", "inverse"), strict=False):  # one label when symmetric
                if label in seen and seen[label] != r.name:
                    self.err(
                        line_of(key),
                        "schema-inverse-clash",
                        f"relations `{seen[label]}` and `{r.name}` both show the label `{label}`",
                        f"give `{r.name}` its own `{key}`",
                    )
                seen.setdefault(label, r.name)
        field_names = set(schema.common_fields)
        kind_map = found if isinstance(found := d.get("kinds"), LocDict) else LocDict()
        for k in schema.kinds.values():
            field_names |= set(k.fields)
            kspec = kind_map.get(k.name)
            kline = kspec.line_of("required_relations") if isinstance(kspec, LocDict) else d.line_of("kinds")
            for req in k.required_relations:
                if req not in schema.relations:
                    self.err(
                        kline,
                        "schema-invalid",
                        f"kind `{k.name}` requires relation `{req}`, which is not declared",
                        did_you_mean(req, schema.relations) or "declare the relation under `relations:` or fix the name",
                    )
        for name in schema.relations:
            if name in field_names:
                self.err(rel_map.line_of(name), "schema-name-clash", f"relation `{name}` has the same name as a field", "rename the relation or the field")


_FILE_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _file_problem(value) -> str:
    """Why a kind's `file:` cannot hold its entries ("" if it can).

    >>> _file_problem("needs.yaml"), _file_problem("../../etc/x.yaml"), _file_problem("schema.yaml")
    ('', 'is outside framework/', 'is the schema itself')
    """
    if not isinstance(value, str) or not value:
        return "is not a file name"
    if value.startswith("/") or "\\" in value or re.match(r"[A-Za-z]:", value) or ".." in value.split("/"):
        return "is outside framework/"
    norm = posixpath.normpath(value)
    if norm.startswith("../") or norm == "..":
        return "is outside framework/"
    if not all(_FILE_PART.fullmatch(part) for part in norm.split("/")):
        return "is not a plain file name (letters, digits, `.`, `_`, `-`; no hidden files)"
    if not norm.endswith((".yaml", ".yml")):
        return "does not end in .yaml, so the loader would never read it"
    if norm == "schema.yaml":
        return "is the schema itself"
    return ""
