"""The export command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, cast

import click

from ..errors import SocioaffectiveError
from ..export import FORMATS
from .common import fail, load_kb

# one list: every choice, the --base rule and the format list of --help come from
# socioaffective.export.FORMATS (a format is declared there once)
_FORMAT_NAMES = list(FORMATS)
_BASE_FORMATS = tuple(name for name, spec in FORMATS.items() if "base" in spec.options)


def _format_list() -> str:
    r"""Every format with what it is and the Python that reads it back (a ``\b`` block: click keeps its lines)."""
    lines = ["\b", "Formats (-f), each with the Python that reads the file back:"]
    for spec in FORMATS.values():
        extra = f" [needs socioaffective[{spec.extra}]]" if spec.extra else ""
        lines += [f"  {spec.name} ({spec.filename}): {spec.description}{extra}", f"    read it with {spec.read_with}:", f"    {spec.reader}"]
    return "\n".join(lines)


_HELP = f"""Export the framework for other tools.

Writes one of the formats below to standard output or to -o FILE. The book
offers the same files on its Downloads page.

{_format_list()}

\b
Examples:
  socioaffective export -f turtle -o socioaffective.ttl
  socioaffective export -f csv -o tables/
  socioaffective export -f sssom -o socioaffective.sssom.tsv
  socioaffective export -f json | python -m json.tool
  socioaffective export -f inspect -o inspect-task/
"""


@click.command(help=_HELP)
@click.option("--format", "-f", "fmt", type=click.Choice(_FORMAT_NAMES), required=True, help="The format (see Formats above).")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="The file to write (default: standard output). For a zip format ("
    + ", ".join(n for n, s in FORMATS.items() if s.bundle)
    + "): a .zip file, or a folder that receives the files.",
)
@click.option(
    "--base", default=None, metavar="IRI", help=", ".join(_BASE_FORMATS) + ": the IRI every entry and vocabulary IRI starts with (default urn:socioaffective:)."
)
@click.pass_context
def export(ctx, fmt, output, base):
    from ..export import export as render
    from ..fsutil import atomic_write

    kb = load_kb(ctx)
    options = {"base": base} if base and fmt in _BASE_FORMATS else {}
    if base and fmt not in _BASE_FORMATS:
        raise click.UsageError("--base applies to " + ", ".join(_BASE_FORMATS) + " only")
    try:
        data = render(kb, fmt, **options)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base") from None
    except SocioaffectiveError as exc:
        raise fail(exc) from None
    try:
        if FORMATS[fmt].bundle and output is not None and (output.is_dir() or output.suffix.lower() != ".zip"):
            from ..export import export_files

            output.mkdir(parents=True, exist_ok=True)
            written = export_files(kb, fmt)
            for name, text in written.items():
                atomic_write(output / name, text.encode("utf-8"))
            click.echo("wrote " + " and ".join(str(output / name) for name in written), err=True)
            return
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        if output is None:
            if FORMATS[fmt].binary and sys.stdout.isatty():
                raise click.UsageError(f"{fmt} is a zip file; write it with -o FILE.zip, or give -o a folder for the bare files")
            stream = cast(IO[bytes], getattr(sys.stdout, "buffer", sys.stdout))  # (a test runner's stdout may take bytes itself)
            stream.write(raw)
            stream.flush()
            return
        atomic_write(output, raw)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    except SocioaffectiveError as exc:
        raise fail(exc) from None
    click.echo(f"wrote {output} ({fmt}, {len(raw):,} bytes)", err=True)
