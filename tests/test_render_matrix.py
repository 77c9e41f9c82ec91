"""Heat-map matrix tables."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import socioaffective
from socioaffective.render.matrix import css_name, grade_badge_html, matrix_table


class _Table(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[list[tuple[str, dict, str]]] = []
        self.tags: list[tuple[str, dict]] = []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = [tag, a, ""]
            self.rows[-1].append(self._cell)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data


def parse(html: str) -> _Table:
    t = _Table()
    t.feed(html)
    return t


@pytest.mark.parametrize(
    ("row", "col", "rel"),
    [("principle", "need", "supports"), ("risk", "need", "frustrates"), ("dilemma", "need", "engages"), ("principle", "risk", "addresses")],
)
def test_cells_follow_the_matrix(real_kb, row, col, rel):
    m = real_kb.matrix(row, col, rel)
    t = parse(matrix_table(real_kb, m, url_for=lambda i: f"{i}.html", caption="cap"))
    header, body, totals = t.rows[0], t.rows[1:-1], t.rows[-1]
    assert [c[2] for c in header[1:]] == [c.title for c in m.cols] + ["Links"]
    assert len(body) == len(m.rows)
    levels = set()
    for r, cells in zip(m.rows, body, strict=True):
        assert cells[0][0] == "th" and cells[0][1]["scope"] == "row" and cells[0][2] == r.title
        for c, cell in zip(m.cols, cells[1:-1], strict=True):  # the last cell is the row's total
            links = m.get(r.id, c.id)
            if not links:
                assert cell[1]["class"] == "sa-heat-0"
                continue
            # the shade is the firmest grounding among the cell's links
            grades = [real_kb.schema.grades[x.provenance.grade] for x in links]
            want = 3 if any(g.paper_claim for g in grades) else 2 if any(x.provenance.source in real_kb.references for x in links) else 1
            assert cell[1]["class"] == f"sa-heat-{want}"
            levels.add(want)
            assert cell[1]["title"].startswith(r.title)
        assert cells[-1][2] == str(sum(len(m.get(r.id, c.id)) for c in m.cols))  # the row's links
    assert [c[2] for c in totals[1:-1]] == [str(sum(len(m.get(r.id, c.id)) for r in m.rows)) for c in m.cols]
    assert "sa-matrix-legend" in matrix_table(real_kb, m)
    hrefs = [a["href"] for tag, a in t.tags if tag == "a"]
    assert hrefs == [f"{c.id}.html" for c in m.cols] + [f"{r.id}.html" for r in m.rows]


def test_linked_cells_show_each_links_grade(tiny_kb):
    m = tiny_kb.matrix("dilemma", "need", "engages")
    table = matrix_table(tiny_kb, m)
    assert grade_badge_html(tiny_kb, "editorial") in table  # the one engages link is editorial
    assert "engages: " in table  # read out by screen readers


def test_a_reversed_relation_reads_with_its_inverse_label(real_kb):
    m = real_kb.matrix("need", "principle", "supports")
    assert m.reversed
    assert "supported by →" in matrix_table(real_kb, m)


def test_titles_are_escaped():
    from bookbuild import FIXTURES

    kb = socioaffective.load(FIXTURES / "payload")
    table = matrix_table(kb, kb.matrix("risk", "need", "frustrates"), url_for=lambda i: f"{i}.html")
    t = parse(table)
    assert {tag for tag, _ in t.tags} <= {"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "a", "abbr", "span", "p"}
    assert "&lt;script&gt;" in table and "<script" not in table
    assert all(not k.startswith("on") for _, a in t.tags for k in a)


def test_css_name():
    assert css_name("single-source") == "single-source"
    assert css_name('x" onclick="y') == "x--onclick--y"
