"""Link values (doi, arxiv, url), the one URL-escaping function, and the schema's own checks
(names, booleans, kind files, id patterns) that issue 10 asked for."""

from __future__ import annotations

import re
import shutil
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import socioaffective
from bookbuild import FIXTURES
from socioaffective import links
from socioaffective.patterns import pattern_problem
from socioaffective.render import myst, pages
from socioaffective.schema import MAX_ID_LENGTH, NAME_PATTERN, Schema, load_schema

SAFE_URL = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]*")


# -- the types ------------------------------------------------------------------


@pytest.mark.parametrize(
    "ftype, value",
    [
        ("doi", "10.1057/s41599-025-04532-5"),
        ("doi", "10.1037/0003-066X.55.1.68"),
        ("doi", "10.1002/(SICI)1097-4571(199806)49:8"),
        ("arxiv", "2502.02528"),
        ("arxiv", "2502.02528v3"),
        ("arxiv", "hep-th/9901001"),
        ("arxiv", "math.GT/0309136v1"),
        ("url", "https://doi.org/10.1057/s41599-025-04532-5"),
        ("url", "http://example.org"),
        ("url", "https://example.org:8443/a/b?x=1&y=%20#frag"),
        ("url", "https://en.wikipedia.org/wiki/Self-determination_theory_(psychology)"),
    ],
)
def test_real_values_are_valid_and_linked(ftype, value):
    assert links.problem(ftype, value) == ""
    url = links.href(ftype, value)
    assert url and SAFE_URL.fullmatch(url) and url.startswith("https://" if ftype != "url" else "http")


@pytest.mark.parametrize(
    "ftype, value, why",
    [
        ("doi", "10.1234/x)![t](http://host/pixel.png)", "character '!'"),
        ("doi", "10.1234/x y", "a space"),
        ("doi", "https://doi.org/10.1057/x", "without `https://doi.org/`"),
        ("doi", "doi:10.1057/x", "without `https://doi.org/`"),
        ("doi", "10.1057/x\n", "invisible character U+000A"),
        ("doi", "10.\u0661\u0662\u0663\u0664/x", "character '\u0661'"),  # Arabic-Indic digits are not [0-9]
        ("doi", "11.1234/x", "a DOI is"),
        ("arxiv", "2502.02528)![x](y", "arXiv identifier looks like"),
        ("arxiv", "https://arxiv.org/abs/2502.02528", "alone"),
        ("url", "javascript:alert(1)", "scheme `javascript:`"),
        ("url", "JavaScript:alert(1)", "scheme `JavaScript:`"),
        ("url", "HTTPS://example.org/", "in lowercase"),
        ("url", "data:text/html,<script>x</script>", "scheme `data:`"),
        ("url", "ftp://example.org/", "scheme `ftp:`"),
        ("url", "//example.org/", "does not start"),
        ("url", "example.org", "does not start"),
        ("url", "https://example.org/x)![t](http://h/p.png)", "character '['"),
        ("url", "https://example.org/a b", "a space"),
        ("url", 'https://example.org/"onmouseover=x', "character '\"'"),
        ("url", "https://trusted.org@evil.org/", "host name"),
        ("url", "https://example.org/%zz", "host name"),
        ("url", "https://exa\u0430mple.org/", "character 'а'"),
    ],
)
def test_bad_values_say_why(ftype, value, why):
    assert why in links.problem(ftype, value)
    assert links.href(ftype, value) is None


def test_quote_keeps_escapes_and_encodes_everything_that_could_close_a_link():
    assert links.quote("https://h.org/%41%2") == "https://h.org/%41%252"
    assert links.quote("a(b)c[d]e<f>g h\"i'j`k\\l{m}n|o^p") == "a%28b%29c%5Bd%5De%3Cf%3Eg%20h%22i%27j%60k%5Cl%7Bm%7Dn%7Co%5Ep"
    assert links.quote("\u202e\u200b\n") == "%E2%80%AE%E2%80%8B%0A"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=60))
