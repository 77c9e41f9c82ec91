"""Content commands: review-queue and diff."""

from __future__ import annotations

import click

from .common import emit_json, json_option, load_kb


@click.command("review-queue")
@json_option
@click.pass_context
def review_queue_cmd(ctx, as_json):
    """List every claim below grade B attributed to the paper, with what to check.

    Grouped by entry; each item gives the exact question to check in the
    paper's full text and where to look. After checking one, upgrade it in the
    YAML (grade and a `locator` with the section or page), raise
    `framework_version` in schema.yaml and add a line to framework/CHANGES.md.

    \b
    Example:
      socioaffective review-queue --json
    """
    from ..review_queue import review_queue

    kb = load_kb(ctx)
    groups = review_queue(kb)
    if as_json:
        emit_json({"framework_version": kb.schema.framework_version, "groups": groups})
        return
    n = sum(len(g["items"]) for g in groups)
    for g in groups:
        click.echo(click.style(f"{g['entry']} ({g['kind']}): {g['title']}", bold=True))
        for it in g["items"]:
            click.echo(f"  [{it['badge']}] {it['claim']}")
            click.echo(f"      check: {it['question']}")
            click.echo(f"      look:  {it['where']}")
            click.echo(f"      at:    {it['file']}:{it['line']}")
    click.echo(f"{n} claim(s) in {len(groups)} entr{'y' if len(groups) == 1 else 'ies'}")


@click.command("diff")
@click.argument("old_root", type=click.Path(file_okay=False, exists=True, path_type=str))
@click.argument("new_root", type=click.Path(file_okay=False, exists=True, path_type=str))
@json_option
def diff_cmd(old_root, new_root, as_json):
    """Show what changed between two framework folders (entries, links, grades).

    \b
    Example:
      socioaffective diff ../main . --json
    """
    from ..diff import diff

    for root in (old_root, new_root):
        from pathlib import Path

        if not (Path(root) / "framework").is_dir():
            raise click.UsageError(f"`{root}` has no framework/ folder")
    d = diff(old_root, new_root)
    if as_json:
        emit_json(d)
        return
    v = d["versions"]
    click.echo(f"framework version: {v['old'] or '(none)'} -> {v['new'] or '(none)'}")
    for label, ids in (("added", d["entries"]["added"]), ("removed", d["entries"]["removed"])):
        for i in ids:
            click.echo(f"{'+' if label == 'added' else '-'} entry {i}")
    for c in d["entries"]["changed"]:
        click.echo(f"~ entry {c['id']}: " + ", ".join(c["fields"]))
    for r in d["relations"]["added"]:
        click.echo(f"+ link {r['source']} --{r['relation']}--> {r['target']}")
    for r in d["relations"]["removed"]:
        click.echo(f"- link {r['source']} --{r['relation']}--> {r['target']}")
    for g in d["grades"]:
        click.echo(f"~ grade {g['where']}: {g['old']} -> {g['new']}")
    e = d["entries"]
    click.echo(
        f"{len(e['added'])} added, {len(e['removed'])} removed, {len(e['changed'])} changed entries; "
        f"{len(d['relations']['added'])} added, {len(d['relations']['removed'])} removed links; {len(d['grades'])} grade changes"
    )
