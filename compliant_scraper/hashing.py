"""The one digest the package writes: sha256, as lower-case hex (bottom layer); and the
key files of its keyed hashes, read and created without following symbolic links."""

from __future__ import annotations

import errno
import hashlib
import os
import stat


def sha256_hex(data: bytes | str) -> str:
    """sha256 of ``data`` (a ``str`` is hashed as UTF-8), as 64 lower-case hex digits."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# -- the key files of keyed hashes (suppression list, audit head) ---------------------------


class PrivateFileError(ValueError):
    """A key file that is not a regular file of this user's, mode 0600 (issue 10 item 12)."""


def read_private_file(path: str | os.PathLike[str], what: str) -> str:
    """The text of the key file ``path``, opened without following a symbolic link; it must
    be a regular file owned by this user, with no permission for group or others.
    ``FileNotFoundError`` when it does not exist; ``PrivateFileError`` otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise PrivateFileError(
                f"{what} {path} is a symbolic link: key files are opened only by their real "
                "path (a link could hand the crawl someone else's key); point the setting at "
                "the file itself"
            ) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PrivateFileError(f"{what} {path} is not a regular file")
        if info.st_uid != os.getuid():
            raise PrivateFileError(
                f"{what} {path} belongs to another user (uid {info.st_uid}): a key file must "
                "be yours, mode 0600"
            )
        if info.st_mode & 0o077:
            raise PrivateFileError(
                f"{what} {path} is readable by other users (mode "
                f"{stat.S_IMODE(info.st_mode):04o}): run `chmod 600 {path}`"
            )
        return handle.read().decode("ascii", errors="replace")


def create_private_file(path: str | os.PathLike[str], text: str) -> bool:
    """Create ``path`` (mode 0600, exclusively, never through a link) holding ``text``,
    synced to disk; False when it already exists (then read it with ``read_private_file``)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    return True