def test_any_text_quotes_to_safe_characters_and_is_linked_only_if_valid(s):
    assert SAFE_URL.fullmatch(links.quote(s))
    for ftype in links.LINK_TYPES:
        url = links.href(ftype, s)
        assert (url is None) == bool(links.problem(ftype, s))
        if url is not None:
            assert SAFE_URL.fullmatch(url)


@pytest.mark.parametrize("ftype", links.LINK_TYPES)
def test_a_long_hostile_value_is_refused_in_linear_time(ftype):
    for value in ("10." + "1" * 200_000 + "!", "https://" + "a." * 100_000 + "!", "https://a.org/" + "%" * 200_000, "a-" * 100_000 + "/1"):
        start = time.process_time()
        assert links.problem(ftype, value)
        assert time.process_time() - start < 1.0


# -- validation and rendering by type ----------------------------------------------


@pytest.fixture
def tiny_copy(tmp_path):
    root = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", root)
    return root


def _with_paper_fields(root, **fields):
    path = root / "framework" / "tiny.yaml"
    extra = "".join(f"    {k}: '{v}'\n" for k, v in fields.items())
    text = path.read_text().replace("    study_type: Conceptual analysis\n", "    study_type: Conceptual analysis\n" + extra, 1)
    path.write_text(text)
    return text


def test_the_project_schema_declares_its_link_fields_by_type():
    schema = load_schema(socioaffective.loader.default_root() / "framework" / "schema.yaml")
    paper = schema.kinds["paper"].fields
    assert (paper["doi"].type, paper["arxiv"].type, paper["url"].type) == ("doi", "arxiv", "url")


def test_a_valid_value_is_linked_and_an_invalid_one_shown_as_text(tiny_copy):
    _with_paper_fields(tiny_copy, doi="10.1234/(x)", url="https://example.org/?a=1&b=2", arxiv="2502.02528")
    kb = socioaffective.load(tiny_copy)
    page = pages.entry_page(kb, kb.get("the-paper"))
    assert "[10\\.1234\\/\\(x\\)](https://doi.org/10.1234/%28x%29)" in page
    assert "(https://example.org/?a=1\\&b=2)" in page
    assert "(https://arxiv.org/abs/2502.02528)" in page
    # the same renderer, on a framework with problems (the book is built from those too)
    e = kb.get("the-paper")
    e.fields.update(doi="10.1234/x)![t](http://host/p.png)", url="javascript:alert(1)")
    page = pages.entry_page(kb, e)
    assert "](http://host" not in page and "](javascript" not in page
    assert myst.text("10.1234/x)![t](http://host/p.png)") in page and myst.text("javascript:alert(1)") in page


def test_a_link_field_of_another_name_is_linked_by_its_type(tiny_copy):
    """Schema as data: the renderer looks at the type, not at the name `doi`."""
    schema = tiny_copy / "framework" / "schema.yaml"
    schema.write_text(schema.read_text().replace("      glossary: {", "      source_doi: { type: doi }\n      glossary: {", 1))
    path = tiny_copy / "framework" / "tiny.yaml"
    path.write_text(path.read_text().replace("    part_of: [the-paper]\n", "    part_of: [the-paper]\n    source_doi: 10.1000/xyz\n", 1))
    kb = socioaffective.load(tiny_copy)
    assert "](https://doi.org/10.1000/xyz)" in pages.entry_page(kb, kb.get("alignment"))


# -- fullmatch wherever a pattern guards an id, a name or a file name --------------


def test_guards_match_the_whole_string():
    from socioaffective.book.state import PAGE_NAME
    from socioaffective.render.network import kind_color

    schema = Schema()
    for ok in ("competence", "present-vs-future-self"):
        assert schema.valid_id(ok) and myst.is_safe_name(ok) and PAGE_NAME.fullmatch(ok)
    for bad in ("competence\n", "competence\r\n", "a" * (MAX_ID_LENGTH + 1), "", None, 3):
        assert not schema.valid_id(bad)
    assert not myst.is_safe_name("x\n") and not PAGE_NAME.fullmatch("x\n")
    assert kind_color(type("K", (), {"color": "#abcdef\n"})) == "#888888"
    assert myst.cite("key", "p. 3\n") == "{cite:p}`key{p. 3}`"  # the locator is one line


