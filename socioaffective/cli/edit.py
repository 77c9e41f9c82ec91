"""Commands that extend the framework: add, new, schema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EditError, SocioaffectiveError
from ..terminal import for_terminal
from .common import complete_kind, echo, emit_json, fail, json_option


def _root(ctx) -> Path:
    from ..loader import resolve_root

    return resolve_root(ctx.obj.get("root"))


def _schema(ctx):
    from ..loader import FRAMEWORK_DIR, SCHEMA_FILE
    from ..schema import load_schema

    base = _root(ctx)
    if not (base / FRAMEWORK_DIR / SCHEMA_FILE).is_file():
        raise click.UsageError(f"`{base}` has no framework/schema.yaml; give the folder that holds framework/ with --root")
    schema = load_schema(base / FRAMEWORK_DIR / SCHEMA_FILE, f"{FRAMEWORK_DIR}/{SCHEMA_FILE}")
    if not schema.ok:
        raise click.ClickException("framework/schema.yaml has errors; run `socioaffective validate`")
    return base, schema


def _pairs(values, what: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for v in values:
        name, sep, targets = v.partition("=")
        if not sep or not name.strip() or not targets.strip():
            raise click.BadParameter(f"`{v}` is not {what}=TARGET", param_hint="--relation")
        for t in targets.split(","):
            if t.strip():
                out.setdefault(name.strip(), []).append(t.strip())
    return out


def _cites(values) -> list:
    out = []
    for v in values:
        key, sep, locator = v.partition(":")
        if not key.strip():
            raise click.BadParameter(f"`{v}` is not KEY or KEY:LOCATOR", param_hint="--cite")
        out.append((key.strip(), locator.strip()) if sep and locator.strip() else key.strip())
    return out


def _provenance(source, grade, locator, note):
    from ..schema import EDITORIAL

    if source is None and grade is None:
        if locator or note:
            raise click.UsageError("--locator and --note describe a provenance: give --source and --grade too")
        return None
    if source is None:
        source = EDITORIAL if grade == EDITORIAL else None
    if source is None:
        raise click.UsageError(f"--grade {grade} needs --source (the references.bib key the entry rests on)")
    if grade is None:
        if source != EDITORIAL:
            raise click.UsageError(f"--source {source} needs --grade: how sure is it? (see `socioaffective add --help`)")
        grade = EDITORIAL
    return {"source": source, "grade": grade, "locator": locator, "note": note}


def _report(result, as_json: bool) -> None:
    if as_json:
        emit_json(
            {
                "id": result.entry.id,
                "kind": result.entry.kind,
                "file": result.file,
                "created": result.created,
                "written": result.written,
                "yaml": result.yaml,
                "warnings": [p.to_dict() for p in result.warnings],
                "pending": [p.to_dict() for p in result.pending],
            }
        )
        return
    for p in result.warnings:
        echo(str(p), fg="yellow", err=True)
    if result.pending:
        echo(
            f"`{for_terminal(result.entry.id)}` still needs links from other entries (schema.yaml `cardinality:`); `socioaffective validate` reports them until they exist:",
            fg="yellow",
            err=True,
        )
        for p in result.pending:
            echo(f"  - {for_terminal(p.message)}: {for_terminal(p.hint)}", fg="yellow", err=True)
    if result.written:
        verb = "created" if result.created else "appended to"
        echo(f"added `{for_terminal(result.entry.id)}` ({for_terminal(result.entry.kind)}): {verb} {for_terminal(result.file)}")
        echo("next: `socioaffective show " + for_terminal(result.entry.id) + "`, then `make book` to see its page and backlinks")
    else:
        echo(f"# dry run: this would be {'a new file' if result.created else 'appended to'} {for_terminal(result.file)}")
        echo(result.yaml, nl=False)


@click.command()
@click.argument("kind", shell_complete=complete_kind)
@click.option("--id", "id_", required=True, help="The new id: lowercase kebab-case, unique (e.g. `honesty-vs-comfort`).")
@click.option("--title", required=True, help="A short name.")
@click.option("--summary", help="One plain sentence for a lay reader (required by the schema).")
@click.option("--description", help="A scholarly paragraph in your own words (required by the schema).")
@click.option("--source", help="Provenance: the references.bib key the entry rests on, or `editorial` (default).")
@click.option("--grade", help="Provenance grade: abstract, secondary, single-source, inferred, literature or editorial (default).")
@click.option("--locator", help="Provenance locator (page, section).")
@click.option("--note", help="Provenance note: why this grade.")
@click.option("--field", "-F", "fields", multiple=True, metavar="NAME=VALUE", help="A kind-specific field; repeat a list field once per item.")
@click.option(
    "--relation",
    "-r",
    "relations",
    multiple=True,
    metavar="RELATION=TARGET",
    help="A link to another entry (repeatable; TARGET may list ids separated by commas).",
)
@click.option(
    "--cite",
    "-c",
    "cites",
    multiple=True,
    metavar="KEY[:LOCATOR]",
    help="A references.bib key the entry cites, optionally with a page or section (repeatable).",
)
@click.option("--file", "file_", metavar="FILE", help="The framework file to append to (default: the kind's file in schema.yaml).")
@click.option("--dry-run", is_flag=True, help="Check everything and print the YAML; write nothing.")
@json_option
@click.pass_context
def add(ctx, kind, id_, title, summary, description, source, grade, locator, note, fields, relations, cites, file_, dry_run, as_json):
    """Add an entry of KIND to the framework, checked before it is written.

    The entry is appended to the end of its kind's file; every existing byte
    of every file stays as it was. If the new entry would bring any error
    (unknown kind or field, duplicate id, a target or cite key that does not
    exist ...) nothing is written and each problem is shown with its fix.
    Exit status: 0 added, 1 refused, 2 usage error.

    \b
    Example:
      socioaffective add dilemma --id honesty-vs-comfort \\
        --title "Honesty versus comfort" \\
        --summary "Whether an AI should tell hard truths or soothe." \\
        --description "Honest feedback can hurt now ..." \\
        --field poles=Honesty --field poles=Comfort \\
        --field tension="Truth can hurt; comfort can mislead." \\
        --relation engages=competence --cite kirk2025why:abstract \\
        --source kirk2025why --grade inferred
    """
    from ..edit import add_entry, parse_field_values

    base, schema = _schema(ctx)
    try:
        values = parse_field_values(schema, kind, fields) if kind in schema.kinds else {}
        result = add_entry(
            base,
            kind,
            id_,
            title,
            summary=summary,
            description=description,
            provenance=_provenance(source, grade, locator, note),
            fields=values,
            relations=_pairs(relations, "RELATION"),
            cites=_cites(cites),
            file=file_,
            dry_run=dry_run,
        )
    except SocioaffectiveError as exc:
        codes = {p.code for p in getattr(exc, "problems", [])}
        if codes & {"missing-field", "missing-relation"}:
            exc = EditError(
                f"{exc}\nOn the command line, give text fields with --summary and --description, other fields with "
                "--field NAME=VALUE and links with --relation RELATION=TARGET; or run `socioaffective new` to be asked.",
                getattr(exc, "problems", []),
            )
        raise fail(exc) from None
    _report(result, as_json)


# -- new: the same, asked question by question -----------------------------------
def _ask(label: str, required: bool) -> str:
    """One answer; an empty answer is refused when ``required``."""
    while True:
        text = click.prompt(label, default="", show_default=False).strip()
        if text or not required:
            return text
        echo("an answer is needed here", fg="red")


def _ask_field(name: str, spec, required: bool):
    """Ask for one field until the answer has the field's type; None if skipped."""
    from ..edit import convert_value
    from ..hints import did_you_mean

    if spec.description:
        echo(f"  ({spec.description})", dim=True)
    optional = "" if required else " (optional, Enter to skip)"
    if spec.type == "list":
        low = spec.min_items or (1 if required else 0)
        items: list = []
        echo(f"{name}: one item per line; an empty line ends the list" + ("" if low else " (optional)"))
        while spec.max_items is None or len(items) < spec.max_items:
            text = _ask(f"  {name} item {len(items) + 1}", len(items) < low)
            if not text:
                break
            try:
                items.append(convert_value(name, text, spec.items.type if spec.items else "string"))
            except EditError as exc:
                echo(str(exc), fg="red")
        return items or None
    choices = f" [{'/'.join(str(v) for v in spec.values)}]" if spec.type == "enum" else " [yes/no]" if spec.type == "boolean" else ""
    while True:
        text = _ask(name + choices + optional, required)
        if not text:
            return None
        if spec.type == "enum" and text not in [str(v) for v in spec.values]:
            echo(f"`{text}` is not one of {', '.join(str(v) for v in spec.values)}; {did_you_mean(text, [str(v) for v in spec.values])}", fg="red")
            continue
        try:
            return convert_value(name, text, spec.type)
        except EditError as exc:
            echo(str(exc), fg="red")


