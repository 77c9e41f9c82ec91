"""Property-based tests: whatever the files hold, the loader reports, never crashes.

Random mutations of the tiny framework's files (truncation, random Unicode,
random bytes, deleted and duplicated lines, tabs; deleted keys, values of the
wrong type, new keys) must only ever give a :class:`Report` (``strict=False``)
or one of the project's own exceptions, never another Python error; and the
report must not depend on the order in which the files are read.

Runs are derandomized (the same examples every time, so CI is stable) and
modest in number; set ``SOCIOAFFECTIVE_FUZZ_EXAMPLES`` to search harder:
``SOCIOAFFECTIVE_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import socioaffective
from socioaffective.codes import CODES
from socioaffective.problems import Report

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"
SCHEMA = (TINY / "framework" / "schema.yaml").read_bytes()
ENTRIES = (TINY / "framework" / "tiny.yaml").read_bytes()
BIB = (TINY / "references.bib").read_bytes()
ENTRY_LIST = yaml.safe_load(ENTRIES)["entries"]

EXAMPLES = int(os.environ.get("SOCIOAFFECTIVE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 200,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(autouse=True, scope="module")
def _no_cache():
    """Every load below must really read the files (a cache would hide bugs)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOCIOAFFECTIVE_CACHE", "0")
        yield


# -- mutations -------------------------------------------------------------------


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def byte_mutation(draw, data: bytes) -> bytes:
    """One random edit of a file's bytes."""
    n = len(data)
    pos = draw(st.integers(0, n))
    kind = draw(st.sampled_from(["truncate", "insert-text", "insert-bytes", "delete-line", "duplicate-line", "tab-line", "replace-char", "delete-span"]))
    if kind == "truncate":
        return data[:pos]
    if kind == "insert-text":
        text = draw(st.text(min_size=1, max_size=12))
        return data[:pos] + text.encode("utf-8", "surrogatepass") + data[pos:]
    if kind == "insert-bytes":
        return data[:pos] + draw(st.binary(min_size=1, max_size=6)) + data[pos:]
    if kind == "delete-span":
        return data[:pos] + data[pos + draw(st.integers(1, 80)) :]
    lines = _lines(data)
    i = draw(st.integers(0, max(0, len(lines) - 1)))
    if kind == "delete-line":
        del lines[i]
    elif kind == "duplicate-line":
        lines.insert(i, lines[i])
    elif kind == "tab-line":
        lines[i] = b"\t" + lines[i].lstrip(b" ")
    else:  # replace-char
        line = lines[i].decode("utf-8", "replace")
        if line:
            j = draw(st.integers(0, len(line) - 1))
            line = line[:j] + draw(st.characters()) + line[j + 1 :]
        lines[i] = line.encode("utf-8", "surrogatepass")
    return b"\n".join(lines)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["competence", "need", "editorial", "kirk2025why", "", "abstract", "*", "reference"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)
KEYS = st.one_of(
    st.sampled_from(
        [
            "id",
            "kind",
            "title",
            "summary",
            "description",
            "provenance",
            "source",
            "grade",
            "target",
            "engages",
            "cites",
            "instance_of",
            "related_to",
            "poles",
            "status",
            "scope",
            "locator",
        ]
    ),
    st.text(max_size=10),
)


def _containers(tree) -> list:
    """Every mapping and list in a parsed YAML tree, the root first."""
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list)):
            out.append(node)
            stack.extend(reversed(list(node.values() if isinstance(node, dict) else node)))
    return out


@st.composite
def data_mutation(draw, tree):
    """Change one node of a parsed YAML tree: delete a key, swap a value, add a key."""
    nodes = _containers(tree)
    node = nodes[draw(st.integers(0, len(nodes) - 1))] if nodes else tree
    action = draw(st.sampled_from(["delete", "swap", "add"]))
    if isinstance(node, dict) and node:
        key = draw(st.sampled_from(sorted(node, key=str)))
        if action == "delete":
            del node[key]
        elif action == "swap":
            node[key] = draw(VALUES)
        else:
            node[draw(KEYS)] = draw(VALUES)
    elif isinstance(node, list) and node:
        i = draw(st.integers(0, len(node) - 1))
        if action == "delete":
            del node[i]
        elif action == "swap":
            node[i] = draw(VALUES)
        else:
            node.insert(i, draw(VALUES))
    return tree


def _dump(tree) -> bytes:
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


@st.composite
def mutated_framework(draw) -> dict[str, bytes]:
    """The tiny framework's three files, one or two of them mutated."""
    files = {"framework/schema.yaml": SCHEMA, "framework/tiny.yaml": ENTRIES, "references.bib": BIB}
    for _ in range(draw(st.integers(1, 2))):
        target = draw(st.sampled_from(["framework/tiny.yaml", "framework/tiny.yaml", "framework/schema.yaml", "references.bib"]))
        if target != "references.bib" and draw(st.booleans()):
            tree = yaml.safe_load(files[target].decode("utf-8", "replace")) if _parses(files[target]) else None
            if tree is not None:
                files[target] = _dump(draw(data_mutation(tree)))
                continue
        files[target] = draw(byte_mutation(files[target]))
    return files


