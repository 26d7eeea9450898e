"""The one digest the package writes: sha256, as lower-case hex (bottom layer)."""

from __future__ import annotations

import hashlib


def sha256_hex(data: bytes | str) -> str:
    """sha256 of ``data`` (a ``str`` is hashed as UTF-8), as 64 lower-case hex digits."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()