def _ask_ids(kb, prompt: str, allowed, required: bool, at_least: int = 1) -> list[str]:
    from ..hints import did_you_mean

    at_least = at_least if required else 0
    while True:
        text = _ask(prompt, required)
        ids = list(dict.fromkeys(t.strip() for t in text.replace(" ", ",").split(",") if t.strip()))
        bad = [i for i in ids if i not in allowed]
        if not bad and len(ids) >= at_least:
            return ids
        for i in bad:
            hint = did_you_mean(i, allowed)
            echo(f"`{i}` is not one of the allowed targets" + (f"; {hint}" if hint else ""), fg="red")
        if not bad and len(ids) < at_least:
            echo("at least one is needed" if at_least == 1 else f"at least {at_least} are needed", fg="red")


@click.command()
@click.option("--kind", help="The kind of the new entry (asked if not given).")
@click.option("--file", "file_", metavar="FILE", help="The framework file to append to (default: the kind's file).")
@click.option("--dry-run", is_flag=True, help="Ask everything, show the YAML, write nothing.")
@click.pass_context
def new(ctx, kind, file_, dry_run):
    """Add an entry by answering questions (needs a terminal).

    Asks for every field the schema requires for the kind (and offers the
    optional ones), the provenance, the links the kind must have and the works
    it cites, checks each answer, shows the YAML and asks before writing.
    Without a terminal use `socioaffective add`.

    \b
    Example:
      socioaffective new --kind risk
    """
    from ..edit import add_entry, entry_data, entry_yaml
    from ..hints import slugify
    from ..loader import load
    from ..schema import EDITORIAL

    if not sys.stdin.isatty():
        raise click.UsageError(
            "`new` asks questions, so it needs a terminal; without one use `socioaffective add KIND --id ... --title ...` (see `socioaffective add --help`)"
        )
    base, schema = _schema(ctx)
    kb = load(base, strict=False)
    if kind is None:
        for k in schema.kinds.values():
            echo(f"  {k.name:<11} {k.description}")
        kind = click.prompt("kind", type=click.Choice(list(schema.kinds)), show_choices=False)
    elif kind not in schema.kinds:
        from ..hints import did_you_mean

        raise click.BadParameter(f"no kind `{kind}`; {did_you_mean(kind, schema.kinds) or 'kinds: ' + ', '.join(schema.kinds)}", param_hint="--kind")
    k = schema.kinds[kind]
    common = schema.common_fields
    title = click.prompt("title (" + (common["title"].description or "a short name") + ")")
    while True:
        id_ = click.prompt("id", default=slugify(title))
        if not schema.valid_id(id_):
            echo(f"`{id_}` is not lowercase kebab-case; try `{slugify(id_)}`", fg="red")
        elif id_ in kb:
            echo(f"`{id_}` is already used; choose another id", fg="red")
        else:
            break
    summary = _ask_field("summary", common["summary"], common["summary"].required) if "summary" in common else None
    description = _ask_field("description", common["description"], common["description"].required) if "description" in common else None
    echo("provenance: where the entry comes from; `editorial` if it is your own work", dim=True)
    refs = sorted(kb.references)
    while True:
        source = click.prompt("  source (a references.bib key, or editorial)", default=EDITORIAL)
        if source == EDITORIAL or source in kb.references:
            break
        from ..hints import did_you_mean

        echo(f"`{source}` is not in references.bib; {did_you_mean(source, refs) or 'add the work to references.bib first'}", fg="red")
    if source == EDITORIAL:
        grade = EDITORIAL
    else:
        for gr in schema.grades.values():
            if gr.name != EDITORIAL:
                echo(f"    {gr.name:<14} {gr.label}")
        grade = click.prompt("  grade", type=click.Choice([g for g in schema.grades if g != EDITORIAL]), show_choices=False)
    fields = {}
    for name, spec in schema.fields_of(kind).items():
        if name in ("id", "kind", "title", "summary", "description", "provenance"):
            continue
        value = _ask_field(name, spec, spec.required)
        if value not in (None, "", []):
            fields[name] = value
    relations: dict[str, list[str]] = {}
    for rule in schema.link_rules_of(kind):  # the links schema.yaml asks for (`required_relations`, `cardinality:`)
        if rule.min < 1:
            continue
        r = schema.relations[rule.relation]
        allowed = [e.id for e in kb.entries() if r.allows_target(e.kind) and rule.counts(e.kind)]
        echo(f"{r.name}: {r.description} Candidates: " + ", ".join(allowed))
        relations[r.name] = _ask_ids(kb, f"{r.name} (ids, separated by commas)", allowed, True, rule.min)
    others = [r for r in schema.relations.values() if r.allows_source(kind) and r.name not in k.required_relations and not r.cites_references]
    if others:
        echo("other links (optional): " + ", ".join(r.name for r in others))
        while True:
            text = click.prompt("  a link as RELATION=ID (Enter when done)", default="", show_default=False)
            if not text.strip():
                break
            name, _, targets = text.partition("=")
            r = schema.relations.get(name.strip())
            if r is None or r not in others:
                echo(f"`{name.strip()}` is not a relation a {kind} may use; choose from: " + ", ".join(x.name for x in others), fg="red")
                continue
            allowed = [e.id for e in kb.entries() if r.allows_target(e.kind)]
            bad = [t.strip() for t in targets.split(",") if t.strip() and t.strip() not in allowed]
            if bad or not targets.strip():
                echo("unknown or missing target: " + ", ".join(bad or ["(none)"]), fg="red")
                continue
            relations.setdefault(r.name, []).extend(t.strip() for t in targets.split(",") if t.strip())
    cites = []
    if refs:
        while True:
            text = click.prompt("works cited, as KEY or KEY:LOCATOR separated by commas (Enter for none)", default="", show_default=False)
            cites = _cites([t for t in text.split(",") if t.strip()])
            bad = [c if isinstance(c, str) else c[0] for c in cites if (c if isinstance(c, str) else c[0]) not in kb.references]
            if not bad:
                break
            from ..hints import did_you_mean

            for key in bad:
                echo(f"`{key}` is not in references.bib; {did_you_mean(key, refs) or 'add it there first'}", fg="red")
    data = entry_data(
        schema,
        kind,
        id_,
        title,
        summary=summary,
        description=description,
        provenance={"source": source, "grade": grade},
        fields=fields,
        relations=relations,
        cites=cites,
    )
    echo("\n" + entry_yaml(data, 2, 2))
    if not dry_run and not click.confirm("add this entry?", default=True):
        echo("nothing was written")
        return
    try:
        result = add_entry(
            base,
            kind,
            id_,
            title,
            summary=summary,
            description=description,
            provenance={"source": source, "grade": grade},
            fields=fields,
            relations=relations,
            cites=cites,
            file=file_,
            dry_run=dry_run,
        )
    except SocioaffectiveError as exc:
        raise fail(exc) from None
    _report(result, False)


