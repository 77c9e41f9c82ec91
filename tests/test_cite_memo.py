"""Citation references resolved once per build and rebased to the page asking
(book/output.py ``memoize_citation_references``): the pages are byte for byte
those sphinxcontrib-bibtex writes without the memo, on pages in different folders."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from bookbuild import FIXTURES, make_fixture_book

#: sphinx-build with the memo left out (the extension imports the name at import time)
PLAIN = """\
import sys
import socioaffective.book.output as output
output.memoize_citation_references = lambda: None
from sphinx.cmd.build import main
sys.exit(main(sys.argv[1:]))
"""

#: sphinx-build with the memo, counting the references Sphinx asks for and those bibtex formats
COUNTED = """\
import atexit, json, os, sys
from sphinxcontrib.bibtex.domain import BibtexDomain
counts = {"uses": 0, "formatted": []}
inner = BibtexDomain.resolve_xref
def formatted(self, env, fromdocname, builder, typ, target, *args):
    counts["formatted"].append(target)
    return inner(self, env, fromdocname, builder, typ, target, *args)
BibtexDomain.resolve_xref = formatted
import socioaffective.book.output as output
output.memoize_citation_references()
memoized = BibtexDomain.resolve_xref
def uses(self, *args):
    counts["uses"] += 1
    return memoized(self, *args)
uses.socioaffective_memo = True
BibtexDomain.resolve_xref = uses
atexit.register(lambda: open(os.environ["CITE_COUNTS"], "w").write(json.dumps(counts)))
from sphinx.cmd.build import main
sys.exit(main(sys.argv[1:]))
"""

CITES = """\
# Citations

At the root: {cite}`kirk2025why`, {cite:p}`kirk2025why`, {cite:t}`kirk2025why` and
{cite:p}`{see}kirk2025why{p. 3}`.

Locators, each its own (the memo keeps one template per keys and pre-texts and puts the
post-texts in): {cite:p}`kirk2025why{p. 4}`, {cite:p}`kirk2025why{pp. 5-6}`,
{cite:t}`kirk2025why{p. 7}`, {cite:t}`kirk2025why{ch. 2}`, {cite:p}`{see}kirk2025why{p. 8}`,
{cite:p}`{cf.}kirk2025why{p. 9}`, {cite:p}`kirk2025why{p. 10}`,
{cite:p}`kirk2025why{p. 11},ryan2000self{p. 12}` and {cite:p}`kirk2025why{p. 13},ryan2000self{p. 14}`.

Ten more, each its own page: LOCATORS.
"""

#: resolved from the template kept at their first use, not formatted again
MORE = 10
CITES = CITES.replace("LOCATORS", ", ".join(f"{{cite:p}}`kirk2025why{{p. {20 + i}}}`" for i in range(MORE)))


def _build(src, out, plain: bool) -> dict[str, bytes]:
    head = [sys.executable, "-c", PLAIN if plain else COUNTED]
    cmd = [*head, "-b", "html", "-E", "-a", "-q", "-d", str(out / "doctrees"), str(src), str(out / "html")]
    env = {**os.environ, "CITE_COUNTS": str(out / "counts.json")}
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=src, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return {p.relative_to(out / "html").as_posix(): p.read_bytes() for p in (out / "html").rglob("*.html")}


def test_memoized_citations_are_the_pages_bibtex_writes(tmp_path):
    src = make_fixture_book(FIXTURES / "tiny", tmp_path / "src", theme="basic")
    (src / "cites.md").write_text(CITES, encoding="utf-8")
    with open(src / "_toc.yml", "a", encoding="utf-8") as f:
        f.write("  - file: cites\n")
    memo = _build(src, tmp_path / "memo", plain=False)
    plain = _build(src, tmp_path / "plain", plain=True)
    assert sorted(memo) == sorted(plain)
    assert [p for p in memo if memo[p] != plain[p]] == []
    # the ten locators of one shape were filled into its template: bibtex did not format them
    counts = json.loads((tmp_path / "memo" / "counts.json").read_text())
    assert counts["uses"] >= 25, counts
    assert not [t for t in counts["formatted"] if any(f"{{p. {20 + i}}}" in t for i in range(MORE))], counts
    assert len(counts["formatted"]) <= counts["uses"] - MORE, counts
    assert b"p. 29" in memo["cites.html"] and b"pp. 5-6" in memo["cites.html"]
    # the same work is cited from the root and from entry pages two folders down:
    # links relative to each (so a copy resolved on one page was rebased for the other)
    links = set()
    for text in memo.values():
        links |= set(re.findall(rb'class="bibtex-citation"[^>]*>[^<]*(?:<[^a][^>]*>[^<]*)*<a class="reference internal" href="([^"]*)"', text))
    assert any(x.startswith(b"bibliography.html#") for x in links), links
    assert any(x.startswith(b"../") for x in links), links
