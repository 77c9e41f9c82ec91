"""The book's "Design review" page (part of ``socioaffective.sphinxext``).

The directive ``socioaffective-review`` places the review form: the reader
ticks the features of their system and gets the checklist, computed in the
browser by ``static/review.js`` (a port of :mod:`socioaffective.review`) from
the framework's ``json`` export, which :func:`write_review_data` writes to
``_static/socioaffective/review-data.js`` at the end of an HTML build. It is a
``<script>``, not fetched, so the page works offline and from ``file://``.
"""

from __future__ import annotations

import html
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from .state import STATIC_DIR, state

DATA_FILE = "review-data.js"
DATA_GLOBAL = "SOCIOAFFECTIVE_FRAMEWORK"


def review_data_js(kb, json_text: str | None = None) -> str:
    """The json export (``json_text`` when the caller has it) as a script that sets
    ``window.SOCIOAFFECTIVE_FRAMEWORK``."""
    if json_text is None:
        from ..export import export

        data = export(kb, "json")
        assert isinstance(data, str)  # json is text
        json_text = data
    return f"window.{DATA_GLOBAL} = " + json_text.rstrip("\n") + ";\n"


def _built_json(app) -> str | None:
    """The json export as this build left it in the output (``None`` if it is not there).

    ``write_exports`` (which runs first) has written it for this framework, or found
    the file in place and of this framework and export code; either way it is the
    bytes :func:`socioaffective.export.export` gives, without importing networkx and
    building the graph again in every build, a no-op one included."""
    from ..export.book import EXPORT_DIR, FORMATS

    try:
        return (Path(app.outdir) / EXPORT_DIR / FORMATS["json"].filename).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


class ReviewDirective(SphinxDirective):
    """``socioaffective-review``: the design-review form (filled in by review.js)."""

    def run(self):
        here = self.env.app.builder.get_target_uri(self.env.docname)

        def static(name: str) -> str:
            return html.escape(relative_uri(here, f"_static/{STATIC_DIR}/{name}"), quote=True)

        markup = f"""<div class="sa-review">
<noscript><p>This page needs JavaScript. Without it, run <code>socioaffective review FEATURE...</code>.</p></noscript>
<fieldset class="sa-review-features"><legend>Features of your system</legend></fieldset>
<p class="sa-review-status" role="status" aria-live="polite"></p>
<p class="sa-review-actions"><button type="button" class="sa-review-copy" disabled>Copy as Markdown</button>
<a class="sa-review-download" download="design-review.md">Download Markdown</a></p>
<div class="sa-review-result"></div>
<details class="sa-review-source"><summary>Markdown</summary>
<textarea class="sa-review-markdown" rows="16" readonly aria-label="The checklist as Markdown"></textarea></details>
</div>
<script src="{static(DATA_FILE)}"></script>
<script src="{static("review.js")}"></script>
"""
        return [nodes.raw("", markup, format="html")]


def write_review_data(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from ..fsutil import write_if_changed

    write_if_changed(Path(app.outdir) / "_static" / STATIC_DIR / DATA_FILE, review_data_js(state(app).kb, _built_json(app)))


def setup(app) -> None:
    """Called from ``socioaffective.sphinxext.setup``."""
    # the directive `socioaffective-review` is registered by book/registry.py (its declaration)
    app.connect("build-finished", write_review_data, priority=600)  # after the exports are written (500)
