"""Writing outputs safely: regular files atomically (temp file + rename), streams in place, anything else refused.

``-o`` comes from a command line that may run in CI on a pull request, and the output folder may hold
whatever the pull request put there. So the writer looks at what the path is before writing, without
following a symbolic link:

- missing, or a regular file: a temp file in the same folder, renamed into place (nothing half-written);
- a character device or a FIFO (``/dev/null``, a terminal, a named pipe): streamed into, never replaced;
- the process's own descriptors (``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N``, ``/proc/self/fd/N``):
  written to that descriptor, wherever the shell pointed it;
- anything else (a directory, a symbolic link, a socket, a block device): refused, exit 2.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from pathlib import Path

from cjm.errors import InputError

_STANDARD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}


def write_atomic(path: str | Path, data: str | bytes, *, overwrite: bool = True, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` as the module docstring says; with ``overwrite=False`` an existing file is refused.

    A regular file is created with ``mode`` (default: 0o644 less the umask) before it is renamed into place.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    descriptor = own_descriptor(target)
    if descriptor is not None:
        _write_descriptor(target, descriptor, payload)
        return
    mode = _lstat_mode(target)
    if mode is None or stat.S_ISREG(mode):
        _replace(target, payload, overwrite, mode)
    elif stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        _stream(target, payload)
    else:
        raise InputError(f"{target}: {_refusal(mode)}; cjm writes only to a regular file, a device or a FIFO")


def rewrite(path: str, text: str) -> None:
    """Replace an existing file's text atomically, with its permissions (a link stays a link: its target is written).

    The one writer of the commands that edit journey files in place (``cjm fmt``, ``cjm validate --fix``).
    """
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode & 0o7777
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    write_atomic(target, text, mode=mode)


def unified_diff(path: str, before: str, after: str) -> str:
    """What :func:`rewrite` would change, ``before`` to ``after``, as a unified diff of ``path`` (empty when none)."""
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def is_stream(path: str | Path) -> bool:
    """Whether ``path`` is written by streaming (a device, a FIFO, a descriptor of this process), not replaced."""
    target = Path(path)
    if own_descriptor(target) is not None:
        return True
    mode = _lstat_mode(target)
    return mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode))


def unchanged(path: str | Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file already holding exactly ``data`` (a device or FIFO is never read)."""
    target = Path(path)
    try:
        info = os.lstat(target)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def own_descriptor(path: Path) -> int | None:
    """The descriptor number when ``path`` names one of this process's open descriptors, else None."""
    absolute = os.path.abspath(path)
    if absolute in _STANDARD_STREAMS:
        return _STANDARD_STREAMS[absolute]
    parent = os.path.realpath(os.path.dirname(absolute))
    name = os.path.basename(absolute)
    if parent in (f"/proc/{os.getpid()}/fd", "/dev/fd") and name.isdigit():
        return int(name)
    return None


def _lstat_mode(target: Path) -> int | None:
    try:
        return os.lstat(target).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None


def _refusal(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISLNK(mode):
        return "is a symbolic link (cjm does not write through links; pass the real path)"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    if stat.S_ISBLK(mode):
        return "is a block device"
    return "is not a regular file"


def _write_descriptor(target: Path, descriptor: int, payload: bytes) -> None:
    """Write to an inherited descriptor; flush Python's own buffer first so the order of output holds."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    try:
        _write_all(descriptor, payload)
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None


def _stream(target: Path, payload: bytes) -> None:
    """Stream into a device or FIFO opened as it is: never created, truncated, replaced or followed."""
    flags = os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):  # swapped since it was looked at
            raise InputError(f"{target}: {_refusal(mode)}; cjm writes only to a regular file, a device or a FIFO")
        _write_all(fd, payload)
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def _replace(target: Path, payload: bytes, overwrite: bool, mode: int | None = None) -> None:
    """A temp file in the target's folder, renamed (or, without ``overwrite``, hard-linked) into place."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644 & ~_umask() if mode is None else mode)
        if overwrite:
            now = _lstat_mode(target)  # looked at again just before the rename: the window stays small
            if now is not None and not stat.S_ISREG(now):
                raise InputError(f"{target}: {_refusal(now)}; cjm writes only to a regular file, a device or a FIFO")
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if the target exists: never clobbers
            except FileExistsError:
                raise InputError(f"{target}: already exists; cjm will not overwrite it") from None
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
