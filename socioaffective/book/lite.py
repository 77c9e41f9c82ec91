"""The in-browser Python console (JupyterLite) inside the book.

``lite/build.py`` builds the console on its own (``make lite-site``, into
``_build/lite``). When the book is built with ``socioaffective_lite_dir`` set
(or ``$SOCIOAFFECTIVE_LITE_DIR``, as ``make lite`` does), this module adds the
Sphinx tag ``lite`` (so pages can say ``{only} lite`` / ``{only} not lite``)
and copies the console into ``<html>/lite/`` when the build finishes. Without
it the book has no console, and its pages say how to build one instead of
linking to nothing. A folder that is named but holds no console fails the
build with a warning that says how to make it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sphinx.util import logging

ENV_VAR = "SOCIOAFFECTIVE_LITE_DIR"
TAG = "lite"
OUT_DIR = "lite"

logger = logging.getLogger(__name__)


def lite_dir(app) -> Path | None:
    """The built console to include, or None; warns when a named folder holds none."""
    value = app.config.socioaffective_lite_dir or os.environ.get(ENV_VAR)
    if not value:
        return None
    path = Path(app.confdir, value).resolve()
    if not (path / "jupyter-lite.json").is_file():
        logger.warning(
            "the in-browser console was asked for (%s) but %s holds none: build it with `make lite-site` (or unset %s to build the book without it)",
            ENV_VAR,
            path,
            ENV_VAR,
            type="socioaffective",
            subtype="lite-missing",
        )
        return None
    return path


def config_inited(app, config) -> None:
    path = lite_dir(app)
    app.env_lite_dir = path  # read again at build-finished
    if path is not None:
        app.tags.add(TAG)


def build_finished(app, exception) -> None:
    path = getattr(app, "env_lite_dir", None)
    if exception is not None or path is None or app.builder.format != "html":
        return
    dest = Path(app.outdir) / OUT_DIR
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(path, dest)


def setup(app) -> None:
    app.add_config_value("socioaffective_lite_dir", None, "env", [str])
    app.connect("config-inited", config_inited)
    app.connect("build-finished", build_finished)
