"""Small helpers shared by the export formats."""

from __future__ import annotations

import json
import math
import re

# Characters XML 1.0 cannot carry at all, not even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def as_text(value) -> str:
    """A value as one text cell: text stays as it is, anything else becomes JSON.

    >>> as_text("a"), as_text(["a", "b"]), as_text(2025), as_text(True), as_text(None)
    ('a', '["a", "b"]', '2025', 'true', '')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(_finite(value), ensure_ascii=False, default=str, allow_nan=False)


def _finite(value):
    """``value`` with every NaN or infinity (YAML's ``.nan``, ``.inf``) as text: JSON has none.

    >>> _finite({"a": [float("nan"), 1.5, float("-inf")]})
    {'a': ['nan', 1.5, '-inf']}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def bib_people(value: str) -> list[str]:
    """The names of a bib ``author`` or ``editor`` field, as plain text (``others`` dropped).

    >>> bib_people(r"R{\\"o}ttger, Paul and Kirk, Hannah Rose and others")
    ['Röttger, Paul', 'Kirk, Hannah Rose']
    """
    from ..bib import latex_to_text

    names = (n.strip() for n in re.split(r"\s+and\s+", latex_to_text(value or "")))
    return [n for n in names if n and n.lower() != "others"]


def bib_venue(fields: dict) -> str:
    """Where a bib entry appeared: its journal, book title or publisher (plain text)."""
    from ..bib import latex_to_text

    venue = fields.get("journal") or fields.get("booktitle") or fields.get("publisher") or ""
    return latex_to_text(str(venue)) if venue else ""


def bib_year(fields: dict):
    """The bib ``year`` as a number when it is one (``2025``), else as written."""
    year = str(fields.get("year") or "").strip()
    return int(year) if year.isdigit() else year


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML 1.0 forbids (each becomes U+FFFD).

    >>> xml_safe("a\\x01b")
    'a\\ufffdb'
    """
    return _XML_INVALID.sub("\ufffd", text)


def dump_json(data) -> str:
    """JSON text that is also safe to paste inside an HTML ``<script>``.

    ``</`` is written ``<\\/`` and U+2028/U+2029 are escaped: both are valid
    JSON escapes, so every parser reads back the same strings.

    >>> dump_json({"a": "</script>\\u2028"})
    '{\\n  "a": "<\\\\/script>\\\\u2028"\\n}\\n'
    """
    return harden_json(json.dumps(_finite(data), ensure_ascii=False, indent=2, default=str, allow_nan=False)) + "\n"


def harden_json(text: str) -> str:
    # In JSON text, `<`, `/`, U+2028 and U+2029 can only occur inside strings.
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def zip_texts(files: dict[str, str]) -> bytes:
    """A zip of text files (UTF-8), the same bytes for the same texts.

    >>> import io, zipfile
    >>> zipfile.ZipFile(io.BytesIO(zip_texts({"a.txt": "x"}))).read("a.txt")
    b'x'
    """
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))  # fixed: the same framework gives the same bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()
