"""Atomic output: write beside the target, then rename over it, so a failed or killed run never
leaves a half-written file or clobbers an earlier good one. Every output of geostory goes
through here.

    with together():            # several outputs of one run: all are replaced, or none is
        write_html(story, "map.html")
        write_geojson(story, "map.geojson")

A target must be a regular file or not exist yet: a folder, a device (``/dev/null``), a FIFO or
a symbolic link is refused with an `OutputError` (resolve a link first to write through it).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .errors import OutputError

__all__ = ["atomic_writer", "check_target", "together", "write_bytes", "write_text"]


@dataclass
class _Group:
    staged: list[tuple[str, Path]] = field(default_factory=list)  # (temp file, target)


_group: contextvars.ContextVar[_Group | None] = contextvars.ContextVar("geostory_atomic_group", default=None)


def check_target(path: str | os.PathLike) -> Path:
    """`path` if it can be an output: a regular file or nothing yet, in an existing folder."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except (OSError, ValueError) as err:  # a name too long; a NUL byte
        raise OutputError(f"cannot write {target}: {getattr(err, 'strerror', None) or err}") from err
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputError(
                f"cannot write {target}: it is a symbolic link (pass --follow to write to its target)"
            )
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"cannot write {target}: it is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(f"cannot write {target}: it is not a regular file (a device, FIFO or socket)")
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: folder {folder} does not exist")
    return target


@contextlib.contextmanager
def together() -> Iterator[None]:
    """Stage every atomic write inside the block; replace all targets at its end, or none.

    Nothing is renamed until the block ends without error; if one rename fails, the targets
    already replaced get their earlier content back.
    """
    if _group.get() is not None:  # nested: the outer block commits
        yield
        return
    group = _Group()
    token = _group.set(group)
    try:
        yield
    except BaseException:
        _discard(group)
        raise
    finally:
        _group.reset(token)
    _commit(group)


def _discard(group: _Group) -> None:
    for temp, _ in group.staged:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _commit(group: _Group) -> None:
    done: list[tuple[Path, str | None]] = []  # (target, backup of its earlier content; "" if none kept)
    backups: list[str] = []
    target = None
    try:
        for temp, target in group.staged:
            backup = None
            if target.exists():
                backup = f"{temp}.old"
                try:
                    os.link(target, backup)  # same folder, so same file system
                    backups.append(backup)
                except OSError:  # no hard links here: this one cannot be rolled back
                    backup = ""
            os.replace(temp, target)
            done.append((target, backup))
    except BaseException as err:  # a full disk, a Ctrl-C: put back what was replaced
        for replaced, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is None:
                    os.unlink(replaced)
                elif backup:
                    os.replace(backup, replaced)
        _discard(group)
        _remove(backups)
        if isinstance(err, OSError):
            raise OutputError(f"cannot write {target}: {err.strerror or err}; no output was changed") from err
        raise
    _remove(backups)


def _remove(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike, *, binary: bool = False) -> Iterator[IO]:
    """Yield a file object; on success it replaces `path`, on any error it is removed.

    OS errors become a one-line `OutputError` naming the path. Inside `together()` the rename
    waits for the end of the block.
    """
    target = check_target(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as err:
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
    group = _group.get()
    try:
        opened = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        with opened as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # like open(): mkstemp's 0600 would hide a map from a web server
        if group is not None:
            group.staged.append((temp, target))
        else:
            os.replace(temp, target)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise OutputError(f"cannot write {target}: {err.strerror or err}") from err
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically."""
    with atomic_writer(path, binary=True) as handle:
        handle.write(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write `text` to `path` atomically (UTF-8, LF)."""
    with atomic_writer(path) as handle:
        handle.write(text)
    return Path(path)
