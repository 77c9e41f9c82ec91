"""Safe file writes: atomic replace and a lock on the framework folder.

:func:`atomic_write` writes the new bytes to a temporary file in the same
folder, flushes them to disk and renames the file over the target in one step,
so a crash or an interruption at any moment leaves either the old file or the
new one, never a mixture. :func:`write_if_changed` writes a file only when
its bytes differ (the book's outputs, so incremental builds stay quiet and
file times mean something). :func:`folder_lock` serialises writers (two ``add``
runs at once) with an advisory lock on the folder itself, so no lock file is
left behind.

The steps are small module-level functions so the tests can inject a failure
at each one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from pathlib import Path

from .errors import EditError

#: Seconds to wait for another writer before giving up.
LOCK_TIMEOUT = 30.0

_TEMP_PREFIX = ".socioaffective-"
_TEMP_SUFFIX = ".tmp"
#: Names of the temporary files of an atomic write (the loader skips them).
TEMP_PREFIX, TEMP_SUFFIX = _TEMP_PREFIX, _TEMP_SUFFIX


def _explain(exc: OSError, folder: Path) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"cannot write in `{folder}`: permission denied (the folder is read-only for you); make it writable, or copy the framework somewhere you can write"
        )
    if exc.errno == errno.EROFS:
        return f"cannot write in `{folder}`: the file system is read-only; copy the framework somewhere writable"
    if exc.errno == errno.ENOSPC:
        return f"cannot write in `{folder}`: no space left on the device"
    return f"cannot write in `{folder}`: {exc.strerror or exc}"


# -- the steps of a write (patched by the tests to inject failures) -----------
def _make_temp(folder: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=folder)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _fsync(fd: int) -> None:
    os.fsync(fd)


def _replace(src: str, dst: str) -> None:
    os.replace(src, dst)


def _sync_folder(folder: Path) -> None:
    # Make the rename itself durable; not every platform can open a folder.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (a temporary file, then a rename).

    The file keeps its permission bits; a new file gets the usual ones (0666
    less the umask). If anything fails, or the process is interrupted
    (``KeyboardInterrupt``), before the rename, the temporary file is removed
    and ``path`` is untouched. ``OSError`` becomes :class:`EditError`.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> atomic_write(p, b"one\\n"); atomic_write(p, b"two\\n"); p.read_bytes()
    b'two\\n'
    """
    target = Path(os.path.realpath(path))  # write through a symbolic link, not over it
    folder = target.parent
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise EditError(_explain(exc, folder)) from None
    try:
        fd, tmp = _make_temp(folder)
    except OSError as exc:
        raise EditError(_explain(exc, folder)) from None
    try:
        try:
            _write_all(fd, data)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            _fsync(fd)
        finally:
            os.close(fd)
        _replace(tmp, str(target))
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise EditError(_explain(exc, folder)) from None
        raise
    _sync_folder(folder)


def write_if_changed(path: str | os.PathLike, data: bytes | str) -> bool:
    """Write ``data`` to ``path`` only if the file's bytes differ; True if it wrote.

    Text is written as UTF-8. Missing parent folders are made. The one
    function for "leave an unchanged file alone" (book outputs, page stubs,
    the downloads); a plain write, not :func:`atomic_write` (build outputs
    are regenerated, not edited).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.txt"
    >>> write_if_changed(p, "one"), write_if_changed(p, b"one"), write_if_changed(p, "two")
    (True, False, True)
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    target = Path(path)
    try:
        if target.stat().st_size == len(raw) and target.read_bytes() == raw:
            return False
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(raw)
    return True


def copy_if_changed(src: str | os.PathLike, dst: str | os.PathLike) -> bool:
    """Copy ``src`` to ``dst`` unless ``dst`` already holds the same bytes; True if it wrote."""
    return write_if_changed(dst, Path(src).read_bytes())


def leftover_temp_files(folder: str | os.PathLike) -> list[Path]:
    """Temporary files a killed writer may have left in ``folder`` (normally none)."""
    return sorted(Path(folder).glob(f"{_TEMP_PREFIX}*{_TEMP_SUFFIX}"))


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike, timeout: float = LOCK_TIMEOUT):
    """Hold an exclusive advisory lock on ``folder`` while the block runs.

    Another process asking for the same lock waits up to ``timeout`` seconds,
    then gets an :class:`EditError`. On systems without ``fcntl`` (Windows) a
    lock file ``.socioaffective.lock`` in the folder is used instead.
    """
    folder = Path(folder)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        with _lockfile(folder, timeout):
            yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise EditError(f"cannot open `{folder}` to lock it: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise EditError(
                        f"another process is editing `{folder}` (it holds the lock for over {timeout:g} s); wait for it to finish and run the command again"
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _lockfile(folder: Path, timeout: float):  # pragma: no cover - Windows only
    import msvcrt

    path = folder / ".socioaffective.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise EditError(_explain(exc, folder)) from None
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]  # Windows-only API (mypy checks for Linux)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    raise EditError(f"another process is editing `{folder}`; run the command again when it is done") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]  # as above
    finally:
        os.close(fd)
