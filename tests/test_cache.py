"""The load cache (socioaffective.cache): same results, never stale, never trusted blindly."""

from __future__ import annotations

import os
import pickle
import shutil

import pytest

import socioaffective
from socioaffective import cache, loader


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(d))
    monkeypatch.delenv(cache.ENV_SWITCH, raising=False)
    return d


@pytest.fixture
def no_cold_load(monkeypatch):
    """Make any real (uncached) load fail, to prove a result came from the cache."""

    def refuse(*args, **kwargs):
        raise AssertionError("the framework was read again instead of coming from the cache")

    def arm():
        monkeypatch.setattr(loader, "_load", refuse)

    return arm


def _snapshot(kb):
    return (
        [e.to_dict() for e in kb],
        [e.field_lines for e in kb],
        {k: r.to_dict() for k, r in kb.references.items()},
        [r.to_dict() for r in kb.relations()],
        [p.to_dict() for p in kb.report.problems],
        [e.id for e in kb.entries("need")],
    )


def _payload(path):
    """The pickled payload of a cache file, after its header and HMAC (checked)."""
    blob = path.read_bytes()
    head = len(cache._MAGIC) + cache._MAC_BYTES
    assert blob.startswith(cache._MAGIC)
    assert cache._mac(cache._secret(path.parent, create=False), blob[head:]) == blob[len(cache._MAGIC) : head]
    return pickle.loads(blob[head:])


def _pickles(d):
    return sorted(p.name for p in d.glob("*.pickle")) if d.exists() else []


def test_second_load_comes_from_the_cache_and_is_identical(cache_dir, tiny_copy, no_cold_load):
    cold = socioaffective.load(tiny_copy)
    assert len(_pickles(cache_dir)) == 1
    assert cold.content_key and _pickles(cache_dir) == [cold.content_key + ".pickle"]
    no_cold_load()
    warm = socioaffective.load(tiny_copy)
    assert _snapshot(warm) == _snapshot(cold)
    assert warm.content_key == cold.content_key
    assert warm.root == tiny_copy
    assert warm.related("competence", direction="in")  # the indexes are rebuilt


def test_real_framework_round_trips(cache_dir, no_cold_load):
    cold = socioaffective.load(cache=True)
    no_cold_load()
    warm = socioaffective.load(cache=True)
    assert _snapshot(warm) == _snapshot(cold)
    assert warm.graph.number_of_edges() == cold.graph.number_of_edges()


