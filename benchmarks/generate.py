"""Synthetic frameworks in the real format, for benchmarks.

``generate(dest, n)`` writes ``dest/framework/schema.yaml`` (a copy of the
project's real schema), ``dest/framework/<kind>-NNN.yaml`` files (at most
``per_file`` entries each) and a matching ``dest/references.bib``. Every kind
of the schema is used (the kinds, fields, relations and grades are read from
it, so a kind added to schema.yaml is generated too); text lengths follow the real framework (titles about
40 characters, summaries about 125, descriptions about 560); each entry has
about four links to other entries and two citations. The framework validates
with no problem at all. Output is deterministic for a given ``n`` and
``seed``.

>>> import tempfile, socioaffective
>>> with tempfile.TemporaryDirectory() as d:
...     info = generate(d, 40)
...     kb = socioaffective.load(d, cache=False)
...     (len(kb), len(kb.report.problems), info["entries"])
(40, 0, 40)
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import socioaffective
from socioaffective.loader import BIB_FILE, FRAMEWORK_DIR, SCHEMA_FILE
from socioaffective.schema import load_schema

#: Share of each kind among the entries (roughly the real framework's mix).
#: Tuning only: the kinds come from the schema, and a kind not listed here
#: (one added to schema.yaml) gets :data:`DEFAULT_SHARE`.
KIND_SHARES = {
    "paper": 0.01,
    "concept": 0.275,
    "dilemma": 0.05,
    "need": 0.04,
    "principle": 0.14,
    "risk": 0.11,
    "agenda": 0.06,
    "question": 0.10,
    "discussion": 0.11,
    "study": 0.02,
    "scenario": 0.03,
    "taxonomy": 0.005,
    "external": 0.03,
    "feature": 0.02,
}
DEFAULT_SHARE = 0.03
#: How many links to other entries each entry gets (its required relations first).
LINKS_PER_ENTRY = 4
#: How often an optional field is filled in.
OPTIONAL_SHARE = 0.2

_WORDS = (
    "people relationship system support need feeling autonomy growth trust care attention "
    "social reward design agent companion user over time choice value harm benefit context "
    "dependence wellbeing emotion signal feedback learning behaviour interaction model human "
    "competence relatedness balance short long term pressure influence evidence study review "
    "dialogue habit goal preference motivation engagement loneliness friend partner advice "
    "judgement reflection practice boundary safety risk principle question alignment ecosystem"
).split()
_GRADES = ("abstract", "secondary", "single-source", "inferred", "literature")


def kind_counts(n: int, kinds=None) -> dict[str, int]:
    """How many entries of each kind a framework of ``n`` entries gets.

    ``kinds`` are the schema's kinds, in order (default: the project's schema).
    Every kind gets at least one entry once ``n`` >= the number of kinds; the
    rest goes to the kind with the largest share (concepts).

    >>> kind_counts(100)["concept"], sum(kind_counts(100).values())
    (27, 100)
    >>> kind_counts(20, ["need", "newkind"])
    {'need': 19, 'newkind': 1}
    """
    kinds = list(kinds) if kinds is not None else list(_schema(None).kinds)
    shares = {k: KIND_SHARES.get(k, DEFAULT_SHARE) for k in kinds}
    counts = {k: int(n * shares[k]) for k in kinds}
    if n >= len(kinds):
        for k in kinds:
            counts[k] = max(counts[k], 1)
    biggest = max(kinds, key=lambda k: shares[k])
    counts[biggest] += n - sum(counts.values())
    return counts


def _schema(root):
    """The schema of the framework at ``root`` (default: the project's own)."""

    base = Path(root) if root is not None else socioaffective.default_root()
    return load_schema(base / FRAMEWORK_DIR / SCHEMA_FILE)


class _Text:
    """Deterministic filler text of a given length."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def words(self, chars: int) -> str:
        out: list[str] = []
        size = 0
        choice = self.rng.choice
        while size < chars:
            w = choice(_WORDS)
            out.append(w)
            size += len(w) + 1
        return " ".join(out)

    def sentence(self, chars: int) -> str:
        s = self.words(chars)
        return s[0].upper() + s[1:] + "."

    def paragraph(self, chars: int) -> str:
        parts = []
        size = 0
        while size < chars:
            s = self.sentence(self.rng.randint(60, 140))
            parts.append(s)
            size += len(s) + 1
        return " ".join(parts)


def _fold(text: str, indent: str, width: int = 76) -> str:
    """``text`` as the lines of a YAML ``>-`` block at ``indent``."""
    lines, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(indent + cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        lines.append(indent + cur)
    return "\n".join(lines)


def _scalar(value) -> str:
    """A YAML scalar for ``value`` (JSON's quoting is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


class _Values:
    """Values of every field type of schema.yaml (``spec.type``), in the real format."""

    def __init__(self, rng: random.Random, text: _Text, keys: list[str]):
        self.rng, self.text, self.keys = rng, text, keys

    def value(self, spec, kind: str, i: int):
        t = spec.type
        if spec.shown_as == "citation":  # a key of references.bib
            return self.keys[i % len(self.keys)]
        if spec.pattern:
            raise ValueError(f"the generator cannot invent a value of the pattern `{spec.pattern}` (field `{spec.name}`)")
        if t == "string":
            if spec.values:
                return self.rng.choice(spec.values)
            limit = spec.max_length or 60
            return self.text.words(min(20, limit - 10)).strip()[:limit]
        if t == "text":
            return self.text.sentence(self.rng.randint(80, 200))
        if t == "integer":
            return 2000 + i % 25
        if t == "boolean":
            return True
        if t == "enum":
            return self.rng.choice(spec.values)
        if t == "url":
            return f"https://example.org/{kind}/{i + 1}"
        if t == "doi":
            return f"10.1000/synthetic.{kind}.{i + 1}"
        if t == "arxiv":
            return f"{2000 + i % 25 - 1990:02d}{1 + i % 12:02d}.{10000 + i % 90000:05d}"
        if t == "list":
            count = max(spec.min_items or 1, 1)
            if spec.max_items is not None:
                count = min(count, spec.max_items)
            item = spec.items
            return [self.value(item, kind, i * 7 + j) if item is not None else self.text.words(15) for j in range(count)]
        raise ValueError(f"the generator cannot write a `{t}` field")

    def lines(self, name: str, spec, kind: str, i: int) -> list[str]:
        """The YAML lines of one field of an entry."""
        value = self.value(spec, kind, i)
        if spec.type == "text":
            return [f"    {name}: >-", _fold(value, "      ")]
        if isinstance(value, list):
            return [f"    {name}:"] + [f"      - {_scalar(v)}" for v in value]
        return [f"    {name}: {_scalar(value)}"]


def generate(dest, n: int, *, seed: int = 1, per_file: int = 2000, refs: int | None = None, schema_from=None) -> dict:
    """Write a synthetic framework of ``n`` entries under ``dest``; return counts.

    The schema is read, not assumed: ``schema_from`` is a framework root whose
    ``framework/schema.yaml`` is copied and followed (default: the project's
    own). Every kind gets entries, each with its required fields (and, now and
    then, its optional ones), a value of the right type for each, its required
    relations and other relations its kind may use, to kinds each relation
    allows (acyclic relations only to earlier entries).

    ``refs`` is the number of bib entries (default: 40% of the entries, at
    least 10: 100,000 entries then cite 40,000 works, a 14 MB references.bib,
    within the schema's 16 MiB file limit). Returns a dict with ``entries``, ``relations`` (links between
    entries), ``citations``, ``references``, ``files`` and ``bytes``.
    """
    from socioaffective.model import CORE_FIELDS

    dest = Path(dest)
    fw = dest / FRAMEWORK_DIR
    fw.mkdir(parents=True, exist_ok=True)
    source_root = Path(schema_from) if schema_from is not None else socioaffective.default_root()
    shutil.copyfile(source_root / FRAMEWORK_DIR / SCHEMA_FILE, fw / SCHEMA_FILE)
    schema = _schema(source_root)
    if schema.problems:
        raise ValueError(f"{source_root / FRAMEWORK_DIR / SCHEMA_FILE} has problems: {schema.problems[0]}")
    rng = random.Random(seed)
    text = _Text(rng)
    n_refs = refs if refs is not None else max(10, n * 2 // 5)
    keys = [f"author{i}{2000 + i % 25}{_WORDS[i % len(_WORDS)]}" for i in range(n_refs)]
    values = _Values(rng, text, keys)

    counts = kind_counts(n, schema.kinds)
    ids: dict[str, list[str]] = {}
    for kind, c in counts.items():
        ids[kind] = [f"{kind}-{i + 1}" for i in range(c)]
    order = [(kind, i) for kind in counts for i in range(counts[kind])]
    index = {f"{kind}-{i + 1}": pos for pos, (kind, i) in enumerate(order)}
    all_ids = [f"{kind}-{i + 1}" for kind, i in order]

    pools: dict[tuple[str, ...], list[str]] = {}

    def pick(kinds: tuple[str, ...], k: int, exclude: str, before: int | None = None) -> list[str]:
        """``k`` distinct ids of ``kinds`` (earlier than ``before`` if given: keeps acyclic links acyclic)."""
        pool = pools.get(kinds)
        if pool is None:
            pool = pools[kinds] = [x for kd in kinds for x in ids.get(kd, ())] if "*" not in kinds else all_ids
        if before is not None and len(pool) < 64:
            pool = [x for x in pool if index[x] < before]
        out: list[str] = []
        tries = 0
        while len(out) < k and tries < 8 * k + 8 and pool:
            tries += 1
            x = pool[rng.randrange(len(pool))]
            if x == exclude or x in out or (before is not None and index[x] >= before):
                continue
            out.append(x)
        return out

    # Links: the kind's required relations, then others it may use, LINKS_PER_ENTRY in all.
    links_between = [r for r in schema.relations.values() if not r.cites_references]
    cite = next((r.name for r in schema.relations.values() if r.cites_references), None)
    usable = {k: [r for r in links_between if r.allows_source(k) and any(r.allows_target(t) for t in schema.kinds)] for k in schema.kinds}
    # Link counts (schema `cardinality:`): an outgoing minimum names a relation each entry of
    # the kind needs (and to which kinds); an incoming minimum is owed by entries of the counted kinds.
    counted: dict[str, dict[str, tuple[int, tuple[str, ...] | None]]] = {}
    for rule in schema.link_rules:
        if not rule.incoming and rule.min >= 1:
            counted.setdefault(rule.kind, {})[rule.relation] = (rule.min, tuple(rule.kinds) if rule.kinds else None)
    owed = _owed_backlinks(schema, ids, index, rng)

    n_links = 0
    n_cites = 0
    files: list[Path] = []
    by_kind_lines: dict[str, list[list[str]]] = {}
    for pos, (kind, i) in enumerate(order):
        k = schema.kinds[kind]
        eid = f"{kind}-{i + 1}"
        L: list[str] = []
        L.append(f"  - id: {eid}")
        L.append(f"    kind: {kind}")
        L.append(f"    title: {text.sentence(rng.randint(20, 55))[:-1]} {i + 1}")
        L.append("    summary: >-")
        L.append(_fold(text.sentence(rng.randint(80, 170)), "      "))
        L.append("    description: >-")
        L.append(_fold(text.paragraph(rng.randint(380, 740)), "      "))
        if rng.random() < 0.3:
            L.append("    provenance: { source: editorial, grade: editorial }")
        else:
            grade = rng.choice([g for g in _GRADES if g in schema.grades] or list(schema.grades))
            need = schema.grades[grade].min_sources
            # grades that rest on named records (schema `min_sources`) name that many distinct ones
            named = (", sources: [" + ", ".join(keys[(i + 1 + j) % n_refs] for j in range(need)) + "]") if need else ""
            L.append(f"    provenance: {{ source: {keys[rng.randrange(n_refs)]}, grade: {grade}{named} }}")
        fields = {name: spec for name, spec in schema.fields_of(kind).items() if name not in CORE_FIELDS}
        chosen_fields = [name for name, spec in fields.items() if spec.required or (not spec.pattern and rng.random() < OPTIONAL_SHARE)]
        if k.requires_one_of and not any(f in chosen_fields for f in k.requires_one_of):
            chosen_fields.append(k.requires_one_of[0])
        for name in fields:  # in schema order
            if name in chosen_fields:
                L.extend(values.lines(name, fields[name], kind, i))
        required = [schema.relations[r] for r in k.required_relations if r in schema.relations]
        required += [schema.relations[r] for r in counted.get(kind, {}) if schema.relations[r] not in required]
        others = [r for r in usable[kind] if r not in required]
        rng.shuffle(others)
        extra = owed.get(eid, {})
        planned = (required + others)[: max(LINKS_PER_ENTRY, len(required))]
        planned += [schema.relations[r] for r in extra if schema.relations[r] not in planned]
        for rt in planned:
            at_least, only = counted.get(kind, {}).get(rt.name, (1, None))
            targets = only or tuple(t for t in schema.kinds if rt.allows_target(t))
            before = pos if rt.acyclic else None
            chosen = pick(targets, at_least, eid, before) if rt.name not in extra or rt in required else []
            chosen += [t for t in extra.get(rt.name, ()) if t not in chosen]
            if not chosen:
                continue
            rel = rt.name
            n_links += len(chosen)
            if rng.random() < 0.25:
                L.append(f"    {rel}:")
                for t in chosen:
                    L.append(f"      - target: {t}")
                    L.append("        provenance: { source: editorial, grade: editorial }")
                    L.append(f"        note: {text.sentence(60)}")
            else:
                L.append(f"    {rel}: [{', '.join(chosen)}]")
        if cite is not None:
            cites = rng.sample(keys, min(2, n_refs))
            n_cites += len(cites)
            L.append(f"    {cite}:")
            L.append(f"      - {cites[0]}")
            for key in cites[1:]:
                L.append(f"      - target: {key}")
                L.append(f'        locator: "p. {rng.randint(1, 400)}"')
        by_kind_lines.setdefault(kind, []).append(L)

    total_bytes = 0
    for kind, entries in by_kind_lines.items():
        for part in range(0, len(entries), per_file):
            chunk = entries[part : part + per_file]
            path = fw / f"{kind}-{part // per_file + 1:03d}.yaml"
            body = "# Synthetic benchmark data (benchmarks/generate.py).\nentries:\n" + "\n".join("\n".join(L) for L in chunk) + "\n"
            data = body.encode("utf-8")
            path.write_bytes(data)
            total_bytes += len(data)
            files.append(path)

    # the framework's content changelog, as the real framework has one: the Content changelog
    # chapter includes it (without it, that page is read again on every build and logs an error)
    (fw / "CHANGES.md").write_text(
        f"## Synthetic\n\n- {n:,} generated entries (benchmarks/generate.py, seed {seed}).\n",
        encoding="utf-8",
    )

    bib: list[str] = []
    for i, key in enumerate(keys):
        bib.append(
            f"@article{{{key},\n"
            f"  author  = {{Author{i}, Alice and Writer{i}, Bob and Scholar, Carol}},\n"
            f"  title   = {{{text.sentence(rng.randint(50, 110))[:-1]}}},\n"
            f"  journal = {{Journal of {text.words(20).title()}}},\n"
            f"  volume  = {{{1 + i % 60}}},\n"
            f"  pages   = {{{1 + i % 300}--{20 + i % 300}}},\n"
            f"  year    = {{{2000 + i % 25}}},\n"
            f"  doi     = {{10.1000/synthetic.{i}}},\n"
            # as the real literature: listed by the Bibliography chapter's "Works the framework
            # draws on" (a work in no bibliography is a `bibtex.key_not_found` on every citing page)
            "  keywords = {kirk2025why-cites:unverified}\n"
            "}\n"
        )
    bib_bytes = "\n".join(bib).encode("utf-8")
    (dest / BIB_FILE).write_bytes(bib_bytes)
    return {
        "entries": n,
        "relations": n_links,
        "citations": n_cites,
        "references": n_refs,
        "files": len(files),
        "bytes": total_bytes + len(bib_bytes),
    }


def _honour_counts(schema, link_plan: dict, ids: dict, index: dict, acyclic: set, rng: random.Random):
    """Make the planned links meet the schema's link counts (`cardinality:`, `required_relations`).

    Outgoing minimums narrow (or add) the planned relation to the counted kinds;
    incoming minimums are owed: each entry that needs backlinks gets them from
    entries of the counted kinds, returned as ``{source id: {relation: [target ids]}}``.
    """
    plan = {kind: list(links) for kind, links in link_plan.items()}
    for rule in schema.link_rules:
        if rule.incoming or rule.min < 1 or rule.kind not in plan:
            continue
        rel = schema.relations[rule.relation]
        kinds = tuple(rule.kinds or (k for k in rel.targets if k in ids)) or ("*",)
        planned = dict(plan[rule.kind])
        if rule.relation in planned and (not rule.kinds or set(planned[rule.relation]) <= set(rule.kinds)):
            continue
        plan[rule.kind] = [(r, t) for r, t in plan[rule.kind] if r != rule.relation] + [(rule.relation, kinds)]
    owed: dict[str, dict[str, list[str]]] = {}
    for rule in schema.link_rules:
        if not rule.incoming or rule.min < 1:
            continue
        rel = schema.relations[rule.relation]
        sources = [x for k in (rule.kinds or rel.sources) for x in (ids.get(k, ()) if k != "*" else [y for v in ids.values() for y in v])]
        for target in ids.get(rule.kind, ()):
            pool = [x for x in sources if index[x] > index[target]] if rule.relation in acyclic else sources
            chosen = [x for x in rng.sample(pool, min(rule.min + 1, len(pool))) if x != target][: rule.min]
            for src in chosen:
                owed.setdefault(src, {}).setdefault(rule.relation, []).append(target)
    return plan, owed


def _owed_backlinks(schema, ids: dict, index: dict, rng: random.Random) -> dict[str, dict[str, list[str]]]:
    """Backlinks the schema's incoming minimums ask for: ``{source id: {relation: [target ids]}}``.

    Each entry of a kind with an incoming minimum gets that many links from entries of the
    counted kinds (later entries for an acyclic relation, so it stays acyclic).
    """
    all_ids = [x for v in ids.values() for x in v]
    owed: dict[str, dict[str, list[str]]] = {}
    for rule in schema.link_rules:
        if not rule.incoming or rule.min < 1:
            continue
        rel = schema.relations[rule.relation]
        from_kinds = rule.kinds or tuple(k for k in schema.kinds if rel.allows_source(k))
        sources = all_ids if "*" in from_kinds else [x for k in from_kinds for x in ids.get(k, ())]
        for target in ids.get(rule.kind, ()):
            pool = [x for x in sources if index[x] > index[target]] if rel.acyclic else sources
            chosen = [x for x in rng.sample(pool, min(rule.min + 1, len(pool))) if x != target][: rule.min]
            for src in chosen:
                owed.setdefault(src, {}).setdefault(rule.relation, []).append(target)
    return owed


if __name__ == "__main__":  # pragma: no cover - manual use
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dest")
    ap.add_argument("entries", type=int)
    args = ap.parse_args()
    print(generate(args.dest, args.entries))
