"""The theme's Jinja templates compiled once and kept between builds (book/templatecache.py, issue 15).

Real sphinx-builds of the fixture book with the book's theme: a probe records
every template Jinja compiles from source while the pages are written. The
first build compiles them and keeps the bytecode; a second (fresh environment,
same doctree folder) compiles none and writes the same pages as a build without
the cache; an edited template is compiled again and shows its edit.
"""

from __future__ import annotations

import json

import pytest
from jinja2 import Environment
from jinja2.sandbox import SandboxedEnvironment

from bookbuild import make_fixture_book, sphinx_build
from socioaffective.book import templatecache

#: a conf.py addition: the templates Jinja compiles from source, one JSON list per build
_PROBE = """
import json as _json
def setup(app):
    compiled = []
    def _wrap(app):
        env = app.builder.templates.environment
        compile_ = env.compile
        def compile(source, name=None, filename=None, raw=False, defer_init=False):
            if filename is not None:  # from a file: the loader's compilation, not from_string
                compiled.append(name)
            return compile_(source, name, filename, raw, defer_init)
        env.compile = compile
    def _done(app, exc):
        with open({path!r}, "a") as f:
            f.write(_json.dumps(compiled) + "\\n")
    app.connect("builder-inited", _wrap, priority=900)
    app.connect("build-finished", _done)
socioaffective_template_cache = {enabled}
templates_path = ["_templates"]
"""

#: a template of the book's own: page.html extended, with a mark in every page
_LAYOUT = """{{% extends "!page.html" %}}
{{% block body %}}<p class="template-mark">{mark}</p>{{{{ super() }}}}{{% endblock %}}
"""


def _book(tmp_path, tiny_root, enabled: bool):
    src = make_fixture_book(tiny_root, tmp_path / f"book-{enabled}")
    (src / "_templates").mkdir()
    (src / "_templates" / "page.html").write_text(_LAYOUT.format(mark="first mark"), encoding="utf-8")
    probe = tmp_path / f"compiled-{enabled}.jsonl"
    with open(src / "conf.py", "a", encoding="utf-8") as f:
        f.write(_PROBE.format(path=str(probe), enabled=enabled))
    return src, probe


def _compiled(probe) -> list[list[str]]:
    return [json.loads(line) for line in probe.read_text(encoding="utf-8").splitlines()]


def _pages(build) -> dict[str, str]:
    return {p.relative_to(build.html).as_posix(): p.read_text(encoding="utf-8") for p in build.html.rglob("*.html")}


@pytest.mark.book
def test_a_second_build_compiles_no_template_and_writes_the_same_pages(tmp_path, tiny_root):
    src, probe = _book(tmp_path, tiny_root, True)
    first = sphinx_build(src)
    assert first.returncode == 0, first.output[-3000:]
    folders = list((src / "_build" / "doctrees" / "socioaffective").glob(f"{templatecache.FOLDER}-*"))
    assert len(folders) == 1
    kept = sorted(p.name for p in folders[0].iterdir())
    compiled = _compiled(probe)[0]
    assert len(compiled) > 10 and "page.html" in compiled and len(kept) == len(set(compiled)), (compiled, kept)

    second = sphinx_build(src)  # -E -a: a fresh environment, every page written again
    assert second.returncode == 0, second.output[-3000:]
    assert _compiled(probe)[1] == []
    assert sorted(p.name for p in folders[0].iterdir()) == kept

    off_src, off_probe = _book(tmp_path, tiny_root, False)
    off = sphinx_build(off_src)
    assert off.returncode == 0, off.output[-3000:]
    assert sorted(_compiled(off_probe)[0]) == sorted(compiled)  # Sphinx's own: compiled from source
    assert not list((off_src / "_build" / "doctrees" / "socioaffective").glob(f"{templatecache.FOLDER}-*"))
    pages, off_pages = _pages(second), _pages(off)
    assert pages.keys() == off_pages.keys() and len(pages) > 5
    for name, text in pages.items():
        assert text.replace(str(src), "") == off_pages[name].replace(str(off_src), ""), name
    assert "first mark" in pages["index.html"]


@pytest.mark.book
def test_an_edited_template_is_compiled_again(tmp_path, tiny_root):
    src, probe = _book(tmp_path, tiny_root, True)
    assert sphinx_build(src).returncode == 0
    (src / "_templates" / "page.html").write_text(_LAYOUT.format(mark="second mark"), encoding="utf-8")
    again = sphinx_build(src)
    assert again.returncode == 0, again.output[-3000:]
    assert _compiled(probe)[1] == ["page.html"]  # its checksum changed; the theme's did not
    page = again.page("index.html")
    assert "second mark" in page and "first mark" not in page


def test_the_folder_changes_with_the_settings_templates_are_compiled_with():
    key = templatecache.settings_key
    assert key(SandboxedEnvironment()) == key(SandboxedEnvironment())
    assert key(SandboxedEnvironment()) != key(Environment())
    assert key(SandboxedEnvironment()) != key(SandboxedEnvironment(trim_blocks=True))
    assert key(SandboxedEnvironment()) != key(SandboxedEnvironment(extensions=["jinja2.ext.loopcontrols"]))
    assert key(SandboxedEnvironment()) != key(SandboxedEnvironment(variable_start_string="[["))
    assert key(SandboxedEnvironment()) != key(SandboxedEnvironment(finalize=str))