def test_an_id_with_a_trailing_newline_is_refused_by_add(tiny_copy):
    from socioaffective.edit import add_entry
    from socioaffective.errors import SocioaffectiveError

    before = (tiny_copy / "framework" / "concepts.yaml").read_bytes() if (tiny_copy / "framework" / "concepts.yaml").exists() else None
    with pytest.raises(SocioaffectiveError) as info:
        add_entry(tiny_copy, "concept", "competence\n", "Competence again", summary="s", description="d")
    assert "bad-id" in str(info.value) or "not valid" in str(info.value)
    after = (tiny_copy / "framework" / "concepts.yaml").read_bytes() if (tiny_copy / "framework" / "concepts.yaml").exists() else None
    assert after == before


# -- the schema's own checks ----------------------------------------------------------


def _schema_problems(tmp_path, old: str, new: str):
    src = (FIXTURES / "tiny" / "framework" / "schema.yaml").read_text()
    assert src.count(old) == 1, old
    text = src.replace(old, new)
    path = tmp_path / "schema.yaml"
    path.write_text(text)
    s = load_schema(path)
    return s, [(p.code, p.line) for p in s.problems], text.splitlines()


def _line(lines, marker):
    (n,) = [i for i, x in enumerate(lines, 1) if marker in x]
    return n


@pytest.mark.parametrize(
    "old, new, marker",
    [
        ("    badge: B\n    paper_claim: true\n", '    badge: B\n    paper_claim: "true"\n', 'paper_claim: "true"'),
        ("    badge: B\n    paper_claim: true\n", "    badge: B\n    paper_claim: 1\n", "paper_claim: 1"),
        ("    badge: B\n    paper_claim: true\n", "    badge: B\n    paper_claim: yes please\n", "paper_claim: yes please"),
        ("      venue: { type: string, required: true }", '      venue: { type: string, required: "true" }', "venue:"),
        (
            "    acyclic: true\n    description: The entry is a particular",
            "    acyclic: 'false'\n    description: The entry is a particular",
            "acyclic: 'false'",
        ),
        (
            '    symmetric: true\n    from: ["*"]\n    to: ["*"]\n    description: The two entries',
            '    symmetric: 1\n    from: ["*"]\n    to: ["*"]\n    description: The two entries',
            "symmetric: 1",
        ),
        ("    locator: true\n", '    locator: "on"\n', 'locator: "on"'),
        ("  raises:\n", "  raises:\n    allow_self: []\n", "allow_self: []"),
    ],
)
def test_schema_booleans_are_yaml_booleans_only(tmp_path, old, new, marker):
    s, got, lines = _schema_problems(tmp_path, old, new)
    assert got == [("schema-invalid", _line(lines, marker))], s.problems
    assert "true or false" in s.problems[0].message


def test_a_string_paper_claim_never_makes_a_grade_the_papers_claim(tmp_path):
    s, _, _ = _schema_problems(
        tmp_path, "    paper_claim: false\n    description: >-\n      Our recollection", '    paper_claim: "false"\n    description: >-\n      Our recollection'
    )
    assert s.grades["inferred"].paper_claim is False


@pytest.mark.parametrize(
    "old, new, marker",
    [
        ("  raises:\n", "  links to:\n    label: links to\n    inverse: linked from\n  raises:\n", "  links to:"),
        ("  raises:\n", "  Raises:\n    label: raises up\n    inverse: raised up by\n  raises:\n", "  Raises:"),
        ("  raises:\n", "  'x\\n':\n    label: x\n    inverse: y\n  raises:\n", "'x\\n'"),
        ("      bib_key: {", "      bib-key: { type: string }\n      bib_key: {", "bib-key:"),
        ("  aliases:\n", "  Aliases:\n    type: string\n  aliases:\n", "  Aliases:"),
        ("  risk:\n", "  ../risk:\n    label: Evil\n  risk:\n", "  ../risk:"),
    ],
)
def test_names_of_relations_fields_and_kinds_follow_one_pattern(tmp_path, old, new, marker):
    s, got, lines = _schema_problems(tmp_path, old, new)
    assert got == [("schema-invalid", _line(lines, marker))], s.problems
    assert all(NAME_PATTERN.fullmatch(n) for n in [*s.relations, *s.kinds, *s.common_fields] + [f for k in s.kinds.values() for f in k.fields])