def _parses(data: bytes) -> bool:
    try:
        yaml.safe_load(data.decode("utf-8"))
        return True
    except Exception:
        return False


def _write(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


# -- properties ----------------------------------------------------------------------


def _exercise(kb) -> None:
    """Use the loaded knowledge base the way the CLI and the book do."""
    json.dumps(kb.report.to_dict())
    str(kb.report)
    for p in kb.report.problems:
        assert p.code in CODES, p
        assert isinstance(p.line, int) and p.line >= 0, p
        assert p.file and not Path(p.file).is_absolute(), p
        assert p.message.strip(), p
    if not kb.schema.ok:
        return
    entries = kb.entries()
    for e in entries:
        kb.get(e.id)
        kb.relations(e.id, direction="both")
        kb.related(e.id, direction="both")
        kb.incoming(e.id), kb.outgoing(e.id)
    kb.relations()
    g = kb.graph
    assert g.number_of_nodes() == len(entries) + len(kb.references)
    kb.search("self")
    for kind in kb.schema.kinds:
        kb.entries(kind)


@FUZZ
@given(mutated_framework())
def test_mutated_frameworks_give_a_report_never_a_crash(files):
    with tempfile.TemporaryDirectory() as tmp:
        root = _write(Path(tmp), files)
        kb = socioaffective.load(root, strict=False)
        assert isinstance(kb.report, Report)
        _exercise(kb)
        try:
            socioaffective.load(root)
        except socioaffective.ValidationError as exc:
            assert exc.report.problems == kb.report.problems
            assert not kb.report.ok
        else:
            assert kb.report.ok


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["framework/x.yaml", "framework/schema.yaml", "references.bib"]))
def test_random_bytes_in_any_file_give_a_report(data, where):
    files = {"framework/schema.yaml": SCHEMA, "framework/tiny.yaml": ENTRIES, "references.bib": BIB, where: data}
    with tempfile.TemporaryDirectory() as tmp:
        kb = socioaffective.load(_write(Path(tmp), files), strict=False)
        _exercise(kb)


# -- order independence --------------------------------------------------------------------


def _split(entries: list, names: list[str]) -> dict[str, bytes]:
    """The tiny entries spread over several files, one file per name."""
    chunks = {name: [] for name in names}
    for i, e in enumerate(entries):
        chunks[names[i % len(names)]].append(e)
    return {f"framework/{name}": _dump({"entries": chunk}) for name, chunk in chunks.items()}


def _normalised(report, rename: dict[str, str]) -> tuple:
    """The report with file names mapped back; duplicates compared by id only.

    Which of two entries sharing an id is reported depends, by design, on which
    is read first; everything else must not.
    """
    pattern = re.compile("|".join(re.escape(k) for k in sorted(rename, key=len, reverse=True))) if rename else None

    def back(text: str) -> str:
        return pattern.sub(lambda m: rename[m.group(0)], text) if pattern else text

    if "duplicate-id" in report.codes():
        dups = sorted(p.entry for p in report.problems if p.code == "duplicate-id")
        return ("with-duplicates", dups, sorted(Counter(report.codes()).items()))
    return ("exact", sorted((p.code, back(p.file), p.line, p.entry, back(p.message), back(p.hint)) for p in report.problems))


NAMES = ["a-needs.yaml", "b-dilemmas.yaml", "c-more.yaml", "d-rest.yaml"]


@FUZZ
@given(st.permutations(range(len(NAMES))), st.data())
def test_the_report_does_not_depend_on_the_order_files_are_read(perm, data):
    # Give every file a new name that sorts in the order of `perm`, so the
    # loader reads the same files in another order; then compare the reports.
    renamed = {name: f"{'zyxw'[perm[i]]}-{i}-{name}" for i, name in enumerate(NAMES)}
    entries = [dict(e) for e in ENTRY_LIST]
    files = _split(entries, NAMES)
    target = data.draw(st.sampled_from(sorted(files)))
    if data.draw(st.booleans()):
        files[target] = _dump(data.draw(data_mutation(yaml.safe_load(files[target]))))
    else:
        files[target] = data.draw(byte_mutation(files[target]))
    base = {"framework/schema.yaml": SCHEMA, "references.bib": BIB}
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as two:
        kb1 = socioaffective.load(_write(Path(one), {**base, **files}), strict=False)
        other = {f"framework/{renamed[Path(k).name]}": v for k, v in files.items()}
        kb2 = socioaffective.load(_write(Path(two), {**base, **other}), strict=False)
    back = {f"framework/{new}": f"framework/{old}" for old, new in renamed.items()}
    assert _normalised(kb2.report, back) == _normalised(kb1.report, {})
    assert sorted(e.id for e in kb1.entries()) == sorted(e.id for e in kb2.entries())


def test_the_split_framework_is_valid_to_start_with():
    """The base of the order test is clean, so the mutations are what it tests."""
    with tempfile.TemporaryDirectory() as tmp:
        files = {"framework/schema.yaml": SCHEMA, "references.bib": BIB, **_split([dict(e) for e in ENTRY_LIST], NAMES)}
        kb = socioaffective.load(_write(Path(tmp), files))
    assert kb.report.ok and not kb.report.problems and len(kb) == len(ENTRY_LIST)
