"""Shared fixtures. Area-specific fixtures live in the test module that uses them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bookbuild import payload_book, real_book, tiny_book  # noqa: F401  (books built once per session)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def tiny_root() -> Path:
    """A tiny valid framework that uses every kind and relation of the real schema."""
    return FIXTURES / "tiny"


@pytest.fixture(scope="session")
def tiny_kb(tiny_root):
    import socioaffective

    return socioaffective.load(tiny_root)


@pytest.fixture(scope="session")
def real_kb():
    import socioaffective

    return socioaffective.load()


@pytest.fixture
def tiny_copy(tmp_path, tiny_root) -> Path:
    """A writable copy of the tiny framework."""
    dest = tmp_path / "tiny"
    shutil.copytree(tiny_root, dest)
    return dest


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of the session (see test_browser.launch_browser)."""
    from test_browser import launch_browser

    yield from launch_browser()
