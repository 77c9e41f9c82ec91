"""Citation references resolved once per build and rebased to the page asking
(book/output.py ``memoize_citation_references``): the pages are byte for byte
those sphinxcontrib-bibtex writes without the memo, on pages in different folders."""

from __future__ import annotations

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

CITES = """\
# Citations

At the root: {cite}`kirk2025why`, {cite:p}`kirk2025why`, {cite:t}`kirk2025why` and
{cite:p}`{see}kirk2025why{p. 3}`.
"""


def _build(src, out, plain: bool) -> dict[str, bytes]:
    head = [sys.executable, "-c", PLAIN] if plain else [sys.executable, "-m", "sphinx"]
    cmd = [*head, "-b", "html", "-E", "-a", "-q", "-d", str(out / "doctrees"), str(src), str(out / "html")]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=src, timeout=600)
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
    # the same work is cited from the root and from entry pages two folders down:
    # links relative to each (so a copy resolved on one page was rebased for the other)
    links = set()
    for text in memo.values():
        links |= set(re.findall(rb'class="bibtex-citation"[^>]*>[^<]*(?:<[^a][^>]*>[^<]*)*<a class="reference internal" href="([^"]*)"', text))
    assert any(x.startswith(b"bibliography.html#") for x in links), links
    assert any(x.startswith(b"../") for x in links), links
