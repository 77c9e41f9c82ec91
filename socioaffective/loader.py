"""Find and read a framework: schema.yaml, every entries file, references.bib.

``load(root)`` reads everything, validates it against the schema and returns a
:class:`~socioaffective.kb.KnowledgeBase`. With ``strict=True`` (the default)
it raises :class:`~socioaffective.errors.ValidationError` when there are
errors; with ``strict=False`` it returns what could be read and the report.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .bib import load_bib
from .errors import ValidationError
from .fsutil import TEMP_PREFIX, TEMP_SUFFIX
from .hints import did_you_mean, short, type_name
from .problems import Problem, Report
from .schema import Schema, load_schema
from .validate import build_entries, check_records
from .yamlio import LocDict, parse_yaml_bytes, read_yaml

if TYPE_CHECKING:
    from .kb import KnowledgeBase

FRAMEWORK_DIR = "framework"
SCHEMA_FILE = "schema.yaml"
BIB_FILE = "references.bib"
ENV_ROOT = "SOCIOAFFECTIVE_ROOT"


@dataclass
class Record:
    """One raw entry as read from YAML, with where it stands."""

    data: LocDict
    file: str
    order: int


def default_root() -> Path:
    """The project's own framework: the checkout's root, or the data in the wheel."""
    here = Path(__file__).resolve().parent
    checkout = here.parent
    if (checkout / FRAMEWORK_DIR / SCHEMA_FILE).is_file():
        return checkout
    return here / "data"


def resolve_root(root: str | os.PathLike | None = None) -> Path:
    """The root to load: ``root``, else ``$SOCIOAFFECTIVE_ROOT``, else the current
    folder if it holds ``framework/schema.yaml``, else the project's own framework."""
    if root is not None:
        if not isinstance(root, (str, os.PathLike)):
            from .errors import ArgumentError

            raise ArgumentError(f"`root` must be a folder path (str or os.PathLike), not {type(root).__name__} `{root!r:.60}`")
        return Path(root)
    if os.environ.get(ENV_ROOT):
        return Path(os.environ[ENV_ROOT])
    cwd = Path.cwd()
    if (cwd / FRAMEWORK_DIR / SCHEMA_FILE).is_file():
        return cwd
    return default_root()


def framework_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """Every ``*.yaml``/``*.yml`` below ``root/framework`` except schema.yaml, sorted.

    Symbolic links to folders are followed once; a link that loops is a problem.
    """
    base = root / FRAMEWORK_DIR
    problems: list[Problem] = []
    files: list[Path] = []
    seen_dirs: set[str] = set()

    def rel(p: Path) -> str:
        try:
            return p.relative_to(root).as_posix()
        except ValueError:
            return p.as_posix()

    def walk(folder: Path) -> None:
        try:
            real = os.path.realpath(folder, strict=True)
        except OSError as exc:
            code = "symlink-loop" if exc.errno == errno.ELOOP else "file-unreadable"
            problems.append(Problem(rel(folder), 0, code, "", f"cannot follow `{rel(folder)}`: {exc.strerror}", "remove or fix the link"))
            return
        if real in seen_dirs:
            problems.append(Problem(rel(folder), 0, "symlink-loop", "", f"`{rel(folder)}` leads back to a folder already read", "remove the link"))
            return
        seen_dirs.add(real)
        try:
            children = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            problems.append(
                Problem(rel(folder), 0, "file-unreadable", "", f"cannot list `{rel(folder)}`: {exc.strerror}", "check that you may read the folder")
            )
            return
        for child in children:
            if child.name.startswith("."):
                if child.name.startswith(TEMP_PREFIX) and child.name.endswith(TEMP_SUFFIX):
                    problems.append(
                        Problem(
                            rel(child),
                            0,
                            "leftover-temp-file",
                            "",
                            f"`{rel(child)}` is a temporary copy left by a write that was interrupted (the real file was not changed)",
                            "delete it; the next `socioaffective add` removes it too",
                        )
                    )
                continue
            if child.is_symlink() and not _inside(os.path.realpath(child), base_real):
                # Read, quoted in messages and published in the book, a file from
                # elsewhere would leak; written through by `add`, it would escape.
                if child.suffix in (".yaml", ".yml") or child.is_dir():
                    problems.append(
                        Problem(
                            rel(child),
                            0,
                            "outside-framework",
                            "",
                            f"`{rel(child)}` is a link to `{os.readlink(child)}`, outside {FRAMEWORK_DIR}/; it was not read",
                            f"copy the file into {FRAMEWORK_DIR}/ instead of linking to it, or remove the link",
                        )
                    )
                continue
            if child.is_symlink() or child.is_dir():
                try:
                    target_is_dir = child.is_dir()
                except OSError:
                    target_is_dir = False
                if child.is_symlink() and not child.exists():
                    try:
                        os.stat(child)
                    except OSError as exc:
                        code = "symlink-loop" if exc.errno == errno.ELOOP else "file-unreadable"
                        problems.append(
                            Problem(rel(child), 0, code, "", f"the link `{rel(child)}` cannot be followed: {exc.strerror}", "remove or fix the link")
                        )
                    continue
                if target_is_dir:
                    walk(child)
                    continue
            if child.suffix in (".yaml", ".yml") and not (folder == base and child.name == SCHEMA_FILE):
                files.append(child)

    base_real = os.path.realpath(base)
    if base.is_dir():
        walk(base)
    return files, problems


