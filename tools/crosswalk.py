"""Regenerate the vendored crosswalk table from a local copy of IBM/ai-atlas-nexus.

The crosswalk (framework/crosswalk.yaml) names items of external taxonomies by
their upstream identifiers. This script rebuilds vendor/crosswalk/items.tsv and
vendor/crosswalk/mappings.tsv from the upstream files, for exactly the
identifiers the framework uses, so that tests/test_crosswalk.py can check every
identifier, name and URL against upstream without network or the package.

Get the upstream files without installing the package (it pulls torch):

    pip download --no-deps ai-atlas-nexus -d /tmp/aan
    unzip -q /tmp/aan/ai_atlas_nexus-*.whl -d /tmp/aan/wheel
    python tools/crosswalk.py /tmp/aan/wheel/ai_atlas_nexus/data

(or point it at ``src/ai_atlas_nexus/data`` of a git checkout). ``--check``
compares instead of writing and exits 1 when the vendored files differ.
The EU AI Act rows (vendor/crosswalk/eu-ai-act.tsv) are typed by hand from the
act's citation: the act is not in ai-atlas-nexus.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent.parent
OUT = HERE / "vendor" / "crosswalk"
ITEM_COLUMNS = ["id", "name", "taxonomy", "part_of", "url", "upstream_file"]
MAPPING_COLUMNS = ["subject_id", "predicate_id", "object_id", "author_id", "mapping_date", "mapping_justification", "upstream_file"]


def used_ids(root: Path) -> set[str]:
    """The notations of the framework's external items whose taxonomy comes from ai-atlas-nexus."""
    sys.path.insert(0, str(HERE))
    import socioaffective

    kb = socioaffective.load(root, cache=False)
    out = set()
    for e in kb.entries(kind="external"):
        schemes = [r.target for r in e.relations if r.name == "in_scheme"]
        if any(str(kb.get(t).fields.get("upstream", "")).startswith("IBM/ai-atlas-nexus") for t in schemes):
            out.add(str(e.fields["notation"]))
    return out


def _documents(data: dict) -> dict[str, str]:
    return {d["id"]: d.get("url", "") for d in data.get("documents") or [] if isinstance(d, dict)}


def read_items(kg: Path, wanted: set[str]) -> list[dict]:
    rows = []
    for path in sorted(kg.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            continue
        taxonomies = {t["id"]: t for t in data.get("taxonomies") or [] if isinstance(t, dict)}
        docs = _documents(data)
        for section in ("groups", "entries"):
            for item in data.get(section) or []:
                if not isinstance(item, dict) or item.get("id") not in wanted:
                    continue
                tax = item.get("isDefinedByTaxonomy", "")
                url = item.get("url") or taxonomies.get(tax, {}).get("url", "")
                if tax in taxonomies and taxonomies[tax].get("hasDocumentation") and not item.get("url"):
                    # NIST: the items link to the profile's document, not to the RMF's home page
                    url = docs.get(taxonomies[tax]["hasDocumentation"][0], url)
                rows.append(
                    {
                        "id": item["id"],
                        "name": item.get("name", ""),
                        "taxonomy": tax,
                        "part_of": item.get("isPartOf", "") or "",
                        "url": url,
                        "upstream_file": f"data/knowledge_graph/{path.name}",
                    }
                )
    return sorted(rows, key=lambda r: (r["taxonomy"], r["id"]))


def _local(curie: str) -> str:
    return curie.split(":", 1)[-1] if curie else ""


def read_mappings(mappings: Path, wanted: set[str]) -> list[dict]:
    rows = []
    for path in sorted(mappings.glob("*.tsv")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines(True) if not line.startswith("#")]
        header_date = ""
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip("#").strip().startswith("mapping_date:"):
                header_date = line.split(":", 1)[1].strip().strip("'\"")
        for row in csv.DictReader(lines, delimiter="\t"):
            s, o = _local(row.get("subject_id", "")), _local(row.get("object_id", ""))
            if s in wanted and o in wanted:
                rows.append(
                    {
                        "subject_id": s,
                        "predicate_id": row.get("predicate_id", ""),
                        "object_id": o,
                        "author_id": row.get("author_id", "") or "",
                        "mapping_date": row.get("mapping_date", "") or header_date,
                        "mapping_justification": row.get("mapping_justification", "") or "",
                        "upstream_file": f"data/mappings/{path.name}",
                    }
                )
    return sorted(rows, key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"], r["upstream_file"]))


def tsv(rows: list[dict], columns: list[str], comment: str) -> str:
    buf = io.StringIO()
    buf.write("".join(f"# {line}\n" for line in comment.splitlines()))
    w = csv.DictWriter(buf, columns, delimiter="\t", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


HEADER = (
    "Vendored from IBM/ai-atlas-nexus (Apache-2.0, https://github.com/IBM/ai-atlas-nexus), {version}.\n"
    "Regenerate: python tools/crosswalk.py UPSTREAM/ai_atlas_nexus/data (see vendor/crosswalk/README.md)."
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, help="the upstream data folder (holding knowledge_graph/ and mappings/)")
    ap.add_argument("--root", type=Path, default=HERE, help="the project whose framework says which ids are used")
    ap.add_argument("--version", default="wheel ai-atlas-nexus 1.2.5", help="the upstream version, written into the headers")
    ap.add_argument("--check", action="store_true", help="compare with the vendored files instead of writing them")
    args = ap.parse_args(argv)
    kg, maps = args.data / "knowledge_graph", args.data / "mappings"
    if not kg.is_dir() or not maps.is_dir():
        print(f"error: {args.data} holds no knowledge_graph/ and mappings/ folders; give the ai_atlas_nexus/data folder", file=sys.stderr)
        return 2
    wanted = used_ids(args.root)
    items = read_items(kg, wanted)
    missing = wanted - {r["id"] for r in items}
    if missing:
        print("error: not found upstream: " + ", ".join(sorted(missing)) + " (check the spelling in framework/crosswalk.yaml)", file=sys.stderr)
        return 1
    header = HEADER.format(version=args.version)
    files = {
        OUT / "items.tsv": tsv(
            items, ITEM_COLUMNS, header + "\nThe identifiers, names and URLs of the upstream items the crosswalk uses, exactly as published."
        ),
        OUT / "mappings.tsv": tsv(
            read_mappings(maps, wanted), MAPPING_COLUMNS, header + "\nThe rows of the upstream SSSOM mapping tables between items the crosswalk uses."
        ),
    }
    stale = []
    for path, text in files.items():
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE)} ({text.count(chr(10)) - 3} rows)")
    if stale:
        print("out of date: " + ", ".join(str(p.relative_to(HERE)) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
