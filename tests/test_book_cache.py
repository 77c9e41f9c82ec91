"""The book build's content-hash caches (issue 15): executed notebooks keyed by their
inputs, and bibliography entries formatted once per content."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from socioaffective.book import incremental
from socioaffective.book.state import State

NOTEBOOK = """---
kernelspec:
  name: python3
  display_name: Python 3
{extra}---

# A notebook

```{{code-cell}} python3
print(1)
```
"""


def _app(root: Path, mode: str = "cache"):
    env = types.SimpleNamespace(
        doc2path=lambda doc: root / f"{doc}.md",
        mystnb_config=types.SimpleNamespace(execution_mode=mode),
        found_docs={"nb", "declared", "plain"},
    )
    return types.SimpleNamespace(env=env, _socioaffective=State(kb=None, root=root, entries_dir="chapters/entries"))  # type: ignore[arg-type]


@pytest.fixture
def book(tmp_path):
    (tmp_path / "framework").mkdir()
    (tmp_path / "framework" / "a.yaml").write_text("entries: []\n")
    (tmp_path / "references.bib").write_text("")
    (tmp_path / "results.json").write_text("{}")
    (tmp_path / "nb.md").write_text(NOTEBOOK.format(extra=""))
    (tmp_path / "declared.md").write_text(NOTEBOOK.format(extra="socioaffective_inputs: [results.json]\n"))
    (tmp_path / "plain.md").write_text("---\ntitle: no kernel\n---\n# Plain\n")
    return tmp_path


def test_notebook_key_follows_its_inputs(book, monkeypatch):
    monkeypatch.setenv("SOCIOAFFECTIVE_ROOT", str(book))  # the framework the kernel loads: the book's
    app = _app(book)
    key = incremental.notebook_key(app, "nb")
    assert key and key == incremental.notebook_key(_app(book), "nb")  # a content hash: the same in a new build
    assert incremental.notebook_key(app, "plain") is None  # not a notebook
    declared = incremental.notebook_key(app, "declared")
    assert declared and declared != key
    # a framework file changes: the default key changes, the declared one (results.json only) does not
    (book / "framework" / "a.yaml").write_text("entries: [] # edited\n")
    assert incremental.notebook_key(_app(book), "nb") != key
    assert incremental.notebook_key(_app(book), "declared") == declared
    (book / "references.bib").write_text("@misc{x, title={X}}\n")
    assert incremental.notebook_key(_app(book), "nb") not in (key, None)
    # the declared input changes, or goes missing
    (book / "results.json").write_text('{"a": 1}')
    changed = incremental.notebook_key(_app(book), "declared")
    assert changed != declared
    (book / "results.json").unlink()
    assert incremental.notebook_key(_app(book), "declared") not in (changed, declared, None)


def test_a_notebook_whose_inputs_changed_is_read_again(book, monkeypatch):
    monkeypatch.setenv("SOCIOAFFECTIVE_ROOT", str(book))
    app = _app(book)
    app.env.mystnb_config.execution_cache_path = str(book / "_build" / ".jupyter_cache")
    app.env.mystnb_config.copy = lambda **kw: types.SimpleNamespace(**{**vars(app.env.mystnb_config), **kw})
    incremental.notebook_source_read(app, "nb", [(book / "nb.md").read_text()])
    incremental.notebook_source_read(app, "plain", [(book / "plain.md").read_text()])
    keys = getattr(app.env, incremental.NB_KEYS)
    assert set(keys) == {"nb"}
    first = Path(app.env.mystnb_config.execution_cache_path)
    assert first.parent == book / "_build" / ".jupyter_cache" / "socioaffective" and first.name.startswith("nb-") and first.is_dir()
    assert incremental.notebooks_outdated(_app_with(app, book), app.env, set()) == []
    (book / "framework" / "a.yaml").write_text("entries: [] # edited\n")
    assert incremental.notebooks_outdated(_app_with(app, book), app.env, set()) == ["nb"]
    assert incremental.notebooks_outdated(_app_with(app, book), app.env, {"nb"}) == []  # read anyway
    # read again: a new folder for the new inputs, the old one removed
    app2 = _app_with(app, book)
    incremental.notebook_source_read(app2, "nb", [(book / "nb.md").read_text()])
    second = Path(app.env.mystnb_config.execution_cache_path)
    assert second != first and second.is_dir() and not first.exists()
    # not in cache mode: nothing is keyed or re-read
    off = _app(book, mode="force")
    incremental.notebook_source_read(off, "nb", [(book / "nb.md").read_text()])
    assert not hasattr(off.env, incremental.NB_KEYS) and incremental.notebooks_outdated(off, app.env, set()) == []


def _app_with(app, root):
    """A new build (new extension state) on the same environment."""
    return types.SimpleNamespace(env=app.env, _socioaffective=State(kb=None, root=root, entries_dir="chapters/entries"))  # type: ignore[arg-type]


def test_formatted_bibliography_entries_are_memoized_by_content():
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    from socioaffective.book import output

    output.memoize_pybtex_formatting()
    style = find_plugin("pybtex.style.formatting", "plain")()
    bib = "@article{k, author={Ada Lovelace and Charles Babbage}, title={On engines}, journal={J}, year={1843}}"
    entry = parse_string(bib, "bibtex").entries["k"]
    first = style.format_entry("1", entry)
    assert style.format_entry("1", entry) is first  # formatted once
    again = parse_string(bib, "bibtex").entries["k"]  # the same content, read again: the same result
    assert style.format_entry("1", again) is first
    assert first.text.render_as("text") == "Ada Lovelace and Charles Babbage. On engines. J, 1843."
    # any change of what the entry says is formatted anew
    changed = parse_string(bib.replace("On engines", "On looms"), "bibtex").entries["k"]
    assert "On looms" in style.format_entry("1", changed).text.render_as("text")
    other = parse_string(bib.replace("Ada Lovelace", "Ada King"), "bibtex").entries["k"]
    assert style.format_entry("1", other).text.render_as("text").startswith("Ada King")
    assert style.format_entry("2", entry).label == "2"


def test_a_print_the_kernel_sent_in_pieces_is_one_line_on_the_page():
    # nb_merge_streams: MyST-NB's merge ended every piece with a line break, so the same
    # cell read "23 entries" in one build and "23" / " entries" in another
    from myst_nb.core.utils import coalesce_streams
    from nbformat import from_dict

    from socioaffective.book.incremental import exact_stream_merge

    def pieces(*texts):
        return [from_dict({"output_type": "stream", "name": "stdout", "text": t}) for t in texts] + [
            from_dict({"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {}, "execution_count": 1})
        ]

    merge = exact_stream_merge(coalesce_streams)
    split = merge(pieces("23", " entries, 50 links\n", "\n", "next\n"))
    whole = merge(pieces("23 entries, 50 links\n\nnext\n"))
    assert split == whole
    assert split[0]["text"] == "23 entries, 50 links\n\nnext\n" and split[1]["output_type"] == "execute_result"
    assert exact_stream_merge(merge) is merge  # installed once, however often the extension is set up


def test_myst_documents_get_their_own_copy_of_settings_made_once(monkeypatch):
    # MyST builds a throwaway document per page parse; docutils' option parser is now made once
    import docutils.frontend
    from myst_parser.mdit_to_docutils import base

    from socioaffective.book.output import memoize_myst_default_settings

    assert not getattr(base.make_document, "socioaffective_memo", False)  # builds run in other processes
    monkeypatch.setattr(base, "make_document", base.make_document)  # put back after the test
    parsers = []
    init = docutils.frontend.OptionParser.__init__
    monkeypatch.setattr(docutils.frontend.OptionParser, "__init__", lambda self, *a, **k: parsers.append(1) or init(self, *a, **k))
    plain = base.make_document("a.md")
    assert len(parsers) == 1
    memoize_myst_default_settings()
    one, two, three = (base.make_document(f"{n}.md") for n in "abc")
    assert len(parsers) == 2  # once for all three
    assert one is not two and one.settings is not two.settings

    def same(settings):
        return {k: v for k, v in vars(settings).items() if k != "record_dependencies"}

    assert same(one.settings) == same(two.settings) == same(plain.settings)
    assert one.settings.record_dependencies is not two.settings.record_dependencies  # a mutable default, not shared
    assert one.settings.record_dependencies.list == []
    one.settings.tab_width = 99
    assert two.settings.tab_width == three.settings.tab_width == plain.settings.tab_width != 99
    assert (one["source"], two["source"]) == ("a.md", "b.md")
