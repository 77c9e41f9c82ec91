"""The ``socioaffective`` command: a thin click layer over the library.

Each command loads the framework, calls one library function and formats the
result; ``--json`` prints machine-readable output.
"""

from __future__ import annotations

import os
import sys

import click

from ..errors import SocioaffectiveError
from ..loader import ENV_ROOT


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help=f"Folder holding framework/ and references.bib (default: ${ENV_ROOT}, the current folder if it has framework/schema.yaml, else the project's own framework).",
)
@click.version_option(package_name="socioaffective", prog_name="socioaffective")
@click.pass_context
def cli(ctx: click.Context, root: str | None) -> None:
    """Explore, check and extend the socioaffective-alignment framework.

    \b
    Examples:
      socioaffective validate
      socioaffective list --kind dilemma
      socioaffective show present-vs-future-self
      socioaffective related autonomy --direction in

    Colour is off when NO_COLOR is set or the output is not a terminal. Shell
    completion (commands, options, entry ids, kinds, relations): add
    eval "$(_SOCIOAFFECTIVE_COMPLETE=bash_source socioaffective)" to ~/.bashrc
    (zsh: zsh_source in ~/.zshrc; fish: fish_source).
    """
    ctx.ensure_object(dict)
    ctx.obj["root"] = root
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        ctx.color = False


# importing the command modules registers their commands: query, edit, export,
# content (review-queue, diff) and review (design reviews)
from . import content, edit, export, query, review  # noqa: E402,F401


def main() -> None:
    """Entry point: no Python traceback reaches the user."""
    try:
        cli.main(prog_name="socioaffective")
    except SocioaffectiveError as exc:
        from ..terminal import for_terminal

        click.echo(f"error: {for_terminal(str(exc), one_line=False)}", err=True)
        sys.exit(1)
    except Exception as exc:  # pragma: no cover - last resort
        if os.environ.get("SOCIOAFFECTIVE_DEBUG"):
            raise
        from ..terminal import for_terminal

        click.echo(
            f"internal error: {type(exc).__name__}: {for_terminal(str(exc))}\n"
            "This is a bug in socioaffective; please report it "
            "(set SOCIOAFFECTIVE_DEBUG=1 to see the traceback).",
            err=True,
        )
        sys.exit(3)