@pytest.mark.parametrize(
    "file", ["../outside.yaml", "/etc/outside.yaml", "sub/../../x.yaml", "C:/x.yaml", "a\\\\b.yaml", ".hidden.yaml", "notes.txt", "schema.yaml", "''"]
)
def test_a_kind_file_must_be_a_yaml_file_inside_framework(tmp_path, file):
    s, got, lines = _schema_problems(tmp_path, "    file: questions.yaml\n", f"    file: {file}\n")
    assert got == [("schema-invalid", _line(lines, "    file: " + file))], s.problems
    assert s.kinds["question"].file == "questions.yaml"  # `add` never writes there


def test_a_kind_file_in_a_subfolder_is_fine(tmp_path):
    s, got, _ = _schema_problems(tmp_path, "    file: questions.yaml\n", "    file: open/questions.yaml\n")
    assert got == [] and s.kinds["question"].file == "open/questions.yaml"


def test_symmetric_and_acyclic_together_are_refused(tmp_path):
    s, got, lines = _schema_problems(
        tmp_path,
        '    symmetric: true\n    from: ["*"]\n    to: ["*"]\n    description: A looser',
        '    symmetric: true\n    acyclic: true\n    from: ["*"]\n    to: ["*"]\n    description: A looser',
    )
    line = [i for i, x in enumerate(lines, 1) if x == "    acyclic: true" and lines[i - 2] == "    symmetric: true"]
    assert got == [("schema-invalid", line[0])] and not s.relations["related_to"].acyclic


# -- id patterns ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
        r"^[a-z]+(_[a-z]+)*$",
        r"^([a-z]+-)*[a-z]+$",
        r"^\S+$",
        r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$",
        r"^[a-z]+(-[a-z]+)*(-[0-9]+)?$",
        r"^(?:[a-z]{1,64})(?:\.[a-z]{1,64}){0,5}$",
        r"(?i)^[a-z]+(-[a-z]+)*$",
        r"[a-z]+",
    ],
)
def test_usual_id_patterns_are_accepted(pattern):
    assert pattern_problem(pattern) == ""


@pytest.mark.parametrize(
    "pattern",
    [
        r"^(a+)+$",
        r"^([a-z0-9]+-?)+$",
        r"^(a|aa)+$",
        r"^(a|a)*$",
        r"^(a*)*$",
        r"^(\w+\s?)*$",
        r"^[a-z]*[a-z0-9]*$",
        r"^(x+x+)+y$",
        r"^(.*a){12}$",
        r"^(a?){30}a{30}$",
        r"^(\d+)\1$",
        "a" * 1001,
        "(",
        12,
    ],
)
def test_catastrophic_id_patterns_are_refused(pattern):
    assert pattern_problem(pattern)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab-+*?()|[]", min_size=1, max_size=14))
def test_an_accepted_pattern_matches_a_long_bad_id_quickly(pattern):
    """Whatever the analysis accepts runs fast on ids made to backtrack."""
    if pattern_problem(pattern):
        return
    compiled = re.compile(pattern)
    start = time.process_time()
    for probe in ("a" * 127 + "!", "ab" * 63 + "!", "-" * 127 + "!", "a-" * 63 + "!", "a" * 64 + "b" * 63 + "!"):
        compiled.fullmatch(probe)
    assert time.process_time() - start < 1.0, pattern


@pytest.mark.parametrize("ftype", links.LINK_TYPES)
def test_the_link_patterns_pass_the_same_backtracking_analysis(ftype):
    assert pattern_problem(links.PATTERNS[ftype]) == ""
