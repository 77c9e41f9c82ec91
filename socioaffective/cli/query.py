"""Read-only commands: validate, list, show, search, related, path, codes."""

from __future__ import annotations

import sys

import click

from ..errors import SocioaffectiveError
from ..terminal import for_terminal
from .common import complete_id, complete_kind, complete_relation, echo, emit_json, fail, json_option, load_kb


def _brief(e) -> dict:
    return {
        "id": e.id,
        "kind": e.kind,
        "title": e.title,
        "summary": e.summary,
        "grade": e.provenance.grade if e.provenance else None,
    }


@click.command()
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=str))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@json_option
@click.pass_context
def validate(ctx, root, strict, as_json):
    """Check the framework and list every problem at once.

    Exit status: 0 clean, 1 problems found, 2 usage error.

    \b
    Example:
      socioaffective validate path/to/my-framework --json
    """
    from ..loader import load, resolve_root

    base = resolve_root(root or ctx.obj.get("root"))
    if not (base / "framework").is_dir():
        raise click.UsageError(f"`{base}` has no framework/ folder; give the folder that holds framework/ and references.bib")
    kb = load(base, strict=False)
    report = kb.report
    failed = not report.ok or (strict and report.warnings)
    if as_json:
        emit_json({**report.to_dict(), "root": str(base), "entries": len(kb), "references": len(kb.references)})
    else:
        for p in report.problems:
            colour = "red" if p.severity == "error" else "yellow"
            first, *rest = str(p).split("\n")  # every part is escaped: the only line break is before the hint
            echo(first, fg=colour)
            for line in rest:
                echo(line)
        summary = f"{len(kb)} entries, {len(kb.references)} references: {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        echo(summary, fg="red" if failed else "green", bold=True)
    sys.exit(1 if failed else 0)


@click.command("list")
@click.option("--kind", "-k", default=None, shell_complete=complete_kind, help="Only entries of this kind (or `reference`).")
@json_option
@click.pass_context
def list_(ctx, kind, as_json):
    """List entries, grouped by kind.

    \b
    Example:
      socioaffective list --kind risk
    """
    from ..render.text import entries_table

    kb = load_kb(ctx)
    try:
        entries = kb.entries(kind)
    except SocioaffectiveError as exc:
        raise fail(exc) from None
    if as_json:
        emit_json([_brief(e) for e in entries])
    else:
        echo(entries_table(kb, entries))


@click.command()
@click.argument("id", shell_complete=complete_id)
@json_option
@click.pass_context
def show(ctx, id, as_json):
    """Show one entry with its links, backlinks and citations.

    \b
    Example:
      socioaffective show present-vs-future-self
    """
    from ..render.text import entry_text

    kb = load_kb(ctx)
    try:
        entry = kb.get(id)
    except SocioaffectiveError as exc:
        raise fail(exc) from None
    if as_json:
        data = entry.to_dict()
        data["incoming"] = [r.to_dict() for r in kb.relations(id, direction="in")]
        emit_json(data)
    else:
        echo(entry_text(kb, entry))


@click.command()
@click.argument("text")
@click.option("--kind", "-k", default=None, shell_complete=complete_kind, help="Only entries of this kind.")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=None, help="At most this many results.")
@json_option
@click.pass_context
def search(ctx, text, kind, limit, as_json):
    """Find entries containing every word of TEXT, best first.

    \b
    Example:
      socioaffective search "reward hacking"
    """
    from ..render.text import entries_table

    kb = load_kb(ctx)
    try:
        found = kb.search(text, kind=kind, limit=limit)
    except SocioaffectiveError as exc:
        raise fail(exc) from None
    if as_json:
        emit_json([_brief(e) for e in found])
    elif found:
        echo(entries_table(kb, found, grouped=False))
    else:
        echo(f"no entry matches `{text}`", err=True, one_line=True)
        sys.exit(1)


@click.command()
@click.argument("id", shell_complete=complete_id)
@click.option("--relation", "-r", default=None, shell_complete=complete_relation, help="Only links of this relation.")
@click.option(
    "--direction", "-d", type=click.Choice(["out", "in", "both"]), default="out", show_default=True, help="Outgoing links, incoming links (backlinks) or both."
)
@json_option
@click.pass_context
def related(ctx, id, relation, direction, as_json):
    """List the entries linked to ID.

    \b
    Example:
      socioaffective related autonomy --direction in
    """
    kb = load_kb(ctx)
    try:
        rels = kb.relations(id, relation, direction)
    except SocioaffectiveError as exc:
        raise fail(exc) from None
    rows = []
    for r in rels:
        outgoing = r.source == id
        other = kb.get(r.target if outgoing else r.source)
        rt = kb.schema.relations[r.name]
        rows.append({**_brief(other), "relation": r.name, "label": rt.label if outgoing else rt.inverse, "direction": "out" if outgoing else "in"})
    if as_json:
        emit_json(rows)
    elif rows:
        width = max(len(for_terminal(r["label"])) for r in rows)
        for r in rows:
            echo(f"{for_terminal(r['label']):<{width}}  {for_terminal(r['id'])}  ({for_terminal(r['title'])})")
    else:
        echo(f"`{id}` has no {direction} links" + (f" of `{relation}`" if relation else ""), err=True, one_line=True)


@click.command()
@click.argument("a", shell_complete=complete_id)
@click.argument("b", shell_complete=complete_id)
@click.option("--relation", "-r", "relations", multiple=True, shell_complete=complete_relation, help="Only through these relations (repeatable).")
@json_option
@click.pass_context
def path(ctx, a, b, relations, as_json):
    """Show a shortest chain of links between A and B.

    \b
    Example:
      socioaffective path sycophancy autonomy
    """
    kb = load_kb(ctx)
    try:
        ids = kb.path(a, b, list(relations) or None)
    except SocioaffectiveError as exc:
        raise fail(exc) from None
    steps = []
    for x, y in zip(ids, ids[1:], strict=False):  # consecutive pairs
        fwd = [r for r in kb.relations(x, direction="out") if r.target == y]
        if fwd:
            steps.append({"from": x, "to": y, "relation": fwd[0].name, "label": kb.schema.relations[fwd[0].name].label})
        else:
            back = [r for r in kb.relations(y, direction="out") if r.target == x]
            name = back[0].name if back else "related_to"
            steps.append({"from": x, "to": y, "relation": name, "label": kb.schema.relations[name].inverse})
    if as_json:
        emit_json({"path": ids, "steps": steps})
    else:
        echo(ids[0], one_line=True)
        for s in steps:
            echo(f"  --{for_terminal(s['label'])}--> {for_terminal(s['to'])}")


@click.command()
@click.option("--markdown", is_flag=True, help="Print a Markdown table (as in the README).")
@json_option
def codes(markdown, as_json):
    """List every problem code the validator can report, with its fix."""
    from ..codes import CODES, codes_table_markdown

    if markdown:
        echo(codes_table_markdown())
    elif as_json:
        emit_json({k: c._asdict() for k, c in CODES.items()})
    else:
        for name, c in CODES.items():
            echo(f"{name} ({c.severity}): {c.meaning}\n    fix: {c.fix}")
