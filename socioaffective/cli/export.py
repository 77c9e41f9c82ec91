"""The export command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import SocioaffectiveError
from ..export import FORMATS
from .common import fail, load_kb

# one list: the formats registered in socioaffective.export.FORMATS
_FORMAT_NAMES = list(FORMATS)
_BASE_FORMATS = ("jsonld", "turtle", "shacl", "sssom")  # formats that take --base


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(_FORMAT_NAMES), required=True, help="json (node-link), csv (two tables), graphml, gexf, jsonld, turtle, shacl (shapes for the RDF), sssom (the crosswalk mappings), weval (a blueprint) or inspect (a task).")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="The file to write (default: standard output). For csv and inspect: a .zip file, or a folder that receives the files (entries.csv and relations.csv; scenarios.jsonl and socioaffective_task.py).")
@click.option("--base", default=None, metavar="IRI", help="RDF formats, shacl and sssom: the IRI every entry and vocabulary IRI starts with (default urn:socioaffective:).")
@click.pass_context
def export(ctx, fmt, output, base):
    """Export the framework for other tools.

    json is networkx node-link data (read it with
    networkx.node_link_graph(data, edges="links"));
    csv is entries.csv and relations.csv; graphml opens in Gephi, yEd and
    networkx; gexf opens in Gephi with the book's layout and colours; jsonld and turtle are RDF (SKOS concepts, typed relations with
    their inverses, Dublin Core citations, SKOS mappings to the upstream IRIs
    of the crosswalk) for rdflib and triple stores; shacl is SHACL shapes generated
    from schema.yaml that check the RDF (pyshacl -s socioaffective.shacl.ttl
    socioaffective.ttl); sssom is the crosswalk
    mappings as an SSSOM mapping set (TSV) for sssom-py. weval and inspect
    turn the evaluation scenarios into a weval blueprint (YAML) and an Inspect
    task (scenarios.jsonl and socioaffective_task.py; run it with
    `inspect eval`, from the `eval` extra).

    \b
    Examples:
      socioaffective export -f turtle -o socioaffective.ttl
      socioaffective export -f csv -o tables/
      socioaffective export -f sssom -o socioaffective.sssom.tsv
      socioaffective export -f json | python -m json.tool
      socioaffective export -f weval -o socioaffective-weval.yml
      socioaffective export -f inspect -o inspect-task/
    """
    from ..export import FORMATS
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
        raise fail(exc)
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
