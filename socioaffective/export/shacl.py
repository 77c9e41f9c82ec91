"""``shacl``: SHACL shapes (Turtle) generated from schema.yaml, to check the RDF exports.

See :mod:`socioaffective.shacl`; ``base`` must be the one the RDF export used.
"""

from __future__ import annotations


def render(kb, fmt: str = "shacl", base: str | None = None, **_options) -> str:
    try:
        import rdflib  # noqa: F401
    except ImportError:  # pragma: no cover - rdflib is in the `rdf` extra
        from ..errors import SocioaffectiveError

        raise SocioaffectiveError("the SHACL export needs rdflib: pip install 'socioaffective[rdf]'") from None
    from ..shacl import render_shapes

    return render_shapes(kb.schema, base)
