"""The pieces of the Sphinx extension; :mod:`socioaffective.sphinxext` registers them.

- :mod:`.state`: loading the framework once per build, page stubs, warnings;
- :mod:`.registry`: every directive and role declared once (name, class,
  what it depends on, what it shows, how its placeholder resolves); Sphinx
  registration, incremental signatures and placeholders are driven from it;
- :mod:`.incremental`: the signatures, so only pages whose output changed rebuild;
- :mod:`.directives`: directives and roles (thin adapters over the renderers);
- :mod:`.graphs`: graph and matrix placeholders turned into HTML, unsafe links;
- :mod:`.output`: static files, graph pages, theme fixes at the end of a build.
"""
