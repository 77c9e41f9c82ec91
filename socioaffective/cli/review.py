"""The review command: a design-review checklist for a system's features."""

from __future__ import annotations

import sys

import click

from ..errors import SocioaffectiveError
from .common import emit_json, fail, load_kb


def _is_terminal() -> bool:
    return sys.stdin.isatty()


def _ask_features(kb) -> list[str]:
    """Ask which features the system has (needs a terminal)."""
    from ..review import features

    feats = features(kb)
    click.echo("Which of these features does your system have?")
    for i, f in enumerate(feats, 1):
        click.echo(f"  {i:2d}. {f.title} ({f.id})")
    while True:
        text = click.prompt("numbers or ids, separated by spaces or commas", default="", show_default=False).strip()
        picked, bad = [], []
        for word in text.replace(",", " ").split():
            if word.isdigit() and 1 <= int(word) <= len(feats):
                picked.append(feats[int(word) - 1].id)
            elif word in {f.id for f in feats}:
                picked.append(word)
            else:
                bad.append(word)
        if bad:
            click.echo(f"not a feature: {', '.join(bad)}; give numbers 1-{len(feats)} or ids", err=True)
        elif picked:
            return picked
        else:
            click.echo("pick at least one feature", err=True)


@click.command()
@click.argument("features", nargs=-1)
@click.option("--interactive", "-i", is_flag=True, help="Choose the features from a numbered list (needs a terminal).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Output format; markdown is the record of the review.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the same as --format json).")
@click.option("--list", "list_", is_flag=True, help="List the design features and exit.")
@click.pass_context
def review(ctx, features, interactive, fmt, as_json, list_):
    """A design-review checklist for the FEATURES your system has.

    For each feature: the dilemmas it brings up, the needs at stake, the risks
    it poses with their crosswalk identifiers (MIT AI Risk Repository, IBM AI
    Risk Atlas, NIST AI 600-1, EU AI Act) and recorded gaps, the principles
    that apply with the questions to ask of the design, and the evidence with
    citations; every item with its provenance grade. Everything about features
    is editorial, never the paper's claim.

    \b
    Examples:
      socioaffective review --list
      socioaffective review persistent-memory proactive-messages
      socioaffective review --interactive
      socioaffective review persona-or-character --format markdown > review.md
      socioaffective review voice-interaction --json
    """
    from ..review import checklist, to_markdown, to_text
    from ..review import features as all_features

    kb = load_kb(ctx)
    if list_:
        feats = all_features(kb)
        if as_json or fmt == "json":
            emit_json([{"id": f.id, "title": f.title, "summary": f.summary} for f in feats])
        else:
            for f in feats:
                click.echo(f"{f.id:32s} {f.title}")
        return
    if interactive:
        if not _is_terminal():
            raise click.UsageError("--interactive needs a terminal; name the features instead (see `socioaffective review --list`)")
        features = tuple(features) + tuple(_ask_features(kb))
    if not features:
        raise click.UsageError("name at least one feature, or use --interactive (see `socioaffective review --list`)")
    try:
        result = checklist(kb, list(dict.fromkeys(features)))
    except SocioaffectiveError as exc:
        raise fail(exc) from None
    if as_json or fmt == "json":
        emit_json(result)
    elif fmt == "markdown":
        click.echo(to_markdown(result), nl=False)
    else:
        click.echo(to_text(result), nl=False)
