"""MyST escaping: untrusted text comes out of the real MyST parser as the same text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from socioaffective.render import myst

# the MyST extensions of the real book (_config.yml), plus the ones a book might add
MD = create_md_parser(MdParserConfig(enable_extensions={"colon_fence", "deflist", "substitution", "dollarmath", "attrs_inline", "linkify"}), RendererHTML)

PAYLOADS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "{raw}`<b>x</b>` {ref}`label` {cite:p}`key`",
    "$$x$$ $y$ {{ substitution }}",
    "(label)=",
    "# heading",
    "```{raw} html\n<script>x</script>\n```",
    ":::{note}\nx\n:::",
    "| a | b |\n|---|---|\n| c | d |",
    "- item\n1. item\n> quote",
    "**bold** _em_ `code` ~~del~~",
    "&lt;script&gt; &amp; &#60;",
    "<!-- comment -->",
    "www.example.org https://example.org",
    "\\*not escaped\\*",
    "trailing backslash \\",
    "line\u2028separator\u2029paragraph",
    "tab\tand\x00nul\x1bescape",
    "[text]{.class #id onclick=x}",
    "term\n: definition",
    # images and links a title, summary or description could try to open
    "![pixel](http://host/pixel.png) ![local](../../../secret.png)",
    "10.1234/x)![t](http://host/pixel.png)",
    "<http://host/x> <mailto:a@b.c>",
    '[ref]: http://host/definition "title"\n[ref] [x][ref]',
    "![ref] ![x][ref]",
    '<img src="http://host/p.png"> <a href="http://host">a</a>',
]


def inline_tokens(text: str) -> list:
    tokens = MD.parse(text)
    return [c for t in tokens if t.type == "inline" for c in t.children]


def block_types(text: str) -> list[str]:
    return [t.type for t in MD.parse(text)]


def normalise(s: str) -> str:
    """What :func:`myst.text` keeps of a string: one line, single spaces."""
    s = re.sub(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029\x00-\x08\x0e-\x1f\x7f]+", " ", s)
    return re.sub(r"[ \t]+", " ", s).strip()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_payload_is_a_single_text_token(payload):
    escaped = myst.text(payload)
    assert block_types(escaped) in ([], ["paragraph_open", "inline", "paragraph_close"])
    children = inline_tokens(escaped)
    assert [c.type for c in children] in ([], ["text"])
    assert "".join(c.content for c in children) == normalise(payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_paragraphs_are_only_paragraphs_of_text(payload):
    text = myst.paragraphs(payload + "\n\n" + payload)
    types = block_types(text)
    assert set(types) <= {"paragraph_open", "inline", "paragraph_close"}
    for tok in MD.parse(text):
        if tok.type == "inline":
            assert [c.type for c in tok.children] == ["text"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Z", "Cc")), max_size=80))
def test_any_text_survives_the_parser_unchanged(s):
    escaped = myst.text(s)
    children = inline_tokens(escaped)
    assert all(c.type == "text" for c in children), (s, escaped, children)
    assert "".join(c.content for c in children) == normalise(s)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "P", "S", "Zs")), min_size=1, max_size=40), min_size=1, max_size=4))
def test_paragraphs_keep_their_text(parts):
    text = myst.paragraphs("\n\n".join(parts))
    got = [" ".join(c.content for c in t.children) for t in MD.parse(text) if t.type == "inline"]
    assert got == [normalise(p) for p in parts if normalise(p)]


def test_roles_only_take_safe_names():
    assert myst.role("ref", "entry-autonomy") == "{ref}`entry-autonomy`"
    for bad in ["x`y", "a b", "<x>", "", "-lead", "x}y"]:
        with pytest.raises(ValueError):
            myst.role("ref", bad)
        assert not myst.is_safe_name(bad)


def test_ref_falls_back_to_escaped_text():
    out = myst.ref("entry-<x>", "<b>Title</b>")
    assert [c.type for c in inline_tokens(out)] == ["text"]
    assert inline_tokens(out)[0].content == "<b>Title</b>"


@pytest.mark.parametrize(
    ("locator", "expected"),
    [
        ("", "{cite:p}`ryan2000self`"),
        ("p. 68", "{cite:p}`ryan2000self{p. 68}`"),
        ("pp. 1–31", "{cite:p}`ryan2000self{pp. 1–31}`"),
        ("§ 3.1", "{cite:p}`ryan2000self{§ 3.1}`"),
    ],
)
def test_cite_puts_plain_locators_in_post_text(locator, expected):
    assert myst.cite("ryan2000self", locator) == expected


@pytest.mark.parametrize("locator", ["p. {3}", "p. `3`", "p. <3>", "x} `y` {z"])
def test_cite_writes_odd_locators_as_text_after_the_citation(locator):
    out = myst.cite("ryan2000self", locator)
    children = inline_tokens(out)
    assert [c.type for c in children] == ["myst_role", "text"]
    assert children[0].meta["name"] == "cite:p" and children[0].content == "ryan2000self"
    assert children[1].content == ", " + locator


def test_cite_with_an_unsafe_key_is_text():
    out = myst.cite("bad key`", "p. 1")
    assert [c.type for c in inline_tokens(out)] == ["text"]


# -- links: the only ones written are to http(s) addresses, percent-encoded --

HOSTILE_URLS = [
    "https://doi.org/10.1234/x)![t](http://host/pixel.png)",
    "https://h.org/a b\"c'd<e>f`g\\h[i]{j}|k^l",
    "https://h.org/?a=1&amp;b=&#41;&lt;",
    "https://h.org/\u00e9\u202e\u200b\n\r\x00",
    "https://h.org/%zz%41%",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_link_is_one_link_to_exactly_the_encoded_address(url):
    from socioaffective import links

    md = myst.link("label ![x](http://evil/p.png)", url)
    children = inline_tokens(md)
    assert [c.type for c in children] == ["link_open", "text", "link_close"], md
    href = children[0].attrs["href"]
    assert href == links.quote(url)
    assert re.fullmatch(r"https://h(\.org|ttps)?[A-Za-z0-9\-._~:/?#@!$&*+,;=%]*", href) or href.startswith("https://doi.org/"), href
    assert children[1].content == "label ![x](http://evil/p.png)"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:x",
        "data:text/html,x",
        "../../secret.png",
        "//evil.org/p.png",
        "vbscript:x",
        "file:///etc/passwd",
        "ftp://h.org/",
        "",
    ],
)
def test_a_link_to_another_scheme_is_only_its_label(url):
    md = myst.link("label", url)
    assert md == "label"
