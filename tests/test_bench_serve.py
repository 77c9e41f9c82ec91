"""The benchmarks' local server: gzip-encoded text when asked (as static hosts serve the book), plain otherwise."""

from __future__ import annotations

import gzip
import urllib.request

from benchmarks.book import serve


def _get(url: str, gz: bool):
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gz else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.headers.get("Content-Encoding"), r.headers.get("Content-Type"), r.read()


def test_serve_compresses_text_only_for_browsers_that_accept_it(tmp_path):
    css = ".a{color:red}\n" * 500
    (tmp_path / "s.css").write_text(css)
    (tmp_path / "p.png").write_bytes(b"\x89PNG" + bytes(2000))
    with serve(tmp_path, compress=True) as base:
        enc, kind, body = _get(base + "s.css", gz=True)
        assert (enc, kind) == ("gzip", "text/css") and len(body) < len(css) / 10 and gzip.decompress(body).decode() == css
        assert _get(base + "s.css", gz=False)[0] is None and _get(base + "s.css", gz=False)[2].decode() == css
        assert _get(base + "p.png", gz=True)[0] is None  # images are compressed already
    with serve(tmp_path) as base:  # as python -m http.server does
        enc, _kind, body = _get(base + "s.css", gz=True)
        assert enc is None and body.decode() == css
