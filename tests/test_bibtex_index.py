"""sphinxcontrib-bibtex's bibliography filter with the cited-pages index
(book/output.py ``index_cited_pages``): the same entries, in the same order, as
its own scan, for every kind of filter, on real pybtex entries."""

from __future__ import annotations

import ast
import logging
from types import SimpleNamespace

import pytest

domain = pytest.importorskip("sphinxcontrib.bibtex.domain")
from pybtex.database import Entry  # noqa: E402
from sphinxcontrib.bibtex.citation_target import CitationTarget  # noqa: E402
from sphinxcontrib.bibtex.directives import BibliographyKey, BibliographyValue  # noqa: E402
from sphinxcontrib.bibtex.roles import CitationRef  # noqa: E402

from socioaffective.book.output import index_cited_pages  # noqa: E402

#: the filters of sphinxcontrib-bibtex's docs, and one its visitor refuses at run time (a warning)
FILTERS = ["cited", "True", "not cited", "docname in docnames", "cited and type == 'article'", "key.startswith('b')", "False", "1 < 2 < 3", "author % 'Ryan'"]


def fake_domain(filter_text: str, keyprefix: str = ""):
    entries = [
        Entry("article", fields={"title": "A"}, persons={"author": ["Ryan, Richard"]}),
        Entry("book", fields={"title": "B"}),
        Entry("article", fields={"title": "C"}),
        Entry("misc", fields={"title": "D"}),
    ]
    for key, e in zip(["alpha", "beta", "bravo", "delta"], entries, strict=True):
        e.key = key
    refs = [
        CitationRef("r1", "a", 1, [CitationTarget(keyprefix + "alpha", "", "")]),
        CitationRef("r2", "b", 2, [CitationTarget(keyprefix + "alpha", "", "p. 3"), CitationTarget(keyprefix + "beta", "see", "")]),
        CitationRef("r3", "refs", 3, [CitationTarget(keyprefix + "beta", "", ""), CitationTarget(keyprefix + "beta", "", "p. 2")]),
        CitationRef("r4", "c", 4, [CitationTarget("delta", "", "")]),
    ]
    parsed = ast.parse(filter_text)
    key = BibliographyKey("refs", "bib-0")
    bib = BibliographyValue(3, ["refs.bib"], "plain", "citation", "arabic", 1, "", keyprefix, parsed, {}, ["delta"])
    return SimpleNamespace(bibliographies={key: bib}, citation_refs=refs, get_entries=lambda files: iter(entries)), key


@pytest.mark.parametrize("keyprefix", ["", "x-"])
@pytest.mark.parametrize("filter_text", FILTERS)
def test_the_index_gives_what_the_scan_gives(filter_text, keyprefix, caplog):
    index_cited_pages()
    patched = domain.BibtexDomain.get_filtered_entries
    plain = patched.socioaffective_plain
    assert patched is not plain
    dom, key = fake_domain(filter_text, keyprefix)
    with caplog.at_level(logging.WARNING):
        want = [(k, e.key) for k, e in plain(dom, key)]
        plain_log = [r.getMessage() for r in caplog.records]
        caplog.clear()
        got = [(k, e.key) for k, e in patched(dom, key)]
        patched_log = [r.getMessage() for r in caplog.records]
    assert got == want
    assert patched_log == plain_log
    if filter_text == "cited":  # alpha and beta are cited; delta is listed in the directive
        assert [k for _, k in got] == ["alpha", "beta", "delta"]
    if filter_text == "docname in docnames":  # cited on the bibliography's own page: beta (and listed delta)
        assert [k for _, k in got] == ["beta", "delta"]
    if filter_text == "1 < 2 < 3":
        assert plain_log and "syntax error" in plain_log[0]


def test_installed_once():
    index_cited_pages()
    first = domain.BibtexDomain.get_filtered_entries
    index_cited_pages()
    assert domain.BibtexDomain.get_filtered_entries is first
