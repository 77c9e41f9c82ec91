"""Matrices (entries of one kind against another, by one relation) as heat-map tables.

The table is plain HTML with every text escaped; each linked cell shows the
grade badges of its links and is shaded by how many links it holds, and
every row and column header links to the entry's page.

>>> import socioaffective
>>> kb = socioaffective.load()
>>> table = matrix_table(kb, kb.matrix("dilemma", "need", "engages"))
>>> table.count("<tr>"), "sa-heat-1" in table
(4, True)
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
    """The :class:`~socioaffective.kb.Matrix` ``m`` as an accessible heat-map table.

    ``url_for(id)`` gives an entry's URL relative to the page (or ``None``).
    """
    rt = kb.schema.relations[m.relation]
    verb = rt.inverse if m.reversed else rt.label

    def head(e, scope):
        url = url_for(e.id) if url_for else None
        inner = f'<a href="{_esc(url)}">{_esc(e.title)}</a>' if url else _esc(e.title)
        return f'<th scope="{scope}">{inner}</th>'

    rows = []
    for r in m.rows:
        cells = [head(r, "row")]
        for c in m.cols:
            links = m.get(r.id, c.id)
            if not links:
                cells.append('<td class="sa-heat-0"><span class="sa-visually-hidden">no link</span></td>')
                continue
            level = min(len(links), 3)
            badges = " ".join(grade_badge_html(kb, x.provenance.grade if x.provenance else "") for x in links)
            label = f"{r.title} {verb} {c.title}"
            cells.append(f'<td class="sa-heat-{level}" title="{_esc(label)}"><span class="sa-visually-hidden">{_esc(verb)}: </span>{badges}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    corner = f'<td class="sa-matrix-corner">{_esc(verb)} →</td>'
    header = "<tr>" + corner + "".join(head(c, "col") for c in m.cols) + "</tr>"
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    return (
        f'<div class="sa-matrix-wrap"><table class="sa-matrix">{cap}<thead>{header}</thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div>'
    )
