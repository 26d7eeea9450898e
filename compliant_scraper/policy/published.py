"""A registry as published to a cluster: its files, and the one sha256 that names them (R2).

``compliant-scraper cluster publish DIR`` validates the registry in ``DIR``, then stores the
files it was made of (``Registry.files``: controller, purposes, recipients, domain files and
the assessments they name) under ``registry_sha256`` of those files. A worker loads the
registry back by that sha256: ``materialise`` writes the files into a folder of the worker's
own and ``loader.load_registry`` validates them again there, so a worker judges with exactly
the files legal published, checked by the same code as ``policy validate``.

The sha256 of a registry is the sha256 of its listing, one line per file in sorted order:
``<relative path>\\0<sha256 of the file's bytes>\\n``. Two folders with the same files (same
names, same bytes) have the same sha256, wherever they live; any edit changes it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from .model import Registry


def registry_sha256(files: Mapping[str, bytes]) -> str:
    """The sha256 naming a registry made of ``files`` (relative path -> bytes)."""
    return listing_sha256({name: hashlib.sha256(data).hexdigest() for name, data in files.items()})


def listing_sha256(file_shas: Mapping[str, str]) -> str:
    """The registry sha256 from each file's sha256 (``Registry.files``)."""
    digest = hashlib.sha256()
    for name in sorted(file_shas):
        digest.update(f"{name}\0{file_shas[name]}\n".encode())
    return digest.hexdigest()


def files_of(registry: Registry) -> dict[str, bytes]:
    """The bytes of every file ``registry`` was read from, checked against the sha256 the
    loader recorded (``ValueError`` when a file changed on disk since it was validated)."""
    files: dict[str, bytes] = {}
    for name, sha in sorted(registry.files.items()):
        data = (registry.directory / name).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise ValueError(f"{name} changed while the registry was being published: run again")
        files[name] = data
    return files


def materialise(files: Mapping[str, bytes], folder: Path) -> Path:
    """Write ``files`` under ``folder`` (created owner-only) and return it. A name that would
    leave the folder (absolute, ``..``) is refused with ``ValueError``."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for name, data in files.items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"a registry file name must stay inside the registry: {name!r}")
        target = folder.joinpath(*relative.parts)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    return folder