def _inside(path: str, folder: str) -> bool:
    """True if the real path ``path`` is ``folder`` or below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def outside_link(path: Path, folder: Path) -> str | None:
    """Where ``path`` really leads if that is outside ``folder`` (a link, or a link on the way), else None.

    Dangling links count: the file they would create is outside too.
    """
    real = os.path.realpath(path)
    return None if _inside(real, os.path.realpath(folder)) else real


def read_records(root: Path, schema: Schema, overrides: dict | None = None) -> tuple[list[Record], list[Problem]]:
    """Read every entries file into raw records; file-level problems are returned.

    ``overrides`` maps file paths to bytes read instead of the file (a file that
    does not exist yet is added): how ``add`` validates a framework before
    writing it.
    """
    files, problems = framework_files(root)
    extra = {os.path.abspath(p): bytes(b) for p, b in (overrides or {}).items()}
    known = {os.path.abspath(p) for p in files}
    files += [Path(p) for p in (overrides or {}) if os.path.abspath(p) not in known]
    records: list[Record] = []
    order = 0
    for path in files:
        rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        if extra and os.path.abspath(path) in extra:
            data, file_problems = parse_yaml_bytes(extra[os.path.abspath(path)], rel, max_alias_expansion=schema.max_alias_expansion)
        else:
            data, file_problems = read_yaml(path, rel, max_bytes=schema.max_file_bytes, max_alias_expansion=schema.max_alias_expansion)
        problems.extend(file_problems)
        if data is None:
            if not file_problems:
                problems.append(Problem(rel, 0, "empty-file", "", "the file holds no data", "add `entries:` with at least one entry, or delete the file"))
            continue
        if not isinstance(data, LocDict):  # what the reader makes of every mapping
            problems.append(
                Problem(
                    rel,
                    getattr(data, "line", 1) or 1,
                    "not-a-mapping",
                    "",
                    f"the file holds a {type_name(data)}, not a mapping",
                    "start the file with `entries:` and list the entries below it",
                )
            )
            continue
        for key in data:
            if key != "entries":
                close = did_you_mean(key, ["entries"], n=1)
                close = close + " " if close else ""
                problems.append(
                    Problem(
                        rel,
                        data.line_of(key),
                        "unknown-field",
                        "",
                        f"unknown top-level key `{key}`",
                        close + "a framework file has one top-level key, `entries:`",
                    )
                )
        if "entries" not in data:
            problems.append(Problem(rel, data.line or 1, "missing-entries", "", "the file has no `entries:` key", "put the entries under `entries:`"))
            continue
        entries = data["entries"]
        if entries is None:
            problems.append(Problem(rel, data.line_of("entries"), "empty-file", "", "`entries:` is empty", "add at least one entry, or delete the file"))
            continue
        if not isinstance(entries, list):
            problems.append(
                Problem(
                    rel,
                    data.line_of("entries"),
                    "not-a-list",
                    "",
                    f"`entries:` holds a {type_name(entries)}, not a list",
                    "write each entry as a list item starting with `- `",
                )
            )
            continue
        for i, item in enumerate(entries):
            if not isinstance(item, LocDict):
                line = entries.line_of(i) if hasattr(entries, "line_of") else 0
                problems.append(
                    Problem(
                        rel,
                        line,
                        "entry-not-mapping",
                        "",
                        f"entry #{i + 1} is a {type_name(item)} (`{short(item)}`), not a mapping",
                        "give the entry its fields: `- id: ...` then `kind:`, `title:` ...",
                    )
                )
                continue
            records.append(Record(item, rel, order))
            order += 1
    return records, problems


def load(root: str | os.PathLike | None = None, *, strict: bool = True, overrides: dict | None = None, cache: bool | None = None) -> KnowledgeBase:
    """Load a framework (schema, entries, references) and validate it.

    Parameters
    ----------
    root : path, optional
        The folder holding ``framework/`` and ``references.bib``. By default the
        project's own framework (see :func:`resolve_root`).
    strict : bool
        Raise :class:`~socioaffective.errors.ValidationError` if there are
        errors (default). With ``False``, return what could be read; the
        problems are in ``kb.report``.
    overrides : dict, optional
        ``{path: bytes}`` read instead of those framework files (see
        :func:`read_records`); nothing is written.
    cache : bool, optional
        Reuse the result of an earlier load of the very same files (see
        :mod:`socioaffective.cache`); never with ``overrides``. Default: on,
        unless the environment sets ``SOCIOAFFECTIVE_CACHE=0``.

    Examples
    --------
    >>> import socioaffective
    >>> kb = socioaffective.load()
    >>> kb.get("autonomy").kind
    'need'
    """
    from . import cache as _cache
    from .yamlio import gc_paused

    base = resolve_root(root)
    key = None
    with gc_paused():  # see gc_paused: without this, big loads are quadratic
        if not overrides and _cache.enabled(cache):
            files, walk_problems = framework_files(base)
            key = _cache.content_key(base, files, base / FRAMEWORK_DIR / SCHEMA_FILE, base / BIB_FILE, extra=[str(p) for p in walk_problems])
            payload = _cache.get(key) if key else None
            kb = _from_payload(base, payload) if payload is not None else None
            if kb is not None:
                kb.content_key = key
                if strict and not kb.report.ok:
                    raise ValidationError(kb.report)
                return kb
        kb = _load(base, overrides)
        kb.content_key = key
        if key:
            _cache.put(key, {"kb": kb})
    if strict and not kb.report.ok:
        raise ValidationError(kb.report)
    return kb


def validate(kb_or_root: KnowledgeBase | str | os.PathLike | None = None) -> Report:
    """Validate a framework and return the :class:`Report` of every problem.

    Accepts a loaded :class:`KnowledgeBase` or a root folder (default: the
    project's own framework). The rules are :data:`socioaffective.validate.RULES`.

    Examples
    --------
    >>> import socioaffective
    >>> socioaffective.validate().ok
    True
    """
    from .kb import KnowledgeBase

    if isinstance(kb_or_root, KnowledgeBase):
        return kb_or_root.report
    return load(kb_or_root, strict=False).report


def _from_payload(base: Path, payload: dict) -> KnowledgeBase | None:
    from .kb import KnowledgeBase

    kb = payload.get("kb")
    if not isinstance(kb, KnowledgeBase):
        return None  # not ours: read the files again (and overwrite it)
    kb.root = Path(base)
    return kb


def _load(base: Path, overrides: dict | None = None) -> KnowledgeBase:
    """Read and check everything under ``base`` (no cache)."""
    from .kb import KnowledgeBase

    schema = load_schema(base / FRAMEWORK_DIR / SCHEMA_FILE, f"{FRAMEWORK_DIR}/{SCHEMA_FILE}")
    problems = list(schema.problems)
    if not schema.ok:
        return KnowledgeBase(base, schema, [], {}, Report(problems))
    records, read_problems = read_records(base, schema, overrides)
    problems.extend(read_problems)
    references, bib_problems = load_bib(base / BIB_FILE, BIB_FILE, max_bytes=schema.max_file_bytes)
    problems.extend(bib_problems)
    problems.extend(check_records(schema, records, references, bib_exists=(base / BIB_FILE).exists()))
    entries = build_entries(schema, records)
    return KnowledgeBase(base, schema, entries, references, Report(problems))
