"""Shared pieces of the CLI commands."""

from __future__ import annotations

import json

import click

from ..errors import SocioaffectiveError
from ..terminal import for_terminal


def echo(message="", *, err: bool = False, nl: bool = True, one_line: bool = False, **style) -> None:
    """Print human-readable text: escaped for the terminal (see terminal.py), then styled.

    Every human-readable line of the CLI goes through here; ``style`` takes
    :func:`click.style`'s options (``fg``, ``bold``, ``dim``).
    """
    text = for_terminal(message, one_line=one_line)
    click.echo(click.style(text, **style) if style else text, err=err, nl=nl)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


def emit_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def load_kb(ctx: click.Context, root: str | None = None, quiet: bool = False):
    """Load the framework for a command; errors are reported, not fatal."""
    from ..loader import FRAMEWORK_DIR, load, resolve_root

    base = resolve_root(root or ctx.obj.get("root"))
    if not (base / FRAMEWORK_DIR).is_dir():
        raise click.UsageError(f"`{base}` has no {FRAMEWORK_DIR}/ folder; give --root the folder that holds {FRAMEWORK_DIR}/ and references.bib")
    kb = load(base, strict=False)
    if not kb.report.ok and not quiet:
        n = len(kb.report.errors)
        echo(f"warning: the framework has {n} error(s); run `socioaffective validate` to see them", fg="yellow", err=True)
    if not kb.schema.ok:
        raise click.ClickException("framework/schema.yaml is unusable; run `socioaffective validate`")
    return kb


def fail(exc: SocioaffectiveError) -> click.ClickException:
    return click.ClickException(for_terminal(str(exc), one_line=False))


# Shell completion (click): ids, kinds and relations come from the framework
# that --root (or the usual default) names; any failure completes nothing.
def _completion_kb(ctx: click.Context):
    from ..loader import load, resolve_root

    try:
        return load(resolve_root(ctx.find_root().params.get("root")), strict=False)
    except Exception:
        return None


def _complete(names, incomplete: str) -> list:
    from click.shell_completion import CompletionItem

    return [CompletionItem(n) for n in names if n.startswith(incomplete)]


def complete_id(ctx, param, incomplete: str) -> list:
    kb = _completion_kb(ctx)
    return _complete([e.id for e in kb] + list(kb.references), incomplete) if kb else []


def complete_kind(ctx, param, incomplete: str) -> list:
    kb = _completion_kb(ctx)
    return _complete(list(kb.schema.kinds) + (["reference"] if ctx.info_name == "list" else []), incomplete) if kb else []


def complete_relation(ctx, param, incomplete: str) -> list:
    kb = _completion_kb(ctx)
    return _complete(list(kb.schema.relations), incomplete) if kb else []
