"""The export command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import SocioaffectiveError
from . import cli
from .common import fail, load_kb

_FORMAT_NAMES = ["json", "csv", "graphml", "gexf", "jsonld", "turtle", "shacl"]
_RDF = ("jsonld", "turtle", "shacl")  # the formats --base applies to


@cli.command()
@click.option("--format", "-f", "fmt", type=click.Choice(_FORMAT_NAMES), required=True, help="json (node-link), csv (two tables), graphml, gexf, jsonld, turtle or shacl (shapes for the RDF).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="The file to write (default: standard output). For csv: a .zip file, or a folder that receives entries.csv and relations.csv.")
@click.option("--base", default=None, metavar="IRI", help="RDF formats: the IRI every entry and vocabulary IRI starts with (default urn:socioaffective:).")
@click.pass_context
def export(ctx, fmt, output, base):
    """Export the framework for other tools.

    json is networkx node-link data (read it with
    networkx.node_link_graph(data, edges="links"));
    csv is entries.csv and relations.csv; graphml opens in Gephi, yEd and
    networkx; gexf opens in Gephi with the book's layout and colours; jsonld and turtle are RDF (SKOS concepts, typed relations with
    their inverses, Dublin Core citations) for rdflib and triple stores;
    shacl is SHACL shapes generated from schema.yaml that check the RDF
    (pyshacl -s socioaffective.shacl.ttl socioaffective.ttl).

    \b
    Examples:
      socioaffective export -f turtle -o socioaffective.ttl
      socioaffective export -f csv -o tables/
      socioaffective export -f json | python -m json.tool
    """
    from ..export import FORMATS
    from ..export import export as render
    from ..fsutil import atomic_write

    kb = load_kb(ctx)
    options = {"base": base} if base and fmt in _RDF else {}
    if base and fmt not in _RDF:
        raise click.UsageError("--base applies to the RDF formats (" + ", ".join(_RDF) + ") only")
    try:
        data = render(kb, fmt, **options)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--base") from None
    except SocioaffectiveError as exc:
        raise fail(exc)
    try:
        if fmt == "csv" and output is not None and (output.is_dir() or output.suffix.lower() != ".zip"):
            from ..export.tables import tables

            output.mkdir(parents=True, exist_ok=True)
            for name, text in tables(kb).items():
                atomic_write(output / name, text.encode("utf-8"))
            click.echo(f"wrote {output / 'entries.csv'} and {output / 'relations.csv'}", err=True)
            return
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        if output is None:
            if FORMATS[fmt].binary and sys.stdout.isatty():
                raise click.UsageError(f"{fmt} is a zip file; write it with -o FILE.zip, or give -o a folder for the bare CSV files")
            stream = getattr(sys.stdout, "buffer", sys.stdout)
            stream.write(raw)
            stream.flush()
            return
        atomic_write(output, raw)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None
    except SocioaffectiveError as exc:
        raise fail(exc)
    click.echo(f"wrote {output} ({fmt}, {len(raw):,} bytes)", err=True)
