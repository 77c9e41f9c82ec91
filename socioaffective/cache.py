"""A cache of loaded frameworks, keyed by the hash of their content.

Loading a large framework means parsing every YAML file, the bib file and
checking it all; loading the same unchanged framework again should not. Like
Sphinx's pickled environment, :func:`socioaffective.load` stores what it
loaded (schema, entries, references and the validation report) as a pickle
named after a hash of:

- every framework file (its path under the root and its bytes), schema.yaml
  and references.bib (present or not);
- the source of the engine modules that read and check them, and the
  versions of Python, PyYAML (and whether libyaml is used) and bibtexparser.

A different byte anywhere gives a different key, so stale data is never
served: there is nothing to invalidate. A cache file that cannot be read is
ignored, deleted and rewritten; files are written atomically (temporary file
+ rename); only the newest :data:`MAX_FILES` files are kept.

Pickles are code, so nothing is unpickled on trust: every cache file carries
an HMAC-SHA256 of its bytes under a per-user key (``.key`` in the cache
folder, 32 random bytes, mode 0600), and a file is unpickled only if it is an
ordinary file of the current user that nobody else may write and its HMAC
matches. A tampered or foreign file is deleted and rebuilt, never loaded.

Where: ``$SOCIOAFFECTIVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/socioaffective``,
else ``~/.cache/socioaffective``. Off: ``SOCIOAFFECTIVE_CACHE=0`` (or
``load(..., cache=False)``). The folder must belong to the current user and be
writable by nobody else (pickles are code), otherwise it is not used.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .yamlio import DEFAULT_MAX_BYTES

ENV_DIR = "SOCIOAFFECTIVE_CACHE_DIR"
ENV_SWITCH = "SOCIOAFFECTIVE_CACHE"
#: Bump when the pickled layout changes.
FORMAT = 3
#: How many cached frameworks are kept (the newest).
MAX_FILES = 32
#: Engine modules whose code decides what a load returns.
_ENGINE_MODULES = (
    "bib.py",
    "cache.py",
    "codes.py",
    "errors.py",
    "kb.py",
    "loader.py",
    "model.py",
    "problems.py",
    "schema.py",
    "terminal.py",
    "validate.py",
    "yamlio.py",
    "fsutil.py",
)
_SUFFIX = ".pickle"
_KEY_FILE = ".key"
_MAGIC = b"socioaffective-cache-3\n"
_MAC_BYTES = 32
#: A framework with a file larger than this is not cached (nor hashed): the
#: loader refuses such files unread (``limits.max_file_bytes``), and hashing
#: them would read them whole into memory.
_MAX_HASHED_BYTES = DEFAULT_MAX_BYTES
_engine_digest: bytes | None = None


def enabled(cache: bool | None = None) -> bool:
    """Whether to use the cache: ``cache`` if given, else the environment.

    >>> enabled(False), enabled(True)
    (False, True)
    """
    if cache is not None:
        return bool(cache)
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off", "")


def cache_dir() -> Path:
    """The cache folder (it may not exist yet)."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "socioaffective"


def _dist_version(name: str) -> str:
    """The installed version of distribution ``name``, read from the name of its
    ``.dist-info`` folder: ``importlib.metadata`` costs 20-40 ms of imports
    (email, zipfile, csv), a large share of a warm ``socioaffective validate``.

    >>> _dist_version("pyyaml") == __import__("importlib.metadata").metadata.version("pyyaml")
    True
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("yaml" if name.lower() == "pyyaml" else name)
        if spec and spec.origin:
            site = Path(spec.origin).resolve().parent.parent
            prefix = name.lower().replace("-", "_") + "-"
            found = sorted(
                p.name[len(prefix) : -len(".dist-info")] for p in site.iterdir() if p.name.lower().startswith(prefix) and p.name.endswith(".dist-info")
            )
            if found:
                return ",".join(found)  # several (a stale copy): any change still changes the key
        from importlib.metadata import version

        return version(name)
    except Exception:  # pragma: no cover - metadata missing: the code hash still guards
        return "?"


def _libyaml_present() -> bool:
    """Whether PyYAML ships its C extension (``yaml/_yaml*``), found without importing PyYAML.

    >>> import yaml
    >>> _libyaml_present() == bool(getattr(yaml, "__with_libyaml__", False))
    True
    """
    import importlib.util

    try:
        spec = importlib.util.find_spec("yaml")
        return bool(spec and spec.origin and any(Path(spec.origin).parent.glob("_yaml.*")))
    except Exception:  # pragma: no cover - the code hash and the version still guard
        return False


def _engine_fingerprint() -> bytes:
    """A digest of the engine's own code and the parsers' versions (once per process)."""
    global _engine_digest
    if _engine_digest is not None:
        return _engine_digest
    h = hashlib.sha256()
    # PyYAML's version and whether its C parser is there, read from the files (importing
    # PyYAML costs a warm load, which parses no YAML, a tenth of its time)
    h.update(f"format={FORMAT};python={sys.version};yaml={_dist_version('pyyaml')};libyaml={_libyaml_present()};".encode())
    h.update(f"bibtexparser={_dist_version('bibtexparser')};".encode())
    here = Path(__file__).resolve().parent
    for name in _ENGINE_MODULES:
        try:
            h.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
        except OSError:
            h.update(name.encode() + b"\0missing\0")
    _engine_digest = h.digest()
    return _engine_digest


def content_key(root: Path, files: list[Path], schema_path: Path, bib_path: Path, extra: Sequence[str] = ()) -> str | None:
    """The cache key of a framework, or None if a file cannot be read.

    ``files`` are the entries files in load order; ``extra`` is any other text
    the result depends on (problems met while listing the files).
    """
    h = hashlib.sha256(_engine_fingerprint())
    for text in extra:
        h.update(b"\0extra\0" + text.encode("utf-8", "replace"))
    try:
        for tag, path in [("schema", schema_path), *(("file", p) for p in files), ("bib", bib_path)]:
            try:
                rel = path.relative_to(root).as_posix()
            except ValueError:
                rel = path.as_posix()
            h.update(f"\0{tag}\0{rel}\0".encode())
            if tag != "file" and not path.exists():
                h.update(b"<absent>")
                continue
            st = path.stat()
            if st.st_size > _MAX_HASHED_BYTES or not stat.S_ISREG(st.st_mode):
                return None  # the loader refuses it unread; never read it here
            data = path.read_bytes()
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
    except OSError:
        return None
    return h.hexdigest()


def _usable_dir(folder: Path, create: bool) -> bool:
    try:
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.stat()
    except OSError:
        return False
    if os.name == "posix":
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            return False
    return True


def _private_file(st: os.stat_result, mode_mask: int) -> bool:
    """An ordinary file of the current user with none of ``mode_mask``'s bits set."""
    if not stat.S_ISREG(st.st_mode):
        return False
    if os.name == "posix" and (st.st_uid != os.getuid() or st.st_mode & mode_mask):
        return False
    return True


