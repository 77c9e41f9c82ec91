"""The pieces of the Sphinx extension; :mod:`socioaffective.sphinxext` registers them.

- :mod:`.state`: loading the framework once per build, page stubs, warnings;
- :mod:`.incremental`: per-directive signatures, so only changed pages rebuild;
- :mod:`.directives`: directives and roles (thin adapters over the renderers);
- :mod:`.graphs`: graph and matrix placeholders turned into HTML, unsafe links;
- :mod:`.output`: static files, graph pages, theme fixes at the end of a build.
"""
