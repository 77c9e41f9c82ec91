"""Matrices (entries of one kind against another, by one relation) as heat-map tables.

The table is plain HTML with every text escaped; each linked cell shows the
grade badges of its links and is shaded by how firmly the link is grounded
(darkest: the paper's own claim; middle: a cited source; lightest: our
inference or editorial work); a last column and row count the links of each
entry, shaded darker for more links; a legend under the table says so. Every
row and column header links to the entry's page.

>>> import socioaffective
>>> kb = socioaffective.load()
>>> table = matrix_table(kb, kb.matrix("dilemma", "need", "engages"))
>>> table.count("<tr>"), "sa-heat-3" in table, "sa-matrix-legend" in table
(4, True, True)
"""

from __future__ import annotations

import html
import re

__all__ = ["css_name", "grade_badge_html", "matrix_table"]


def css_name(name: str) -> str:
    """A string usable as (part of) a CSS class name.

    >>> css_name("single-source"), css_name('x" onclick=1')
    ('single-source', 'x--onclick-1')
    """
    return re.sub(r"[^a-z0-9_-]", "-", str(name).lower()) or "-"


def _esc(s) -> str:
    return html.escape(str(s), quote=True)


def grade_badge_html(kb, grade: str) -> str:
    """An ``<abbr>`` badge for a grade: its letter, with its label as the tooltip."""
    g = kb.schema.grades.get(grade)
    if g is None:
        return f'<abbr class="sa-badge sa-grade" title="unknown grade">{_esc(grade or "?")}</abbr>'
    claim = "sa-claim" if g.paper_claim else "sa-noclaim"
    return f'<abbr class="sa-badge sa-grade sa-grade-{css_name(g.name)} {claim}" title="{_esc(g.label)}">{_esc(g.badge)}</abbr>'


def matrix_table(kb, m, url_for=None, caption: str = "") -> str:
    """The :class:`~socioaffective.model.Matrix` ``m`` as an accessible heat-map table.

    ``url_for(id)`` gives an entry's URL relative to the page (or ``None``).
    """
    rt = kb.schema.relations[m.relation]
    verb = rt.inverse if m.reversed else rt.label

    def head(e, scope):
        url = url_for(e.id) if url_for else None
        inner = f'<a href="{_esc(url)}">{_esc(e.title)}</a>' if url else _esc(e.title)
        return f'<th scope="{scope}">{inner}</th>'

    def strength(x) -> int:
        prov = x.provenance
        g = kb.schema.grades.get(prov.grade) if prov else None
        if g is not None and g.paper_claim:
            return 3
        if prov is not None and prov.source in kb.references:
            return 2
        return 1

    def total_level(n: int, top: int) -> int:
        return 0 if n == 0 else max(1, min(3, round(3 * n / top))) if top else 0

    row_n = {r.id: sum(len(m.get(r.id, c.id)) for c in m.cols) for r in m.rows}
    col_n = {c.id: sum(len(m.get(r.id, c.id)) for r in m.rows) for c in m.cols}
    top_row, top_col = max(row_n.values(), default=0), max(col_n.values(), default=0)
    rows = []
    for r in m.rows:
        cells = [head(r, "row")]
        for c in m.cols:
            links = m.get(r.id, c.id)
            if not links:
                cells.append('<td class="sa-heat-0"><span class="sa-visually-hidden">no link</span></td>')
                continue
            level = max(strength(x) for x in links)
            badges = " ".join(grade_badge_html(kb, x.provenance.grade if x.provenance else "") for x in links)
            label = f"{r.title} {verb} {c.title}"
            cells.append(f'<td class="sa-heat-{level}" title="{_esc(label)}"><span class="sa-visually-hidden">{_esc(verb)}: </span>{badges}</td>')
        n = row_n[r.id]
        cells.append(f'<td class="sa-total sa-total-{total_level(n, top_row)}">{n}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    totals = "".join(f'<td class="sa-total sa-total-{total_level(col_n[c.id], top_col)}">{col_n[c.id]}</td>' for c in m.cols)
    rows.append(f'<tr class="sa-matrix-totals"><th scope="row">Links</th>{totals}<td class="sa-total">{sum(row_n.values())}</td></tr>')
    corner = f'<td class="sa-matrix-corner">{_esc(verb)} →</td>'
    header = "<tr>" + corner + "".join(head(c, "col") for c in m.cols) + '<th scope="col">Links</th></tr>'
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    legend = (
        '<p class="sa-matrix-legend">Cells: <span class="sa-key sa-heat-3"></span> the paper\'s claim '
        '<span class="sa-key sa-heat-2"></span> a cited source <span class="sa-key sa-heat-1"></span> our inference or editorial work '
        "(the badges give each link's grade). Links: how many links each entry has here, "
        '<span class="sa-key sa-total-1"></span> few to <span class="sa-key sa-total-3"></span> most.</p>'
    )
    return f'<div class="sa-matrix-wrap"><table class="sa-matrix">{cap}<thead>{header}</thead><tbody>{"".join(rows)}</tbody></table>{legend}</div>'
