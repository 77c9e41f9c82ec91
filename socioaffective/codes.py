"""Every problem code the validator can report, with its meaning and fix.

This list is the single source for the README's troubleshooting table and the
book's error reference (``socioaffective codes``), so the docs cannot drift.
"""

from __future__ import annotations

from typing import NamedTuple


class Code(NamedTuple):
    severity: str  # "error" or "warning"
    meaning: str
    fix: str


CODES: dict[str, Code] = {
    # --- reading files -------------------------------------------------
    "file-unreadable": Code("error", "A framework file could not be read from disk.", "Check that the file exists and that you may read it."),
    "file-too-large": Code(
        "error",
        "A file is larger than `limits.max_file_bytes` in schema.yaml, so it was not read.",
        "Split the file into several smaller files, or raise the limit in schema.yaml if you really mean it.",
    ),
    "symlink-loop": Code("error", "A symbolic link under `framework/` points back into itself.", "Remove or correct the link."),
    "outside-framework": Code(
        "error",
        "A file or folder under `framework/` is a symbolic link whose real path is outside the framework folder; it was not read.",
        "Copy the file into framework/ instead of linking to it, or remove the link.",
    ),
    "leftover-temp-file": Code(
        "warning",
        "A hidden temporary file from an interrupted write (`.socioaffective-*.tmp`) is in a framework folder.",
        "Delete it; the next `socioaffective add` removes it too. The real file was never touched.",
    ),
    "encoding": Code(
        "error", "A file is not valid UTF-8 (for example it was saved as Latin-1).", "Re-save the file as UTF-8 (in most editors: Save with Encoding -> UTF-8)."
    ),
    "byte-order-mark": Code("error", "A file starts with a byte-order mark, which some YAML tools mis-read.", "Re-save the file as UTF-8 without BOM."),
    "empty-file": Code("error", "A framework file holds no data (nothing, or only comments).", "Add `entries:` with at least one entry, or delete the file."),
    "yaml-syntax": Code(
        "error", "The file is not valid YAML.", "Fix the syntax at the line shown; a YAML linter or your editor's YAML mode shows the exact spot."
    ),
    "tab-indent": Code("error", "A tab character is used where YAML needs spaces.", "Replace the tab with spaces (two per level)."),
    "duplicate-key": Code("error", "A mapping has the same key twice; YAML would silently keep only one of them.", "Remove or rename one of the two keys."),
    "unsafe-tag": Code(
        "error",
        "The file uses a YAML tag such as `!!python/object` that could run code. It was refused and never executed.",
        "Remove the tag; framework files hold plain data only.",
    ),
    "alias-bomb": Code(
        "error",
        "YAML anchors and aliases expand to more data than allowed (a 'billion laughs' file), or refer to themselves.",
        "Write the data out plainly instead of through nested aliases.",
    ),
    "merge-key": Code(
        "error",
        "A mapping uses a YAML merge key (`<<: *anchor`), which framework files do not support; the merge was ignored.",
        "Write the merged keys out in the mapping itself.",
    ),
    # --- file structure ------------------------------------------------
    "not-a-mapping": Code(
        "error", "The top level of a framework file must be a mapping with an `entries:` key.", "Start the file with `entries:` followed by a list of entries."
    ),
    "missing-entries": Code("error", "A framework file has no `entries:` list.", "Put the entries under a top-level `entries:` key."),
    "not-a-list": Code("error", "`entries:` must hold a list (items starting with `- `).", "Write each entry as a list item: `  - id: ...`."),
    "entry-not-mapping": Code(
        "error", "An item of `entries:` is not a mapping (e.g. a bare string).", "Give the entry its fields: `- id: ...`, `kind: ...`, `title: ...`."
    ),
    # --- entries -------------------------------------------------------
    "missing-field": Code("error", "A field the schema requires is missing.", "Add the field; `socioaffective new` asks for every required field."),
    "unknown-field": Code(
        "error", "A key is neither a field of this kind nor a relation.", "Fix the spelling (see the hint) or declare the field in schema.yaml."
    ),
    "wrong-type": Code("error", "A field's value has the wrong type (e.g. a list where text is expected).", "Give a value of the type named in the message."),
    "bad-value": Code(
        "error",
        "A field's value is outside what the schema allows (enum value, length, item count), or a `doi`, `arxiv` or `url` value is not one (only http and https addresses are linked).",
        "Use one of the allowed values shown in the message; write a DOI or arXiv id alone, and percent-encode a URL's other characters.",
    ),
    "bad-id": Code(
        "error",
        "An id is not lowercase kebab-case ASCII (letters, digits, single hyphens), the whole of it (no trailing line break), at most 128 characters.",
        "Use the suggested id, e.g. `present-vs-future-self`.",
    ),
    "invisible-character": Code(
        "warning",
        "An id or title holds an invisible character: a zero-width space or joiner, or a bidirectional control that can make text display in another order than it is stored.",
        "Delete the character (the message names it and its position); most editors can show invisible characters.",
    ),
    "duplicate-id": Code("error", "Two entries (or an entry and a bib key) share an id.", "Ids are unique across the whole framework: rename one of them."),
    "unknown-kind": Code(
        "error", "An entry's kind is not declared in schema.yaml.", "Use a declared kind (see the hint), or declare the new kind under `kinds:` in schema.yaml."
    ),
    "bad-provenance": Code(
        "error", "A provenance is missing `source` or `grade`, or has unknown keys.", "Write `provenance: {source: <bib key or editorial>, grade: <grade>}`."
    ),
    "unknown-grade": Code("error", "A provenance grade is not declared under `grades:` in schema.yaml.", "Use a declared grade (see the hint)."),
    "unknown-source": Code(
        "error", "A provenance source is neither `editorial` nor a key in references.bib.", "Add the work to references.bib or fix the key."
    ),
    "too-few-sources": Code(
        "error",
        "A provenance's grade needs named sources (schema.yaml `min_sources`: two independent ones for B, one for C) but its `sources` lists fewer.",
        "List the records the claim rests on under `sources:` (keys of references.bib), or lower the grade to what the sources support.",
    ),
    "provenance-mismatch": Code(
        "error",
        "Grade and source disagree: an `editorial` grade needs the `editorial` source and vice versa.",
        "Make both `editorial`, or cite the source with a non-editorial grade.",
    ),
    # --- relations -----------------------------------------------------
    "bad-relation": Code(
        "error",
        "A relation item is neither a target id nor a mapping with `target:`.",
        "Write the target id, or `{target: <id>, locator: ..., provenance: ...}`.",
    ),
    "dangling-target": Code("error", "A relation points to an id that no entry has.", "Fix the id (see the hint) or add the missing entry."),
    "unknown-cite-key": Code(
        "error", "A `cites` target is not a key in references.bib.", "Add the work to references.bib (a real work, with its DOI) or fix the key."
    ),
    "source-kind": Code(
        "error", "This kind of entry may not use this relation.", "Use a relation allowed for the kind, or extend the relation's `from:` in schema.yaml."
    ),
    "target-kind": Code(
        "error",
        "The relation may not point to an entry of the target's kind.",
        "Point to an entry of an allowed kind, or extend the relation's `to:` in schema.yaml.",
    ),
    "self-relation": Code(
        "error", "An entry is related to itself by a relation that does not allow it.", "Remove the link, or set `allow_self: true` on the relation."
    ),
    "cycle": Code("error", "A relation declared `acyclic` forms a cycle.", "Break the cycle by removing one of the links listed."),
    "missing-relation": Code(
        "error",
        "The schema requires this kind of entry to have (at least so many) links of a relation, to entries of the kinds it names, and the entry has fewer.",
        "Add the links the hint names (see `required_relations` of the kind, or its `links` under `cardinality:`, in schema.yaml).",
    ),
    "too-many-relations": Code(
        "error",
        "The entry has more links of a relation than its kind's `links` count under `cardinality:` in schema.yaml allows (`max`).",
        "Remove the links the hint counts, or raise `max` in schema.yaml if the rule is wrong.",
    ),
    "missing-backlink": Code(
        "error",
        "Too few entries link to this one by a relation that its kind's `backlinks` count under `cardinality:` in schema.yaml asks for (e.g. every need frustrated by a risk).",
        "Add the link on the other entry, as the hint says (e.g. `frustrates: [autonomy]` on a risk in framework/risks.yaml).",
    ),
    "too-many-backlinks": Code(
        "error",
        "More entries link to this one by a relation than its kind's `backlinks` count under `cardinality:` in schema.yaml allows (`max`).",
        "Remove the link from some of the entries the hint lists, or raise `max` in schema.yaml.",
    ),
    "duplicate-relation": Code("warning", "The same link is listed twice.", "Remove the repeated item."),
    # --- references.bib ------------------------------------------------
    "bib-missing": Code("error", "Entries cite works but `references.bib` does not exist.", "Create references.bib at the framework root."),
    "bib-syntax": Code(
        "error",
        "A BibTeX block could not be parsed (e.g. an unterminated entry), or the book's reader (pybtex) would refuse it (a brace escape such as `\\}`, a `\\\"` inside a quoted value, an undefined @string, a field given twice, a key with a space).",
        "Fix the braces and commas of the entry at the line shown.",
    ),
    "bib-duplicate-key": Code(
        "error",
        "Two BibTeX entries share a key, or keys that differ only in case (the book's reader ignores case).",
        "Give each work one entry with a unique key.",
    ),
    "bib-missing-field": Code(
        "error",
        "A BibTeX entry lacks a field every reference needs (title, author or editor, year).",
        "Add the field from the work's title page or DOI record.",
    ),
    "bib-bad-name": Code(
        "error",
        "An `author` or `editor` name has more than two commas, which the book's reader (pybtex) cannot split into last and first names.",
        "Separate people with ` and `; write each as `Last, First` (a company in braces: `{Company, Inc.}`).",
    ),
    "bib-bad-url": Code(
        "error",
        "A BibTeX `url` is not an http(s) address (e.g. `javascript:`); the book would drop the link.",
        "Write the full address, starting with https://.",
    ),
    # --- schema.yaml ---------------------------------------------------
    "schema-missing": Code("error", "`framework/schema.yaml` does not exist.", "Copy schema.yaml from the project's framework folder."),
    "schema-invalid": Code(
        "error",
        "schema.yaml does not have the expected shape: an unknown option, a name that is not lowercase `a-z0-9_`, an option that is not `true`/`false`, a kind `file:` outside framework/, an `id_pattern` that could backtrack for ever, a relation both symmetric and acyclic, a `cardinality:` count that names an undeclared relation, is negative, has `min` above `max`, or could never count (a kind the relation does not link).",
        "Follow the structure documented at the top of schema.yaml.",
    ),
    "schema-unknown-kind": Code(
        "error", "A relation or a `cardinality:` count in schema.yaml names a kind that is not declared.", "Declare the kind under `kinds:` or fix the name."
    ),
    "schema-inverse-clash": Code(
        "error", "Two relations would show the same label on a page, so backlinks would be ambiguous.", "Give each relation a distinct `label` and `inverse`."
    ),
    "schema-name-clash": Code("error", "A relation has the same name as a field.", "Rename the relation or the field."),
    "schema-bad-field": Code("error", "A field spec in schema.yaml has an unknown type or option.", "Use a type from the list at the top of schema.yaml."),
}


def codes_table_markdown() -> str:
    """The codes as a Markdown table (used by the README and the book).

    >>> codes_table_markdown().splitlines()[0]
    '| code | severity | meaning | fix |'
    """
    rows = ["| code | severity | meaning | fix |", "|---|---|---|---|"]
    for name, c in CODES.items():
        rows.append(f"| `{name}` | {c.severity} | {c.meaning} | {c.fix} |")
    return "\n".join(rows)
