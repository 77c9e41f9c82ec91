"""Synthetic frameworks in the real format, for benchmarks.

``generate(dest, n)`` writes ``dest/framework/schema.yaml`` (a copy of the
project's real schema), ``dest/framework/<kind>-NNN.yaml`` files (at most
``per_file`` entries each) and a matching ``dest/references.bib``. Every kind
of the schema is used; text lengths follow the real framework (titles about
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

import random
import shutil
from pathlib import Path

import socioaffective
from socioaffective.loader import BIB_FILE, FRAMEWORK_DIR, SCHEMA_FILE
from socioaffective.schema import load_schema

#: Share of each kind among the entries (roughly the real framework's mix).
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

_WORDS = (
    "people relationship system support need feeling autonomy growth trust care attention "
    "social reward design agent companion user over time choice value harm benefit context "
    "dependence wellbeing emotion signal feedback learning behaviour interaction model human "
    "competence relatedness balance short long term pressure influence evidence study review "
    "dialogue habit goal preference motivation engagement loneliness friend partner advice "
    "judgement reflection practice boundary safety risk principle question alignment ecosystem"
).split()
_GRADES = ("abstract", "secondary", "single-source", "inferred", "literature")


def kind_counts(n: int) -> dict[str, int]:
    """How many entries of each kind a framework of ``n`` entries gets.

    Every kind gets at least one entry once ``n`` >= the number of kinds; the
    rest goes to concepts.

    >>> kind_counts(100)["concept"], sum(kind_counts(100).values())
    (33, 100)
    """
    kinds = list(KIND_SHARES)
    counts = {k: int(n * KIND_SHARES[k]) for k in kinds}
    if n >= len(kinds):
        for k in kinds:
            counts[k] = max(counts[k], 1)
    counts["concept"] += n - sum(counts.values())
    return counts


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


def generate(dest, n: int, *, seed: int = 1, per_file: int = 2000, refs: int | None = None) -> dict:
    """Write a synthetic framework of ``n`` entries under ``dest``; return counts.

    ``refs`` is the number of bib entries (default: 40% of the entries, at
    least 10: 100,000 entries then cite 40,000 works, a 14 MB references.bib,
    within the schema's 16 MiB file limit). Returns a dict with ``entries``, ``relations`` (links between
    entries), ``citations``, ``references``, ``files`` and ``bytes``.
    """
    dest = Path(dest)
    fw = dest / FRAMEWORK_DIR
    fw.mkdir(parents=True, exist_ok=True)
    real_schema = socioaffective.default_root() / FRAMEWORK_DIR / SCHEMA_FILE
    shutil.copyfile(real_schema, fw / SCHEMA_FILE)
    rng = random.Random(seed)
    text = _Text(rng)
    n_refs = refs if refs is not None else max(10, n * 2 // 5)
    keys = [f"author{i}{2000 + i % 25}{_WORDS[i % len(_WORDS)]}" for i in range(n_refs)]

    counts = kind_counts(n)
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
            pool = pools[kinds] = [x for kd in kinds for x in ids.get(kd, ())] if kinds != ("*",) else all_ids
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

    # Links: the required one(s) of each kind, then loose ones, about four in all.
    link_plan = {
        "paper": [("part_of", ("*",)), ("related_to", ("concept",))],
        "concept": [("part_of", ("*",)), ("leads_to", ("concept", "risk", "need")), ("related_to", ("*",)), ("contrasts_with", ("concept",))],
        "dilemma": [("engages", ("need",)), ("leads_to", ("risk", "concept")), ("raises", ("question",)), ("related_to", ("*",))],
        "need": [("related_to", ("need", "concept")), ("part_of", ("*",)), ("contrasts_with", ("need",)), ("raises", ("question",))],
        "principle": [("addresses", ("dilemma", "risk")), ("supports", ("need",)), ("related_to", ("principle",)), ("instance_of", ("*",))],
        "risk": [("frustrates", ("need",)), ("leads_to", ("risk", "concept")), ("instance_of", ("*",)), ("raises", ("question",))],
        "agenda": [("addresses", ("risk", "dilemma")), ("about", ("*",)), ("raises", ("question",)), ("part_of", ("*",))],
        "question": [("about", ("*",)), ("part_of", ("*",)), ("related_to", ("question",)), ("raises", ("question",))],
        "discussion": [("about", ("*",)), ("related_to", ("*",)), ("raises", ("question",)), ("instance_of", ("*",))],
        "study": [("evidences", ("risk", "need")), ("challenges", ("principle",)), ("related_to", ("*",))],
        "scenario": [("probes", ("dilemma", "risk")), ("at_stake", ("need",)), ("applies", ("principle",)), ("related_to", ("*",))],
        "taxonomy": [("no_match", ("risk",)), ("related_to", ("*",)), ("raises", ("question",)), ("part_of", ("*",))],
        "external": [("in_scheme", ("taxonomy",)), ("related_match", ("risk", "need")), ("close_match", ("risk",)), ("broad_match", ("external",))],
        "feature": [("poses", ("risk",)), ("brings_up", ("dilemma",)), ("calls_for", ("principle",)), ("related_to", ("*",))],
    }
    acyclic = {"part_of", "instance_of"}
    link_plan, owed = _honour_counts(load_schema(fw / SCHEMA_FILE), link_plan, ids, index, acyclic, rng)

    n_links = 0
    n_cites = 0
    files: list[Path] = []
    by_kind_lines: dict[str, list[list[str]]] = {}
    for pos, (kind, i) in enumerate(order):
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
            grade = rng.choice(_GRADES)
            # grades that rest on named records (schema `min_sources`) name two distinct ones
            named = f", sources: [{keys[(i + 1) % n_refs]}, {keys[(i + 2) % n_refs]}]" if grade in ("secondary", "single-source") else ""
            L.append(f"    provenance: {{ source: {keys[rng.randrange(n_refs)]}, grade: {grade}{named} }}")
        if rng.random() < 0.2:
            L.append("    aliases:")
            L.append(f"      - {text.words(15)}")
        if kind == "paper":
            L.append(f"    bib_key: {keys[i % n_refs]}")
            L.append("    authors: [Author One, Author Two]")
            L.append("    venue: A synthetic journal")
            L.append(f"    year: {2000 + i % 25}")
            L.append("    study_type: Conceptual analysis")
        elif kind == "dilemma":
            L.append(f"    poles: [{text.words(8)}, {text.words(8)}]")
            L.append("    tension: >-")
            L.append(_fold(text.paragraph(150), "      "))
        elif kind == "need":
            L.append(f"    satisfaction: {text.sentence(100)}")
            L.append(f"    frustration: {text.sentence(100)}")
        elif kind == "principle":
            L.append(f"    scope: {rng.choice(('overarching', 'risk', 'need-specific'))}")
        elif kind == "question":
            L.append(f"    status: {rng.choice(('open', 'partly-answered', 'answered'))}")
        elif kind == "taxonomy":
            L.append(f"    publisher: {text.words(20)}")
            L.append('    version: "1"')
            L.append("    licence: CC BY 4.0")
            L.append(f"    url: https://example.org/taxonomy/{i + 1}")
            L.append(f"    curie_prefix: tax{i + 1}")
            L.append(f"    iri_prefix: https://example.org/taxonomy/{i + 1}/")
        elif kind == "external":
            L.append(f"    notation: ext-{i + 1}.{rng.randint(1, 9)}")
            L.append(f"    url: https://example.org/item/{i + 1}")
        elif kind == "feature":
            L.append("    prompts:")
            L.append(f"      - {text.sentence(60)[:-1]}?")
        elif kind == "discussion":
            L.append(f"    status: {rng.choice(('open', 'answered', 'does-not-apply'))}")
            L.append(f"    raised_by: {text.words(20)}")
            L.append("    response: >-")
            L.append(_fold(text.paragraph(250), "      "))
        elif kind == "study":
            for f in ("design", "population", "measured", "found"):
                L.append(f"    {f}: {text.sentence(90)}")
            L.append(f"    sample: {rng.randint(20, 5000)} participants")
            L.append(f"    year: {2000 + i % 25}")
            L.append(f'    arxiv: "{2000 + i % 25 - 1990:02d}{1 + i % 12:02d}.{10000 + i % 90000:05d}"')
        elif kind == "scenario":
            L.append("    turns:")
            L.append(f"      - {text.sentence(120)}")
            L.append(f"    ideal: {text.sentence(200)}")
            L.append(f"    should: [{text.words(40)}, {text.words(40)}]")
            L.append(f"    should_not: [{text.words(40)}]")
        plan = link_plan[kind]
        extra = owed.get(eid, {})
        for rel in extra:
            if rel not in dict(plan):
                plan = plan + [(rel, ())]
        for rel, targets in plan:
            before = pos if rel in acyclic else None
            chosen = pick(targets, 1, eid, before) if targets else []
            chosen += [t for t in extra.get(rel, ()) if t not in chosen]
            if not chosen:
                continue
            n_links += len(chosen)
            if rng.random() < 0.25:
                L.append(f"    {rel}:")
                for t in chosen:
                    L.append(f"      - target: {t}")
                    L.append("        provenance: { source: editorial, grade: editorial }")
                    L.append(f"        note: {text.sentence(60)}")
            else:
                L.append(f"    {rel}: [{', '.join(chosen)}]")
        cites = rng.sample(keys, min(2, n_refs))
        n_cites += len(cites)
        L.append("    cites:")
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
            f"  doi     = {{10.1000/synthetic.{i}}}\n"
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


if __name__ == "__main__":  # pragma: no cover - manual use
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dest")
    ap.add_argument("entries", type=int)
    args = ap.parse_args()
    print(generate(args.dest, args.entries))
