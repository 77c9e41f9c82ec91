"""The trimmed style sheets (light pages): smaller, and every page looks the same.

The build drops from the theme's and sphinx-design's style sheets the rules that
name classes no page or script of the book has (book/output.py,
``trim_style_sheets``). The browser test opens pages of the real book twice,
once as built and once with the sheets as their packages ship them served in
their place (less Font Awesome, which the book never loads), and compares the computed style and box of every element, at a
desktop and a phone width.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest

from socioaffective.book.output import STYLE_SHEETS, _trim_theme_css, trim_style_sheets


def _shipped(name: str) -> Path:
    """The style sheet ``name`` (a path under _static/) as its package ships it."""
    base = {
        "styles/pydata-sphinx-theme.css": ("pydata_sphinx_theme", "theme/pydata_sphinx_theme/static"),
        "styles/sphinx-book-theme.css": ("sphinx_book_theme", "theme/sphinx_book_theme/static"),
        "sphinx-design.min.css": ("sphinx_design", "static"),
    }[name]
    return Path(str(importlib.resources.files(base[0]))) / base[1] / name


def test_every_trimmed_sheet_is_known_to_its_package():
    for name, _fonts in STYLE_SHEETS:
        assert _shipped(name).is_file(), name


def test_trim_drops_unused_rules_of_every_section_and_font_awesome_only_where_asked(tmp_path):
    out, cache = tmp_path / "html", tmp_path / "doctrees" / "site-tokens.json"
    (out / "_static" / "styles").mkdir(parents=True)
    (out / "a.html").write_text('<div class="used theme-used">')
    (out / "_static" / "x.js").write_text('el.classList.add("from-script")')
    theme = (
        "/*! Bootstrap v5 */\n.used{color:red}\n.unused{color:blue}\n"
        "/* the theme */\n.theme-used{margin:0}\n.theme-unused{margin:1px}\n.from-script{padding:0}\n"
        "@media (min-width: 9px){.theme-unused{margin:2px}.used{margin:3px}}\n"
        ".fa-star:before{content:'x'}\n"
    )
    (out / "_static" / "styles" / "pydata-sphinx-theme.css").write_text(theme)
    other = ".used{color:red}\n.nowhere{color:blue}\n.fa-star:before{content:'x'}\n"
    (out / "_static" / "sphinx-design.min.css").write_text(other)
    trim_style_sheets(out, cache)
    assert (out / "_static" / "styles" / "pydata-sphinx-theme.css").read_text() == (
        "/*! Bootstrap v5 */\n.used{color:red}\n/* the theme */\n.theme-used{margin:0}\n.from-script{padding:0}\n@media (min-width: 9px){.used{margin:3px}}\n"
    )
    # not the theme's sheet: Font Awesome's selectors are rules like any other (fa-star is on no page: gone too)
    assert (out / "_static" / "sphinx-design.min.css").read_text() == ".used{color:red}\n"
    # a page that starts using a rule gets it back on the next build (the sheet is copied again)
    (out / "b.html").write_text('<i class="nowhere fa-star">')
    (out / "_static" / "sphinx-design.min.css").write_text(other)
    trim_style_sheets(out, cache)
    assert (out / "_static" / "sphinx-design.min.css").read_text() == other


def test_new_words_that_name_no_class_of_a_sheet_reuse_its_trimmed_copy(tmp_path, monkeypatch):
    from socioaffective.book import output

    out, cache = tmp_path / "html", tmp_path / "doctrees" / "site-tokens.json"
    sheet = out / "_static" / "sphinx-design.min.css"
    sheet.parent.mkdir(parents=True)
    (out / "a.html").write_text('<p class="used">An entry.</p>')
    shipped = ".used{color:red}\n.later{color:blue}\n"
    sheet.write_text(shipped)
    trim_style_sheets(out, cache)
    assert sheet.read_text() == ".used{color:red}\n"
    calls = []
    real_filter = output._filter_css
    monkeypatch.setattr(output, "_filter_css", lambda css, drop: calls.append(1) or real_filter(css, drop))
    # a rebuild after an edit: the page has new words, none of them a class of the sheet
    (out / "a.html").write_text('<p class="used">An entry, described anew.</p>')
    sheet.write_text(shipped)  # Sphinx copies the shipped sheet again on every build
    trim_style_sheets(out, cache)
    assert sheet.read_text() == ".used{color:red}\n" and calls == []  # the trimmed copy, not a new trim
    # a new word that is one of the sheet's classes: trimmed anew, and the rule is kept
    (out / "a.html").write_text('<p class="used">An entry.</p><p class="later">')
    sheet.write_text(shipped)
    trim_style_sheets(out, cache)
    assert sheet.read_text() == shipped and calls


def test_an_unreadable_sheet_is_left_as_it_is(tmp_path):
    sheet = tmp_path / "s.css"
    sheet.write_text(".a{color:red}\n.b{")  # unbalanced: not ours to guess
    _trim_theme_css(sheet, tmp_path, None, font_awesome=False, tokens=set())
    assert sheet.read_text() == ".a{color:red}\n.b{"


# --- the real book in Chromium

STYLE_PROBE = """() => {
  const props = ["display", "position", "visibility", "color", "background-color", "font-size", "font-weight",
    "font-family", "margin-top", "margin-left", "padding-top", "padding-left", "border-top-width", "border-top-color",
    "width", "height", "opacity", "overflow-x", "text-decoration-line", "white-space", "z-index", "flex-direction",
    "grid-template-columns", "box-shadow", "border-radius"];
  return Array.from(document.querySelectorAll("body *")).map((el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    const path = el.tagName + "#" + (el.id || "") + "." + (typeof el.className === "string" ? el.className : "");
    return path + " " + props.map((p) => s.getPropertyValue(p)).join("|") + " " + [r.x, r.y, r.width, r.height].map(Math.round).join(",");
  });
}"""

TRIM_PAGES = [
    "chapters/index.html",
    "chapters/entries/risk/sycophancy.html",
    "chapters/explorer.html",
    "chapters/glossary.html",
    "chapters/matrices.html",
    "chapters/python.html",
    "search.html?q=autonomy",
]


@pytest.mark.browser
@pytest.mark.book
@pytest.mark.parametrize("width", [1360, 390])
def test_trimmed_sheets_style_every_element_as_the_shipped_ones(browser, real_book, width, tmp_path):
    from test_browser import serve

    html = Path(real_book.html)
    for name, _fonts in STYLE_SHEETS:  # the build did trim them
        assert (html / "_static" / name).stat().st_size < _shipped(name).stat().st_size, name
    # the sheets as shipped, less only Font Awesome (left out on purpose: socioaffective.css draws the icons)
    shipped = {}
    for name, fonts in STYLE_SHEETS:
        copy = tmp_path / name.replace("/", "-")
        copy.write_bytes(_shipped(name).read_bytes())
        _trim_theme_css(copy, None, None, font_awesome=fonts)
        shipped[name] = copy.read_bytes()

    def styles(base: str, originals: bool) -> dict[str, list[str]]:
        context = browser.new_context(viewport={"width": width, "height": 900}, reduced_motion="reduce")

        def route(r):
            path = r.request.url[len(base) :].split("?")[0]
            for name, body in shipped.items():
                if originals and path == "_static/" + name:
                    return r.fulfill(status=200, body=body, content_type="text/css")
            return r.continue_() if r.request.url.startswith(base) else r.abort()

        context.route("**/*", route)
        out = {}
        for path in TRIM_PAGES:
            page = context.new_page()
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(300)
            out[path] = page.evaluate(STYLE_PROBE)
            page.close()
        context.close()
        return out

    with serve(html) as base:
        trimmed, original = styles(base, False), styles(base, True)
    for path in TRIM_PAGES:
        assert len(trimmed[path]) > 100, path  # the pages have their content
        changed = [(a, b) for a, b in zip(trimmed[path], original[path], strict=True) if a != b]
        assert not changed, f"{path} at {width}px: {len(changed)} elements styled otherwise than with the shipped sheets, e.g. {changed[:3]}"
