"""The ``socioaffective`` command: a thin click layer over the library.

Each command loads the framework, calls one library function and formats the
result; ``--json`` prints machine-readable output.

Commands are loaded lazily (click's documented ``LazyGroup`` pattern): the
group knows each command's name and where it lives, and imports a command's
module only when that command runs, its help is shown or the book documents
it. ``socioaffective validate`` so imports only the loader and the validator,
not the editing, export or review code (tests/test_imports.py checks it).
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from ..errors import SocioaffectiveError
from ..loader import ENV_ROOT

#: Every command: its name -> ``"module:attribute"`` (modules relative to this package).
COMMANDS: dict[str, str] = {
    "validate": "query:validate",
    "list": "query:list_",
    "show": "query:show",
    "search": "query:search",
    "related": "query:related",
    "path": "query:path",
    "codes": "query:codes",
    "add": "edit:add",
    "new": "edit:new",
    "schema": "edit:schema_cmd",
    "export": "export:export",
    "review-queue": "content:review_queue_cmd",
    "diff": "content:diff_cmd",
    "review": "review:review",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use.

    ``lazy_subcommands`` maps a command name to ``"module:attribute"``; the
    module is imported (relative to this package when it starts with no
    package name) only when :meth:`get_command` asks for that command. Help,
    shell completion and sphinx-click list the names through
    :meth:`list_commands` and load each command through :meth:`get_command`.
    """

    def __init__(self, *args, lazy_subcommands: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_subcommands = dict(lazy_subcommands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_subcommands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_subcommands:
            return self._lazy_load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        no_such = getattr(click.exceptions, "NoSuchCommand", None)  # click >= 8.4 suggests close names
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            if no_such is None or not isinstance(exc, no_such):
                raise
            # click suggests from ``self.commands`` (the eager ones, none here): suggest from every name
            raise no_such(exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def _lazy_load(self, cmd_name: str) -> click.Command:
        module_name, attr = self.lazy_subcommands[cmd_name].split(":")
        module = importlib.import_module(module_name if "." in module_name else f"{__name__}.{module_name}")
        cmd = getattr(module, attr)
        if not isinstance(cmd, click.Command):
            raise ValueError(f"lazy command {cmd_name!r}: {module_name}:{attr} is not a click command")
        return cmd


@click.group(cls=LazyGroup, lazy_subcommands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
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