# -- schema: the editor schema -----------------------------------------------------
@click.command("schema")
@click.option("--write", is_flag=True, help="Write framework/framework.schema.json under the root.")
@click.option("--check", is_flag=True, help="Exit 1 if framework/framework.schema.json is missing or out of date.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the schema to this file instead of printing it.")
@click.pass_context
def schema_cmd(ctx, write, check, output):
    """Print (or write, or check) the JSON Schema editors use for framework files.

    Generated from framework/schema.yaml. Framework files start with
    `# yaml-language-server: $schema=framework.schema.json`, so editors with
    the YAML language server complete and check fields as you type.

    \b
    Examples:
      socioaffective schema --write     # after editing schema.yaml
      socioaffective schema --check     # in CI: is the checked-in file current?
    """
    from ..fsutil import atomic_write
    from ..jsonschema import JSON_SCHEMA_PATH, json_schema_text

    base, schema = _schema(ctx)
    text = json_schema_text(schema)
    target = base / JSON_SCHEMA_PATH
    if check:
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            state = "missing" if current is None else "out of date with framework/schema.yaml"
            echo(f"{JSON_SCHEMA_PATH} is {state}; run `socioaffective schema --write`", err=True)
            sys.exit(1)
        echo(f"{JSON_SCHEMA_PATH} is up to date")
        return
    if write or output:
        try:
            atomic_write(output or target, text.encode("utf-8"))
        except SocioaffectiveError as exc:
            raise fail(exc) from None
        echo(f"wrote {output or JSON_SCHEMA_PATH}")
        return
    click.echo(text, nl=False)  # JSON for a program, not terminal text