def test_a_changed_byte_is_never_served_from_the_cache(cache_dir, tiny_copy):
    path = tiny_copy / "framework" / "tiny.yaml"
    socioaffective.load(tiny_copy)
    text = path.read_text()
    st = path.stat()
    # Same length, same modification time: only the content tells.
    changed = text.replace("The usual goal of AI safety.", "The usual goal of AI safetY.")
    assert len(changed) == len(text) and changed != text
    path.write_text(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    kb = socioaffective.load(tiny_copy)
    assert kb.get("alignment").description == "The usual goal of AI safetY."
    path.write_text(text)
    assert socioaffective.load(tiny_copy).get("alignment").description == "The usual goal of AI safety."


def test_every_input_is_part_of_the_key(cache_dir, tiny_copy):
    kb = socioaffective.load(tiny_copy)
    keys = {kb.content_key}
    # the bib
    bib = tiny_copy / "references.bib"
    bib.write_text(bib.read_text().replace("American Psychologist", "American Psychologist X"))
    kb = socioaffective.load(tiny_copy)
    assert "Psychologist X" in kb.get("ryan2000self").summary
    keys.add(kb.content_key)
    # a new entries file
    (tiny_copy / "framework" / "more.yaml").write_text(
        "entries:\n  - id: extra\n    kind: concept\n    title: Extra\n    summary: S.\n    description: D.\n"
        "    provenance: { source: editorial, grade: editorial }\n"
    )
    kb = socioaffective.load(tiny_copy)
    assert "extra" in kb
    keys.add(kb.content_key)
    # the same bytes under another file name
    (tiny_copy / "framework" / "more.yaml").rename(tiny_copy / "framework" / "zzz.yaml")
    kb = socioaffective.load(tiny_copy)
    assert kb.get("extra").file == "framework/zzz.yaml"
    keys.add(kb.content_key)
    # the schema
    schema = tiny_copy / "framework" / "schema.yaml"
    schema.write_text(schema.read_text().replace("label: Risk\n", "label: Hazard\n"))
    kb = socioaffective.load(tiny_copy)
    assert kb.schema.kinds["risk"].label == "Hazard"
    keys.add(kb.content_key)
    # the bib removed
    bib.unlink()
    kb = socioaffective.load(tiny_copy, strict=False)
    assert not kb.references and not kb.report.ok
    keys.add(kb.content_key)
    assert len(keys) == 6


def test_engine_code_is_part_of_the_key(cache_dir, tiny_root, monkeypatch):
    files, _ = loader.framework_files(tiny_root)
    args = (tiny_root, files, tiny_root / "framework" / "schema.yaml", tiny_root / "references.bib")
    before = cache.content_key(*args)
    monkeypatch.setattr(cache, "_engine_digest", b"another version of the validator")
    assert cache.content_key(*args) != before


def test_problems_come_back_from_the_cache_and_strict_still_raises(cache_dir, tiny_copy, no_cold_load):
    path = tiny_copy / "framework" / "tiny.yaml"
    path.write_text(path.read_text().replace("kind: risk", "kind: rsik"))
    cold = socioaffective.load(tiny_copy, strict=False)
    assert "unknown-kind" in cold.report.codes()
    no_cold_load()
    warm = socioaffective.load(tiny_copy, strict=False)
    assert [p.to_dict() for p in warm.report.problems] == [p.to_dict() for p in cold.report.problems]
    with pytest.raises(socioaffective.ValidationError):
        socioaffective.load(tiny_copy)


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", "truncated", "foreign", "no-kb"])
def test_a_damaged_cache_file_is_ignored_and_rewritten(cache_dir, tiny_copy, damage):
    kb = socioaffective.load(tiny_copy)
    path = cache_dir / (kb.content_key + ".pickle")
    good = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "foreign":  # a valid pickle that is not ours
        path.write_bytes(pickle.dumps({"format": cache.FORMAT, "key": "something else"}))
    elif damage == "no-kb":  # the right key, but no knowledge base inside
        path.write_bytes(pickle.dumps({"format": cache.FORMAT, "key": kb.content_key, "kb": ["not", "a", "kb"]}))
    else:
        path.write_bytes(damage)
    again = socioaffective.load(tiny_copy)
    assert _snapshot(again) == _snapshot(kb)
    assert _payload(path)["key"] == kb.content_key  # rewritten whole


def test_switched_off_by_argument_or_environment(cache_dir, tiny_root, monkeypatch):
    socioaffective.load(tiny_root, cache=False)
    assert _pickles(cache_dir) == []
    monkeypatch.setenv(cache.ENV_SWITCH, "0")
    kb = socioaffective.load(tiny_root)
    assert _pickles(cache_dir) == [] and kb.content_key is None
    socioaffective.load(tiny_root, cache=True)  # an explicit argument wins
    assert len(_pickles(cache_dir)) == 1


def test_overrides_never_use_the_cache(cache_dir, tiny_copy):
    path = tiny_copy / "framework" / "tiny.yaml"
    socioaffective.load(tiny_copy)
    new = path.read_bytes().replace(b"title: Alignment", b"title: Overridden")
    kb = socioaffective.load(tiny_copy, overrides={path: new})
    assert kb.get("alignment").title == "Overridden"
    assert socioaffective.load(tiny_copy).get("alignment").title == "Alignment"
    assert len(_pickles(cache_dir)) == 1


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_others_may_write_is_not_trusted(cache_dir, tiny_root, no_cold_load):
    socioaffective.load(tiny_root)
    os.chmod(cache_dir, 0o777)
    try:
        no_cold_load()
        with pytest.raises(AssertionError, match="read again"):
            socioaffective.load(tiny_root)
    finally:
        os.chmod(cache_dir, 0o700)


def test_writes_are_atomic_and_old_files_are_pruned(cache_dir, tiny_copy, monkeypatch):
    monkeypatch.setattr(cache, "MAX_FILES", 3)
    monkeypatch.setattr(cache._prune, "__defaults__", (3,))
    path = tiny_copy / "framework" / "tiny.yaml"
    text = path.read_text()
    for i in range(5):
        path.write_text(text.replace("title: Alignment", f"title: Alignment {i}"))
        socioaffective.load(tiny_copy)
    assert len(_pickles(cache_dir)) == 3
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".tmp-")]
    assert cache.clear() == 3 and _pickles(cache_dir) == []


def test_an_unreadable_file_skips_the_cache(cache_dir, tiny_copy, monkeypatch):
    real_read = type(tiny_copy).read_bytes

    def flaky(self):
        if self.name == "tiny.yaml":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(type(tiny_copy), "read_bytes", flaky)
    files, _ = loader.framework_files(tiny_copy)
    assert cache.content_key(tiny_copy, files, tiny_copy / "framework" / "schema.yaml", tiny_copy / "references.bib") is None


def test_cache_folder_from_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(cache.ENV_DIR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "socioaffective"
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path / "x"))
    assert cache.cache_dir() == tmp_path / "x"


def test_copied_framework_shares_the_cache(cache_dir, tiny_root, tmp_path, no_cold_load):
    """The key is the content, not the folder: a fresh clone loads warm."""
    socioaffective.load(tiny_root)
    other = tmp_path / "clone"
    shutil.copytree(tiny_root, other)
    no_cold_load()
    kb = socioaffective.load(other)
    assert kb.root == other and len(kb) == len(socioaffective.load(tiny_root))