def _secret(folder: Path, create: bool) -> bytes | None:
    """The per-user HMAC key of ``folder`` (made on first use), or None if it cannot be trusted."""
    path = folder / _KEY_FILE
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            if not create:
                return None
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:
                continue  # another process made it: read that one
            except OSError:
                return None
            try:
                os.write(fd, os.urandom(32))
            finally:
                os.close(fd)
            continue
        except OSError:
            return None
        try:
            if not _private_file(os.fstat(fd), 0o077):
                return None
            secret = os.read(fd, 64)
        finally:
            os.close(fd)
        return secret if len(secret) == 32 else None
    return None


def _mac(secret: bytes, data: bytes) -> bytes:
    return hmac.new(secret, data, hashlib.sha256).digest()


def get(key: str):
    """The payload stored under ``key``, or None (missing, unreadable or foreign)."""
    folder = cache_dir()
    path = folder / (key + _SUFFIX)
    if not _usable_dir(folder, create=False):
        return None
    try:
        if not path.is_file():
            return None
    except OSError:  # e.g. a folder we may not search (Path.is_file raises EACCES on 3.11)
        return None
    try:
        from .yamlio import gc_paused

        secret = _secret(folder, create=False)
        if secret is None:
            raise ValueError("no trusted key: the file cannot be authenticated")
        with open(path, "rb") as f:
            if not _private_file(os.fstat(f.fileno()), 0o022):
                raise ValueError("not an ordinary file of this user, or writable by others")
            blob = f.read()
        head = len(_MAGIC) + _MAC_BYTES
        if not blob.startswith(_MAGIC) or not hmac.compare_digest(blob[len(_MAGIC) : head], _mac(secret, blob[head:])):
            raise ValueError("the HMAC does not match: tampered, or written with another key")
        with gc_paused():
            payload = pickle.loads(blob[head:])
        if not isinstance(payload, dict) or payload.get("format") != FORMAT or payload.get("key") != key:
            raise ValueError("not a cache file of this version")
        return payload
    except Exception:
        # Corrupt, truncated or from another version: drop it; the caller reloads and rewrites.
        try:
            path.unlink()
        except OSError:
            pass
        return None


def put(key: str, payload: dict) -> bool:
    """Store ``payload`` under ``key`` atomically; True if written. Never raises."""
    folder = cache_dir()
    if not _usable_dir(folder, create=True):
        return False
    secret = _secret(folder, create=True)
    if secret is None:
        return False
    tmp = None
    try:
        data = pickle.dumps({**payload, "format": FORMAT, "key": key}, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=_SUFFIX)
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + _mac(secret, data) + data)
        os.replace(tmp, folder / (key + _SUFFIX))
        tmp = None
    except Exception:
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    _prune(folder)
    return True


def _prune(folder: Path, keep: int = MAX_FILES) -> None:
    try:
        found = []
        for p in folder.iterdir():
            if p.name.endswith(_SUFFIX) and not p.name.startswith("."):
                try:
                    found.append((p.stat().st_mtime, p))
                except OSError:
                    continue
        found.sort(reverse=True)
        for _, p in found[keep:]:
            try:
                p.unlink()
            except OSError:
                pass
    except OSError:
        pass


def clear() -> int:
    """Delete every cached framework; return how many files were removed."""
    folder = cache_dir()
    n = 0
    if folder.is_dir():
        for p in folder.iterdir():
            if p.name.endswith(_SUFFIX):
                try:
                    p.unlink()
                    n += 1
                except OSError:
                    pass
    return n
