"""The HTML theme's Jinja templates, compiled once and kept between builds.

Sphinx compiles every template it renders (``page.html`` and the chain of
layouts, sidebars and sections it extends and includes: 36 templates for the
book's theme) from source in every build that writes a page, because its
template environment has no bytecode cache. In a rebuild after one edit that
was about a fifth of the time spent writing the four pages. At
``builder-inited`` (after the HTML builder made its environment, before any
page is written) the environment gets Jinja's own
:class:`~jinja2.FileSystemBytecodeCache`, in the doctree folder:

- Jinja keys each compiled template by its name and file and checks the
  checksum of its source, so an edited template is compiled again; its
  bytecode carries Jinja's and Python's version and is refused by another.
- Compiled code also depends on the environment's settings (extensions,
  delimiters, whitespace handling, finalize, the code generator). The folder is
  named by a hash of them, so a theme or extension that changes them gets a
  folder of its own instead of code compiled for other settings.

``socioaffective_template_cache = False`` leaves Sphinx's environment as it
is. Builders without templates (``latex``, ``text``) are left alone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

FOLDER = "jinja"  # under <doctrees>/socioaffective/


def _name(value) -> str:
    if value is None or isinstance(value, (bool, int, str, tuple)):
        return repr(value)
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"


def settings_key(environment) -> str:
    """A hash of the settings a Jinja environment compiles templates with."""
    import jinja2

    settings = [
        jinja2.__version__,
        _name(type(environment)),
        _name(environment.code_generator_class),
        sorted(environment.extensions),
        [
            _name(getattr(environment, attr))
            for attr in (
                "block_start_string",
                "block_end_string",
                "variable_start_string",
                "variable_end_string",
                "comment_start_string",
                "comment_end_string",
                "line_statement_prefix",
                "line_comment_prefix",
                "trim_blocks",
                "lstrip_blocks",
                "newline_sequence",
                "keep_trailing_newline",
                "optimized",
                "autoescape",
                "finalize",
                "is_async",
            )
        ],
    ]
    return hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]


def use_bytecode_cache(app) -> None:
    """``builder-inited``: give the builder's template environment a bytecode cache."""
    if not app.config.socioaffective_template_cache:
        return
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None or getattr(environment, "bytecode_cache", None) is not None:
        return  # no templates, or someone else's cache
    from jinja2 import FileSystemBytecodeCache

    folder = Path(app.doctreedir) / "socioaffective" / f"{FOLDER}-{settings_key(environment)}"
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))