def test_an_unsearchable_cache_folder_is_ignored(tmp_path, monkeypatch):
    """A cache folder we may not enter (another user's HOME) is skipped, not a crash."""
    import os

    from socioaffective import cache

    outer = tmp_path / "outer"
    inner = outer / "cache"
    inner.mkdir(parents=True)
    monkeypatch.setenv("SOCIOAFFECTIVE_CACHE_DIR", str(inner))
    real_is_file = type(inner).is_file

    def denied(self):
        if str(self).startswith(str(inner)):
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_file(self)

    monkeypatch.setattr(type(inner), "is_file", denied)
    monkeypatch.setattr(type(inner), "exists", denied)
    assert cache.get("0" * 64) is None
    assert os.path.isdir(inner)


# -- nothing is unpickled on trust (issue 10) ------------------------------------


class _Bomb:
    """A pickle that, if ever loaded, creates a file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("how", ["bare pickle", "header, wrong hmac", "hmac of another key"])
def test_a_tampered_cache_file_is_rebuilt_never_unpickled(cache_dir, tiny_copy, tmp_path, how):
    kb = socioaffective.load(tiny_copy)
    path = cache_dir / (kb.content_key + ".pickle")
    marker = tmp_path / "unpickled-marker"
    evil = pickle.dumps({"format": cache.FORMAT, "key": kb.content_key, "kb": _Bomb(marker)})
    if how == "bare pickle":
        blob = evil
    elif how == "header, wrong hmac":
        blob = cache._MAGIC + b"\0" * cache._MAC_BYTES + evil
    else:
        blob = cache._MAGIC + cache._mac(b"k" * 32, evil) + evil
    path.write_bytes(blob)
    again = socioaffective.load(tiny_copy)
    assert not marker.exists(), "a tampered cache file was unpickled"
    assert _snapshot(again) == _snapshot(kb)
    assert _payload(path)["key"] == kb.content_key


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_cache_files_and_key_others_may_write_are_not_trusted(cache_dir, tiny_copy, tmp_path):
    kb = socioaffective.load(tiny_copy)
    path = cache_dir / (kb.content_key + ".pickle")
    key = cache_dir / cache._KEY_FILE
    assert (key.stat().st_mode & 0o777) == 0o600
    path.chmod(0o666)
    assert cache.get(kb.content_key) is None and not path.exists()  # dropped, not read
    socioaffective.load(tiny_copy)
    assert cache.get(kb.content_key) is not None
    key.chmod(0o644)  # a key others may read can be used to forge files
    assert cache.get(kb.content_key) is None


def _fields_of(obj) -> dict:
    """Every dataclass field of ``obj``, nested model objects included."""
    import dataclasses

    def conv(v):
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            return (type(v).__name__, {f.name: conv(getattr(v, f.name)) for f in dataclasses.fields(v)})
        if isinstance(v, list):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        return v

    return conv(obj)


def test_cold_and_warm_loads_agree_field_by_field(cache_dir, no_cold_load):
    cold = socioaffective.load(cache=True)
    no_cold_load()
    warm = socioaffective.load(cache=True)
    assert [e.id for e in warm] == [e.id for e in cold]
    for c, w in zip(list(cold) + list(cold.references.values()), list(warm) + list(warm.references.values()), strict=True):
        assert type(w) is type(c)
        assert _fields_of(w) == _fields_of(c), c.id
    assert [_fields_of(r) for r in warm.relations()] == [_fields_of(r) for r in cold.relations()]
    _assert_every_field_is_exercised(list(cold) + list(cold.references.values()))


def _assert_every_field_is_exercised(entries) -> None:
    """Every field of Entry, Relation and Provenance holds a non-default value somewhere in the data,
    so the field-by-field comparison above would see a field the pickle drops (issue 14, item 11)."""
    import dataclasses

    seen: dict[type, list] = {_model.Entry: list(entries), _model.Relation: [], _model.Provenance: []}
    for e in entries:
        seen[_model.Relation] += e.relations
        seen[_model.Provenance] += [p for p in [e.provenance] + [r.provenance for r in e.relations] if p is not None]
    for cls, objs in seen.items():
        for f in dataclasses.fields(cls):
            default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            assert any(getattr(o, f.name) != default for o in objs), f"no {cls.__name__} in the data sets `{f.name}`: the cold/warm comparison cannot see it"


from dataclasses import dataclass as _dataclass  # noqa: E402

from socioaffective import model as _model  # noqa: E402


@_model._pickled_by_fields
@_dataclass(slots=True)
class _EntryWithANewField(_model.Entry):
    rating: int = 0


@_model._pickled_by_fields
@_dataclass(frozen=True, slots=True)
class _ProvenanceWithANewField(_model.Provenance):
    confidence: str = ""


def test_a_field_added_later_survives_the_pickle():
    prov = _ProvenanceWithANewField("kirk2025why", "paper-explicit", locator="p. 2", confidence="high")
    e = _EntryWithANewField("x", "need", "X", provenance=prov, fields={"a": 1}, file="f.yaml", line=3, rating=5)
    back = pickle.loads(pickle.dumps(e))
    assert _fields_of(back) == _fields_of(e)
    assert back.rating == 5 and back.provenance.confidence == "high"
    for obj in (prov, e, _model.Relation("r", "a", "b", prov, note="n", line=2)):
        assert pickle.loads(pickle.dumps(obj)) == obj
