"""Add an entry to the framework without touching anything else.

:func:`add_entry` builds the YAML of a new entry, appends it to the end of its
kind's file (or a file you name) and validates the would-be framework with the
real loader and validator *before* writing. Every existing byte of every file
stays as it was: the new file is the old one with the entry appended, and the
write is atomic (a temporary file, then a rename) under a lock on the
framework folder, so an interruption or a second ``add`` at the same time can
never leave a mixed file.

The pure pieces (:func:`entry_data`, :func:`entry_yaml`, :func:`appended_text`)
build text and never write; only :func:`add_entry` touches the disk.

Example (on a copy of a framework)::

    >>> import shutil, tempfile, socioaffective
    >>> root = shutil.copytree("tests/fixtures/tiny", tempfile.mkdtemp() + "/fw")
    >>> result = socioaffective.add_entry(
    ...     root, "concept", "care", "Care",
    ...     summary="Attending to someone's needs.",
    ...     description="Care is attention to another's needs over time.",
    ...     relations={"related_to": ["alignment"]},
    ...     cites=[("kirk2025why", "abstract")],
    ... )
    >>> result.file, result.entry.title  # a new file: the tiny framework has no concepts.yaml
    ('framework/concepts.yaml', 'Care')
    >>> [e.id for e in socioaffective.load(root).related("care")]
    ['alignment', 'kirk2025why']
    >>> shutil.rmtree(root)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import EditError
from .fsutil import LOCK_TIMEOUT, atomic_write, folder_lock
from .hints import did_you_mean
from .model import Entry, Provenance
from .problems import Problem
from .schema import EDITORIAL, REFERENCE_KIND, Schema

#: The first line of every framework file: editors (VS Code, JetBrains, vim
#: with yaml-language-server) then complete and check fields.
SCHEMA_HEADER = "# yaml-language-server: $schema={path}"
JSON_SCHEMA_FILE = "framework.schema.json"

_WIDTH = 88
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


@dataclass
class AddResult:
    """What :func:`add_entry` did (or, with ``dry_run``, would do)."""

    entry: Entry
    path: Path
    file: str
    yaml: str
    created: bool
    written: bool
    warnings: list[Problem] = field(default_factory=list)
    #: Links the new entry needs *from other entries* (`backlinks` counts of
    #: schema.yaml, code ``missing-backlink``): an append cannot add them, so
    #: they do not block the add; ``validate`` reports them until they exist.
    pending: list[Problem] = field(default_factory=list)


# -- building the entry --------------------------------------------------------
def _cites_relation(schema: Schema) -> str:
    names = [r.name for r in schema.relations.values() if r.cites_references]
    if not names:
        raise EditError("this schema has no relation to references.bib, so the entry cannot cite works")
    return "cites" if "cites" in names else names[0]


def _provenance(value: object) -> dict:
    if value is None:
        return {"source": EDITORIAL, "grade": EDITORIAL}
    if isinstance(value, Provenance):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v not in (None, "")}
    raise EditError(f"a provenance must be a mapping with `source` and `grade`, not {type(value).__name__}")


def _relation_item(value: object) -> object:
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) for v in value):
        target, locator = value
        return {"target": target, "locator": locator} if locator else target
    if isinstance(value, Provenance):
        raise EditError("a relation target must be an id or a mapping with `target`")
    if isinstance(value, dict):
        item = {k: v for k, v in value.items() if v not in (None, "")}
        if isinstance(item.get("provenance"), Provenance):
            item["provenance"] = item["provenance"].to_dict()
        return item["target"] if set(item) == {"target"} else item
    return value


def entry_data(
    schema: Schema,
    kind: str,
    id: str,
    title: str,
    *,
    summary: str | None = None,
    description: str | None = None,
    provenance: Provenance | dict | None = None,
    fields: dict | None = None,
    relations: dict | None = None,
    cites: str | dict | Iterable[object] | None = None,
) -> dict:
    """The new entry as plain data, keys in the order the schema declares them.

    ``relations`` maps relation names to a target or a list of targets (an id,
    or a mapping with ``target`` and optional ``locator``, ``note``,
    ``provenance``); ``cites`` lists bib keys or ``(key, locator)`` pairs.
    Nothing is checked here beyond shape: :func:`add_entry` runs the validator.

    >>> from socioaffective.loader import default_root, load
    >>> schema = load(default_root()).schema
    >>> entry_data(schema, "need", "safety", "Safety", summary="Feeling safe.", cites=["ryan2000self"])
    {'id': 'safety', 'kind': 'need', 'title': 'Safety', 'summary': 'Feeling safe.', 'provenance': {'source': 'editorial', 'grade': 'editorial'}, 'cites': ['ryan2000self']}
    """
    from .errors import ArgumentError

    for name, value in (("fields", fields), ("relations", relations)):
        if value is not None and not isinstance(value, dict):
            raise ArgumentError(f"`{name}` must be a mapping ({{name: value}}), not {type(value).__name__}")
    for name, text in (("kind", kind), ("id", id), ("title", title)):
        if not isinstance(text, str):
            raise ArgumentError(f"`{name}` must be text (a str), not {type(text).__name__} `{text!r:.60}`")
    fields = dict(fields or {})
    given = {"id": id, "kind": kind, "title": title, "summary": summary, "description": description}
    for name in given:
        if name in fields:
            raise EditError(f"`{name}` is given twice (as an argument and as a field); give it once")
    if "provenance" in fields:
        if provenance is not None:
            raise EditError("the provenance is given twice; give it once")
        provenance = fields.pop("provenance")
    values: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    values["provenance"] = _provenance(provenance)
    values.update(fields)
    links: dict[str, list] = {}
    for name, targets in (relations or {}).items():
        items = targets if isinstance(targets, list) else [targets]
        links.setdefault(name, []).extend(_relation_item(t) for t in items)
    if cites:
        cited = [cites] if isinstance(cites, (str, dict)) else list(cites)
        links.setdefault(_cites_relation(schema), []).extend(_relation_item(c) for c in cited)
    for name, linked in links.items():
        if name in values:
            raise EditError(f"`{name}` is given both as a field and as a relation; give it once")
        values[name] = linked
    # schema order: common fields, the kind's fields, relations; unknown names last
    order = list(schema.fields_of(kind)) + list(schema.relations)
    rank = {name: i for i, name in enumerate(order)}
    return dict(sorted(values.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def parse_field_values(schema: Schema, kind: str, pairs: Iterable[str]) -> dict:
    """Turn ``NAME=VALUE`` texts (from the command line) into typed field values.

    A list field takes one item per occurrence; integers and booleans are
    converted; every other value stays text.

    >>> from socioaffective.loader import default_root, load
    >>> schema = load(default_root()).schema
    >>> parse_field_values(schema, "dilemma", ["poles=Now", "poles=Later", "tension=Pulls apart"])
    {'poles': ['Now', 'Later'], 'tension': 'Pulls apart'}
    >>> parse_field_values(schema, "paper", ["year=2025"])
    {'year': 2025}
    """
    specs = schema.fields_of(kind)
    out: dict = {}
    for pair in pairs:
        name, sep, text = str(pair).partition("=")
        name = name.strip()
        if not sep or not name:
            raise EditError(f"`{pair}` is not NAME=VALUE", [])
        spec = specs.get(name)
        if spec is not None and spec.type == "list":
            out.setdefault(name, []).append(convert_value(name, text, spec.items.type if spec.items else "string"))
        elif name in out:
            raise EditError(f"the field `{name}` is given twice; it takes one value" + (" (only list fields repeat)" if spec else ""))
        else:
            out[name] = convert_value(name, text, spec.type if spec else "string")
    return out


def convert_value(name: str, text: str, ftype: str) -> str | int | bool:
    if ftype == "integer":
        try:
            return int(text.strip())
        except ValueError:
            raise EditError(f"`{name}` must be a whole number, not `{text}`") from None
    if ftype == "boolean":
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise EditError(f"`{name}` must be true or false, not `{text}`")
    if ftype == "provenance":
        raise EditError(f"`{name}` is a provenance; give it with --source and --grade")
    return text


# -- YAML text -----------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Safe dumper that indents lists under their key, as the framework files do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _pretty_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data and not data.endswith("\n\n") and data.strip("\n"):
        # a literal block; text ending in blank lines would need keep-chomping
        # (`|+`), which swallows the blank lines before a later entry
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    if len(data) > 72 and " " in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


class _PrettyDumper(_Dumper):
    pass


class _QuotedDumper(_Dumper):
    pass


_PrettyDumper.add_representer(str, _pretty_str)
_QuotedDumper.add_representer(str, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style='"'))


def entry_yaml(data: dict, dash: int = 2, indent: int = 2) -> str:
    """The YAML list item for ``data``, its dash at column ``dash``.

    Long text is folded, multi-line text is a literal block; if a value would
    not read back exactly that way, every string is double-quoted instead.

    >>> print(entry_yaml({"id": "x", "kind": "need", "aliases": ["a", "b"]}), end="")
      - id: x
        kind: need
        aliases:
          - a
          - b
    """
    from .yamlio import parse_yaml_bytes

    indent = indent if 2 <= indent <= 9 else 2
    for dumper in (_PrettyDumper, _QuotedDumper):
        text = yaml.dump([data], Dumper=dumper, sort_keys=False, allow_unicode=True, width=_WIDTH, indent=indent, default_flow_style=False)
        if text.endswith("\n...\n"):  # a document-end marker means nothing once indented
            text = text[: -len("...\n")]
        pad = " " * dash
        text = "".join(pad + line if line.strip() else line for line in text.splitlines(keepends=True))
        # check the item as it will stand: under `entries:`, with another item after it
        probe = "entries:\n" + text + pad + "- id: next\n"
        back, problems = parse_yaml_bytes(probe.encode("utf-8"), "<new entry>")
        if not problems and back == {"entries": [data, {"id": "next"}]}:
            return text
    raise EditError("the entry cannot be written as YAML that reads back unchanged")  # pragma: no cover


def _layout(text: str, rel: str) -> tuple[int, int]:
    """``(dash column, indent)`` of the items of ``entries:`` in an existing file.

    Refuses files whose ``entries:`` list cannot be extended by appending lines.
    """
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise EditError(
            f"{rel} cannot be read as YAML ({str(exc).splitlines()[0]}); fix it first (`socioaffective validate`), or add the entry to another file with --file"
        ) from None
    if root is None:
        return 2, 2
    if not isinstance(root, yaml.MappingNode) or not root.value:
        raise EditError(f"{rel} is not a mapping with `entries:`; add the entry to another file with --file")
    key, seq = root.value[-1]
    if getattr(key, "value", None) != "entries":
        raise EditError(f"{rel}: `entries:` is not the last key of the file, so the entry cannot be appended at the end; move `entries:` last, or use --file")
    if isinstance(seq, yaml.ScalarNode) and seq.value in ("", "~", "null", "Null", "NULL"):
        return 2, 2
    if not isinstance(seq, yaml.SequenceNode):
        raise EditError(f"{rel}: `entries:` is not a list; fix the file first (`socioaffective validate`)")
    if seq.flow_style:
        raise EditError(
            f"{rel}: `entries:` is written in flow style (`[...]`), so an entry cannot be appended as lines; rewrite it as a block list (`- id: ...` items) or use --file"
        )
    if not seq.value:
        return 2, 2
    first = seq.value[0].start_mark
    line = text.splitlines()[first.line] if first.line < len(text.splitlines()) else ""
    before = line[: first.column].rstrip()
    dash = len(before) - 1 if before.endswith("-") else seq.start_mark.column
    return dash, max(first.column - dash, 2)


def _header_for(rel_in_framework: str) -> str:
    depth = rel_in_framework.count("/")
    return SCHEMA_HEADER.format(path="../" * depth + JSON_SCHEMA_FILE)


def appended_text(old: str | None, block: str, rel_in_framework: str) -> str:
    """The file text after appending ``block`` (a YAML list item) to ``old``.

    ``old`` is kept byte for byte as the start of the result; ``None`` means a
    new file, which gets the editor-schema header and ``entries:``.

    >>> appended_text("entries:\\n  - id: a", "  - id: b\\n", "x.yaml")
    'entries:\\n  - id: a\\n  - id: b\\n'
    >>> print(appended_text(None, "  - id: b\\n", "sub/x.yaml"), end="")
    # yaml-language-server: $schema=../framework.schema.json
    entries:
      - id: b
    """
    if old is None:
        return _header_for(rel_in_framework) + "\nentries:\n" + block
    newline = "\r\n" if "\r\n" in old else "\n"
    if newline != "\n":
        block = block.replace("\n", newline)
    if old and not old.endswith(("\n", "\r")):
        old += newline
    return old + block


# -- adding ----------------------------------------------------------------------
def _target(base: Path, schema: Schema, kind: str, file: str | os.PathLike | None) -> tuple[Path, str]:
    from .loader import FRAMEWORK_DIR, SCHEMA_FILE

    folder = base / FRAMEWORK_DIR
    name = str(file) if file is not None else schema.kinds[kind].file
    name = name.replace("\\", "/")
    if name.startswith(FRAMEWORK_DIR + "/"):
        name = name[len(FRAMEWORK_DIR) + 1 :]
    norm = os.path.normpath(name).replace(os.sep, "/")
    if os.path.isabs(name) or norm.startswith("../") or norm in ("..", "."):
        raise EditError(f"the file `{file}` is outside framework/; name a file inside it, such as `{schema.kinds[kind].file}`")
    if not norm.endswith((".yaml", ".yml")):
        raise EditError(f"the file `{file}` must end in .yaml (framework files are YAML)")
    if norm == SCHEMA_FILE:
        raise EditError("entries cannot go into schema.yaml; name another file")
    if any(part.startswith(".") for part in norm.split("/")):
        raise EditError(f"the file `{file}` is hidden (starts with a dot), so the loader would skip it")
    return folder / norm, norm


def _outline(p: Problem, rel: str, old_lines: int) -> str:
    where = f"{p.file}:{p.line}: " if p.line and not (p.file == rel and p.line > old_lines) else ""
    text = f"  - {where}{p.code}: {p.message}"
    return text + (f" (hint: {p.hint})" if p.hint else "")


def add_entry(
    root: str | os.PathLike,
    kind: str,
    id: str,
    title: str,
    *,
    summary: str | None = None,
    description: str | None = None,
    provenance: Provenance | dict | None = None,
    fields: dict | None = None,
    relations: dict | None = None,
    cites: str | dict | Iterable[object] | None = None,
    file: str | os.PathLike | None = None,
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
) -> AddResult:
    """Add one entry to the framework at ``root``, or refuse and write nothing.

    The entry (see :func:`entry_data` for the arguments; the provenance
    defaults to ``{source: editorial, grade: editorial}``) is appended to
    ``file`` (default: its kind's file in schema.yaml, created if missing).
    Before anything is written the would-be framework is loaded and validated
    with the real loader; any new error (unknown kind or field, duplicate id,
    dangling target, unknown cite key, bad value, a link count of schema.yaml
    broken for this or another entry ...) raises
    :class:`~socioaffective.errors.EditError` naming the problem and its fix,
    and nothing is written; problems the framework had before do not block.
    New warnings are returned in ``warnings``; the links the new entry needs
    from other entries (its `backlinks` counts) in ``pending``.
    ``dry_run=True`` checks everything and writes nothing.
    """
    from .loader import FRAMEWORK_DIR, SCHEMA_FILE, load, resolve_root
    from .schema import load_schema

    base = resolve_root(root)
    if not (base / FRAMEWORK_DIR).is_dir():
        raise EditError(f"`{base}` has no framework/ folder; give the folder that holds framework/ and references.bib")
    schema = load_schema(base / FRAMEWORK_DIR / SCHEMA_FILE, f"{FRAMEWORK_DIR}/{SCHEMA_FILE}")
    if not schema.ok:
        raise EditError("framework/schema.yaml has errors; run `socioaffective validate` and fix them first", schema.problems)
    from .errors import need_text

    need_text("kind", kind)
    if kind == REFERENCE_KIND:
        raise EditError("references are not entries: add the work to references.bib instead")
    if kind not in schema.kinds:
        hint = did_you_mean(kind, schema.kinds)
        raise EditError(f"there is no kind `{kind}`" + (f"; {hint}" if hint else "") + " (kinds: " + ", ".join(schema.kinds) + ")")
    data = entry_data(schema, kind, id, title, summary=summary, description=description, provenance=provenance, fields=fields, relations=relations, cites=cites)
    path, rel_in = _target(base, schema, kind, file)
    rel = f"{FRAMEWORK_DIR}/{rel_in}"
    from .loader import outside_link

    leads_to = outside_link(path, base / FRAMEWORK_DIR)
    if leads_to is not None:
        raise EditError(
            f"{rel} leads (through a symbolic link) to `{leads_to}`, outside {FRAMEWORK_DIR}/; nothing was written. Remove the link, or name another file with --file"
        )
    with folder_lock(base / FRAMEWORK_DIR, timeout=lock_timeout):
        if not dry_run:
            _remove_leftovers(base / FRAMEWORK_DIR, path.parent)
        before = load(base, strict=False)  # what is on disk, now that we hold the lock
        try:
            old_bytes = path.read_bytes() if path.exists() else None
        except OSError as exc:
            raise EditError(f"cannot read {rel}: {exc.strerror}") from None
        if old_bytes is not None and path.is_dir():
            raise EditError(f"{rel} is a folder, not a file")
        try:
            old = None if old_bytes is None else old_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise EditError(f"{rel} is not UTF-8; fix it first (`socioaffective validate`)") from None
        dash, indent = _layout(old, rel) if old is not None else (2, 2)
        block = entry_yaml(data, dash, indent)
        new = appended_text(old, block, rel_in)
        new_bytes = new.encode("utf-8")
        if old_bytes is not None and not new_bytes.startswith(old_bytes):  # pragma: no cover - guarded above
            raise EditError(f"internal check failed: {rel} would not keep its existing bytes; nothing was written")
        if len(new_bytes) > schema.max_file_bytes:
            raise EditError(f"{rel} would grow past the limit of {schema.max_file_bytes:,} bytes; put the entry in another file with --file")
        after = load(base, strict=False, overrides={path: new_bytes})
        old_lines = 0 if old is None else old.count("\n") + (0 if old.endswith("\n") else 1)
        known = {_key(p) for p in before.report.problems}
        fresh = [p for p in after.report.problems if _key(p) not in known]
        pending = [p for p in fresh if _awaits_backlinks(p, id, rel)]
        errors = [p for p in fresh if p.severity == "error" and p not in pending]
        if errors:
            n = len(errors)
            raise EditError(
                f"`{id}` was not added: the new entry would bring {n} error{'s' if n != 1 else ''}; nothing was written\n"
                + "\n".join(_outline(p, rel, old_lines) for p in errors),
                errors,
            )
        _check_preserved(old_bytes, new_bytes, data, rel)
        if id not in after or after.get(id).file != rel:
            raise EditError(f"internal check failed: `{id}` is not read back from {rel}; nothing was written")
        if not dry_run:
            try:
                now = path.read_bytes() if path.exists() else None
            except OSError as exc:
                raise EditError(f"cannot read {rel}: {exc.strerror}") from None
            if now != old_bytes:
                raise EditError(f"{rel} changed while the entry was being added (another editor?); nothing was written, run the command again")
            if old_bytes is None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise EditError(f"cannot create the folder of {rel}: {exc.strerror}") from None
            atomic_write(path, new_bytes)
    return AddResult(
        entry=after.get(id),
        path=path,
        file=rel,
        yaml=block,
        created=old_bytes is None,
        written=not dry_run,
        warnings=[p for p in fresh if p.severity != "error"],
        pending=pending,
    )


def _awaits_backlinks(p: Problem, id: str, rel: str) -> bool:
    """A missing backlink of the new entry itself: other entries must add it, later."""
    return p.code == "missing-backlink" and p.entry == id and p.file == rel


def _remove_leftovers(*folders: Path) -> None:
    """Delete temporary files a killed ``add`` left (under the lock, no writer is mid-write)."""
    from .fsutil import leftover_temp_files

    for folder in dict.fromkeys(folders):
        try:
            for tmp in leftover_temp_files(folder):
                if tmp.is_file() and not tmp.is_symlink():
                    tmp.unlink()
        except OSError:
            pass  # left for `validate` to report


def _check_preserved(old_bytes: bytes | None, new_bytes: bytes, data: dict, rel: str) -> None:
    """Every earlier entry reads back unchanged, and the new one is last."""
    from .yamlio import parse_yaml_bytes

    new_data, _ = parse_yaml_bytes(new_bytes, rel)
    new_entries = new_data.get("entries") if isinstance(new_data, dict) else None
    if not isinstance(new_entries, list) or not new_entries or new_entries[-1] != data:
        raise EditError(
            f"{rel}: the appended entry does not read back as the last item of `entries:`; nothing was written. Check the end of the file (indentation, a `...` marker) or use --file"
        )
    if old_bytes is None:
        return
    old_data, _ = parse_yaml_bytes(old_bytes, rel)
    old_entries = (old_data.get("entries") if isinstance(old_data, dict) else None) or []
    if list(new_entries[:-1]) != list(old_entries):
        raise EditError(
            f"{rel}: appending would change an existing entry (the file ends in a way that makes the new lines belong to it, "
            "e.g. a block text without a final newline); nothing was written. End the file with a newline, or use --file"
        )


def _key(p: Problem) -> tuple:
    # Hints are left out: a new id can change the did-you-mean of an old problem.
    return (p.file, p.line, p.code, p.entry, p.message)
