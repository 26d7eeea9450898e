"""``audit serve``: Datasette over the store, on 127.0.0.1 only, with the auditor's metadata.

Datasette is optional (``pip install 'compliant-scraper[audit]'``); this package never
imports it. The command **becomes** Datasette (``os.execv`` of ``python -m datasette``), so
stopping or killing the command stops the server: no child is left serving the personal data
(issue 9 item 15). Its metadata and configuration are handed over in anonymous memory files
(``memfd_create``, read by Datasette as ``/proc/self/fd/N``), so no temporary folder exists
to be left behind. Where ``memfd_create`` is missing (not Linux), Datasette runs as a child:
SIGTERM, SIGINT and SIGHUP are passed on to it, and the temporary folder is removed when it
stops.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from ..store.database import open_read_only
from .base import ToolingError
from .datasette_meta import serve_documents, serve_files

HOST: Final = "127.0.0.1"
INSTALL_HINT: Final = "Datasette is not installed: pip install 'compliant-scraper[audit]'"
FORWARDED: Final = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def datasette_installed() -> bool:
    return importlib.util.find_spec("datasette") is not None


def serve_command(db_path: Path, port: int, options: Sequence[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--host",
        HOST,
        "--port",
        str(port),
        *options,
    ]


def serve(db_path: Path, port: int, run: Callable[[list[str]], int] | None = None) -> int:
    """Serve ``db_path`` until Datasette stops. Without ``run`` (tests pass one), this
    process is replaced by Datasette where it can be, and never returns."""
    if not datasette_installed():
        raise ToolingError(INSTALL_HINT)
    if not db_path.is_file():
        raise ToolingError(f"no database at {db_path} (pass --db PATH, or run a crawl first)")
    open_read_only(db_path).close()  # a compliant-scraper store, or a clear error
    if run is None and hasattr(os, "memfd_create"):
        _exec_datasette(db_path, port)  # pragma: no cover - the process is replaced
    with tempfile.TemporaryDirectory(prefix="compliant-scraper-datasette-") as tmp:
        command = serve_command(db_path, port, serve_files(db_path, Path(tmp)))
        return run(command) if run is not None else _run_forwarding(command)


def _exec_datasette(db_path: Path, port: int) -> None:
    options: list[str] = []
    for option, name, text in serve_documents(db_path):
        fd = os.memfd_create(name, 0)  # no MFD_CLOEXEC: Datasette inherits it
        os.write(fd, text.encode("utf-8"))
        os.set_inheritable(fd, True)
        options += [option, f"/proc/self/fd/{fd}"]
    sys.stdout.flush()
    sys.stderr.flush()
    command = serve_command(db_path, port, options)
    os.execv(command[0], command)


def _run_forwarding(command: list[str]) -> int:
    """Datasette as a child: the signals that stop this command stop it too."""
    proc = subprocess.Popen(command)

    def forward(signum: int, _frame: Any) -> None:
        proc.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED}
    try:
        return proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc.poll() is None:
            proc.terminate()
            proc.wait()
