"""Entry pages, kind lists, schema tables and stubs as MyST: only our own markup.

Every page of the real, tiny and payload frameworks is parsed with the real
MyST parser; the only constructs allowed are the roles, directives and links
the renderer itself writes, and all framework text ends up as text.
"""

from __future__ import annotations

import re

import pytest
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

import socioaffective
from socioaffective.render import myst, pages

MD = create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "deflist", "substitution"}), RendererHTML)
ROLES = {"ref", "cite:p", "cite:t", pages.KIND_ROLE, pages.GRADE_ROLE, pages.BADGE_ROLE}
FENCES = {"{container}", "{socioaffective-graph}", "python", "{socioaffective-entry}"}
LINK = re.compile(r"^(https://doi\.org/|https://arxiv\.org/abs/|https?://)")
CITE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*(\{[^{}`<>]+\})?$")


@pytest.fixture(scope="module")
def payload_kb():
    from bookbuild import FIXTURES

    return socioaffective.load(FIXTURES / "payload")


def walk(text: str, found: dict) -> None:
    """Parse ``text`` and check every token, recursing into container fences."""
    for tok in MD.parse(text):
        assert tok.type not in ("html_block", "html_inline"), tok
        if tok.type == "fence":
            info = tok.info.split()[0] if tok.info.split() else ""
            assert info in FENCES, tok.info
            found.setdefault("fences", []).append(tok.info)
            if info == "{container}":
                walk(tok.content, found)
            elif info == "{socioaffective-graph}":
                assert re.fullmatch(r":entry: [a-z0-9-]+\n", tok.content), tok.content
            continue
        if tok.type == "myst_target":
            found.setdefault("targets", []).append(tok.content)
        for child in tok.children or []:
            assert child.type not in ("html_inline", "html_block", "substitution_inline", "image", "math_inline"), child
            if child.type == "myst_role":
                name = child.meta["name"]
                assert name in ROLES, name
                assert CITE.match(child.content) if name.startswith("cite") else myst.is_safe_name(child.content), child.content
                found.setdefault("roles", []).append((name, child.content))
            if child.type == "link_open":
                assert LINK.match(child.attrs["href"]), child.attrs
                found.setdefault("links", []).append(child.attrs["href"])
            if child.type == "text":
                found.setdefault("text", []).append(child.content)


def check_entry(kb, entry) -> dict:
    found: dict = {}
    walk(pages.entry_page(kb, entry), found)
    walk(pages.entry_stub(kb, entry), found)
    return found


@pytest.mark.parametrize("which", ["real", "tiny", "payload"])
def test_every_entry_page_holds_only_our_markup(which, real_kb, tiny_kb, payload_kb):
    kb = {"real": real_kb, "tiny": tiny_kb, "payload": payload_kb}[which]
    for entry in kb.entries():
        check_entry(kb, entry)


def test_payload_text_reaches_the_page_as_text(payload_kb):
    e = payload_kb.get("future-self")
    found = check_entry(payload_kb, e)
    text = " ".join(found["text"])
    for piece in [
        '<script>alert("xss-script")</script>',
        "<img src=x onerror=alert('xss-img')>",
        "{raw}`<b>xss-role</b>`",
        "```{raw} html",
        "</script><script>alert('xss-json')</script><!--",
    ]:
        assert piece in text


def test_entry_page_shows_links_backlinks_citations_and_the_python_line(tiny_kb):
    found = check_entry(tiny_kb, tiny_kb.get("future-self"))
    roles = found["roles"]
    assert ("ref", "entry-competence") in roles  # engages (outgoing)
    assert ("ref", "entry-scaffolding") in roles  # addressed by (backlink)
    assert ("ref", "entry-which-self") in roles  # raises, and discussed in
    assert ("cite:t", "kirk2025why") in roles
    assert (pages.KIND_ROLE, "dilemma") in roles and (pages.GRADE_ROLE, "abstract") in roles
    page = pages.entry_page(tiny_kb, tiny_kb.get("future-self"))
    assert "**Engages**" in page and "**Addressed by**" in page and "**Discussed in**" in page
    assert 'socioaffective.load().get("future-self")' in page
    assert "| Now | Later |" in page  # the two poles
    assert "{socioaffective-graph}\n:entry: future-self" in page


def test_links_keep_their_own_provenance(tiny_kb):
    page = pages.entry_page(tiny_kb, tiny_kb.get("future-self"))
    line = next(x for x in page.splitlines() if "entry-competence" in x)
    assert "{socioaffective-badge}`editorial`" in line  # the engages link is editorial, the entry abstract


def test_citations_carry_their_locators(tiny_kb):
    page = pages.entry_page(tiny_kb, tiny_kb.get("competence"))
    assert "{cite:t}`ryan2000self{p. 68}`" in page
    assert "{cite:p}`ryan2000self{p. 68}`" in page  # the entry's own source, in the header


def test_backlinks_use_the_inverse_label(real_kb):
    page = pages.entry_page(real_kb, real_kb.get("autonomy"))

    def block(heading):
        return page.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]

    # crosswalk links are read from our side, under "Also filed as"; relations that
    # declare a `section` in schema.yaml are listed under that heading instead of Backlinks
    crosswalk = {"exact_match", "close_match", "related_match", "broad_match", "narrow_match", "no_match"}
    for name in real_kb.incoming("autonomy"):
        rt = real_kb.schema.relations[name]
        if name not in crosswalk:
            assert f"**{myst.text(pages._cap(rt.inverse))}**" in block(rt.section or "Backlinks")
    for r in real_kb.relations("autonomy", direction="in"):
        where = "Also filed as" if r.name in crosswalk else real_kb.schema.relations[r.name].section or "Backlinks"
        assert f"entry-{r.source}" in block(where)
    assert any(real_kb.schema.relations[n].section for n in real_kb.incoming("autonomy")), "autonomy should have evidence links"


def test_provenance_says_whether_it_is_the_papers_claim(real_kb):
    claims = {g.name for g in real_kb.schema.grades.values() if g.paper_claim}
    for e in real_kb.entries():
        section = pages.entry_page(real_kb, e).split("## Provenance", 1)[1]
        if e.provenance.grade in claims:
            assert "The paper's claim" in section
        else:
            assert "Not the paper's claim" in section


def test_stub_carries_marker_label_title_and_directive(tiny_kb):
    stub = pages.entry_stub(tiny_kb, tiny_kb.get("future-self"))
    assert stub.splitlines()[0] == pages.GENERATED_MARKER
    found: dict = {}
    walk(stub, found)
    assert found["targets"] == ["entry-future-self"]
    assert found["fences"] == ["{socioaffective-entry} future-self"]


def test_kind_list_links_every_entry_of_the_kind(real_kb):
    for kind in real_kb.schema.kinds:
        text = pages.kind_list(real_kb, kind)
        found: dict = {}
        walk(text, found)
        refs = [c for n, c in found.get("roles", []) if n == "ref"]
        assert refs == [f"entry-{e.id}" for e in real_kb.entries(kind)]


@pytest.mark.parametrize("what", ["grades", "kinds", "relations", "fields"])
def test_schema_tables(what, real_kb, payload_kb):
    for kb in (real_kb, payload_kb):
        text = pages.schema_table(kb, what)
        walk(text, {})
    if what == "grades":
        text = pages.schema_table(real_kb, "grades")
        for g in real_kb.schema.grades.values():
            assert f"{{socioaffective-grade}}`{g.name}`" in text
    with pytest.raises(ValueError):
        pages.schema_table(real_kb, "colours")


def test_schema_css_accepts_only_plain_colours(payload_kb):
    css = pages.schema_css(payload_kb.schema)
    assert "display:none" not in css and "}" not in css.split(".sa-kind-risk", 1)[1].split("{", 1)[0]
    assert f".sa-kind-risk {{ background-color: {pages.readable('#888888')[0]};" in css  # the fallback grey, made readable
    assert ".sa-grade-abstract.sa-claim" in css and ".sa-grade-editorial.sa-noclaim" in css


def test_every_badge_meets_wcag_aa_contrast(real_kb, payload_kb):
    """Kind badges (text on the kind's colour), solid grade badges (white on the
    grade's colour) and outlined ones (the colour on white): at least 4.5:1."""
    import re

    for kb in (real_kb, payload_kb):
        css = pages.schema_css(kb.schema)
        rules = re.findall(r"\.(sa-[a-z0-9_-]+)(\.sa-claim|\.sa-noclaim)? \{ ([^}]*)\}", css)
        assert len(rules) == len(kb.schema.kinds) + 2 * len(kb.schema.grades)
        for name, variant, body in rules:
            props = dict(re.findall(r"([a-z-]+): (#[0-9a-f]{6})", body))
            bg = props.get("background-color", "#ffffff")
            assert pages.contrast(bg, props["color"]) >= 4.5, (name, variant, props)
    # the two that failed before: Concept (white on #5e81ac, 4.02) and Dilemma (white on #bf616a, 4.09)
    assert pages.contrast("#ffffff", "#5e81ac") < 4.5 and pages.contrast("#ffffff", "#bf616a") < 4.5
