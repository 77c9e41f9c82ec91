"""CSV export: two tables in a zip, read back with the csv module."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from socioaffective.export import export
from socioaffective.export.tables import ENTRY_COLUMNS, RELATION_COLUMNS, decode_cell, field_columns, read_tables


def test_the_zip_holds_two_tables(real_kb):
    data = export(real_kb, "csv")
    assert isinstance(data, bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert sorted(z.namelist()) == ["entries.csv", "relations.csv"]
        header = next(csv.reader(io.StringIO(z.read("entries.csv").decode("utf-8"), newline="")))
    assert header == ENTRY_COLUMNS + field_columns(real_kb.schema)
    assert export(real_kb, "csv") == data  # the same framework gives the same bytes


def test_entries_round_trip(real_kb):
    tables = read_tables(export(real_kb, "csv"))
    rows = {r["id"]: r for r in tables["entries.csv"]}
    assert len(rows) == len(real_kb) + len(real_kb.references)
    schema = real_kb.schema
    for e in real_kb.entries():
        row = rows[e.id]
        assert (row["kind"], row["title"], row["summary"], row["description"]) == (e.kind, e.title, e.summary, e.description)
        assert (row["provenance_source"], row["provenance_grade"], row["provenance_locator"]) == (e.provenance.source, e.provenance.grade, e.provenance.locator)
        assert (row["file"], int(row["line"])) == (e.file, e.line)
        specs = schema.fields_of(e.kind)
        decoded = {c: decode_cell(row[c], specs[c].type) for c in field_columns(schema) if row[c] != "" and c in specs}
        assert decoded == e.fields, e.id
    for key, ref in real_kb.references.items():
        assert rows[key]["kind"] == "reference" and rows[key]["title"] == ref.title
        assert rows[key]["doi"] == ref.fields.get("doi", "")


def test_relations_round_trip(real_kb):
    rows = read_tables(export(real_kb, "csv"))["relations.csv"]
    assert list(rows[0]) == RELATION_COLUMNS
    got = [
        (r["relation"], r["source"], r["target"], r["provenance_source"], r["provenance_grade"], r["provenance_inherited"] == "true", r["locator"], r["note"])
        for r in rows
    ]
    want = [(r.name, r.source, r.target, r.provenance.source, r.provenance.grade, r.provenance.inherited, r.locator, r.note) for r in real_kb.relations()]
    assert got == want
    labels = {r["relation"]: r["label"] for r in rows}
    assert labels["engages"] == real_kb.schema.relations["engages"].label


def test_a_ragged_row_is_an_error_naming_the_table_and_row():
    text = "id,title\na,A\nb,B,extra\n"
    with pytest.raises(ValueError, match=r"entries.csv: row 2 \(after the header\) has 3 cells, the header 2"):
        read_tables({"entries.csv": text})
    assert read_tables({"entries.csv": 'id,title\na,"A, with a comma"\n'}) == {"entries.csv": [{"id": "a", "title": "A, with a comma"}]}
