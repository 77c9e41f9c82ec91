"""Safe, located YAML reading."""

from __future__ import annotations

import time

from socioaffective.yamlio import WITH_LIBYAML, LocDict, LocList, parse_yaml_bytes, read_yaml


def codes(problems):
    return [(p.code, p.line) for p in problems]


def test_mappings_and_lists_know_their_lines():
    data, problems = parse_yaml_bytes(b"entries:\n  - id: a\n    kind: need\n  - id: b\n", "f.yaml")
    assert problems == []
    assert isinstance(data, LocDict) and isinstance(data["entries"], LocList)
    assert data["entries"].lines == [2, 4]
    assert data["entries"][0].key_lines == {"id": 2, "kind": 3}
    assert data["entries"][1].line == 4


def test_libyaml_is_used_when_present():
    import yaml

    assert WITH_LIBYAML == bool(getattr(yaml, "__with_libyaml__", False))


def test_duplicate_key_is_reported_with_both_lines_and_first_kept():
    data, problems = parse_yaml_bytes(b"a: 1\nb: 2\na: 3\n", "f.yaml")
    assert codes(problems) == [("duplicate-key", 3)]
    assert "first at line 1" in problems[0].message
    assert data["a"] == 1


def test_python_tags_are_refused_and_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"x: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    data, problems = parse_yaml_bytes(text, "f.yaml")
    assert data is None
    assert codes(problems) == [("unsafe-tag", 1)]
    assert not marker.exists()


def test_local_tags_are_refused_too():
    _, problems = parse_yaml_bytes(b"a: 1\nb: !custom thing\n", "f.yaml")
    assert codes(problems) == [("unsafe-tag", 2)]


def test_syntax_error_has_a_line():
    _, problems = parse_yaml_bytes(b"a: [1, 2\nb: 3\n", "f.yaml")
    assert problems[0].code == "yaml-syntax" and problems[0].line >= 1


def test_tab_indentation_gets_its_own_code():
    _, problems = parse_yaml_bytes(b"entries:\n\t- id: a\n", "f.yaml")
    assert codes(problems) == [("tab-indent", 2)]


def test_latin1_is_an_encoding_error_on_the_right_line():
    _, problems = parse_yaml_bytes("a: ok\nb: caf\xe9\n".encode("latin-1"), "f.yaml")
    assert codes(problems) == [("encoding", 2)]
    assert "UTF-8" in problems[0].hint


def test_bom_is_reported_but_the_data_is_still_read():
    data, problems = parse_yaml_bytes(b"\xef\xbb\xbfa: 1\n", "f.yaml")
    assert codes(problems) == [("byte-order-mark", 1)]
    assert data == {"a": 1}


def test_billion_laughs_is_refused_quickly():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    text = ("\n".join(lines) + "\n").encode()
    start = time.perf_counter()
    data, problems = parse_yaml_bytes(text, "bomb.yaml")
    assert time.perf_counter() - start < 5
    assert data is None
    assert [p.code for p in problems] == ["alias-bomb"]


def test_self_referencing_alias_is_refused():
    data, problems = parse_yaml_bytes(b"a: &x [1, *x]\n", "f.yaml")
    assert data is None and [p.code for p in problems] == ["alias-bomb"]


def test_small_aliases_are_fine():
    data, problems = parse_yaml_bytes(b"p: &p {source: editorial, grade: editorial}\nq: *p\n", "f.yaml")
    assert problems == [] and data["q"] == data["p"]


def test_markdown_asterisks_do_not_trip_the_alias_check():
    data, problems = parse_yaml_bytes(b"a: 'some *emphasis* here'\nb: x * y\n", "f.yaml")
    assert problems == [] and data["b"] == "x * y"


def test_oversized_file_is_not_read(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_bytes(b"a: " + b"x" * 2000 + b"\n")
    data, problems = read_yaml(f, "big.yaml", max_bytes=1000)
    assert data is None and [p.code for p in problems] == ["file-too-large"]


def test_gc_is_restored_after_parsing():
    import gc

    assert gc.isenabled()
    parse_yaml_bytes(b"a: [1\n", "f.yaml")
    parse_yaml_bytes(b"a: 1\n", "f.yaml")
    assert gc.isenabled()
