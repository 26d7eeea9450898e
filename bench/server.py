"""The static server the crawls fetch from, on 127.0.0.1: nginx when installed, else
``bench.pyserver``. Scrapy reaches the site's host name through it as a forward proxy
(``http_proxy=http://127.0.0.1:PORT``): a proxy request carries the absolute URL, and both
servers pick the virtual host from it, so no DNS is involved and nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Final

from .common import PYTHON, ROOT, children_of, process_cpu_s

START_TIMEOUT: Final = 15.0
STOP_TIMEOUT: Final = 10.0

_NGINX_CONF: Final = """worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
{user}
events {{ worker_connections 4096; }}
http {{
    access_log off;
    types {{
        text/html html;
        text/plain txt;
        text/css css;
        application/json json;
        application/xml xml;
    }}
    default_type application/octet-stream;
    charset utf-8;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    open_file_cache max=50000 inactive=300s;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port} default_server;
        server_name {host};
        root {docroot};
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def nginx_path() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StaticServer:
    """``with StaticServer(site_root, host) as server:`` serves ``site_root/<host>/``.

    ``kind`` is ``auto`` (nginx if installed), ``nginx`` or ``python``; ``server.kind`` says
    which one runs, ``server.proxy`` is the URL to put in ``http_proxy``.
    """

    def __init__(self, site_root: Path, host: str, kind: str = "auto") -> None:
        if kind not in ("auto", "nginx", "python"):
            raise ValueError(f"server kind {kind!r}: expected auto, nginx or python")
        self.site_root = site_root
        self.host = host
        self.wanted = kind
        self.kind = ""
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> StaticServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        nginx = nginx_path()
        if self.wanted == "nginx" and nginx is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-server-")
        self.port = free_port()
        if nginx is not None and self.wanted != "python":
            self.kind = "nginx"
            self.proc = self._start_nginx(nginx, Path(self._tmp.name))
        else:
            self.kind = "python"
            self.proc = subprocess.Popen(
                [PYTHON, "-m", "bench.pyserver", str(self.site_root), "--port", str(self.port)],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=(Path(self._tmp.name) / "server.log").open("wb"),
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
        self._wait_ready()

    def _start_nginx(self, nginx: str, tmp: Path) -> subprocess.Popen[bytes]:
        conf = tmp / "nginx.conf"
        conf.write_text(
            _NGINX_CONF.format(
                tmp=tmp,
                port=self.port,
                host=self.host,
                docroot=(self.site_root / self.host).resolve(),
                # Running as root, workers would switch to "nobody": keep the caller's user so
                # they can read a site in a private temporary directory.
                user="user root;" if os.geteuid() == 0 else "",
            ),
            encoding="utf-8",
        )
        return subprocess.Popen(
            [nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(tmp / "nginx.stderr").open("wb"),
        )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        assert self.proc is not None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = self._log()
                self.stop()
                raise RuntimeError(f"{self.kind} server exited at start:\n{log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.kind} server not listening after {START_TIMEOUT:.0f} s")

    def _log(self) -> str:
        if self._tmp is None:
            return ""
        parts = []
        for name in ("error.log", "nginx.stderr", "server.log"):
            path = Path(self._tmp.name) / name
            if path.exists():
                parts.append(path.read_text(encoding="utf-8", errors="replace")[-2000:])
        return "\n".join(parts)

    def cpu_s(self) -> float:
        """CPU seconds the server has used so far (nginx: master and workers)."""
        if self.proc is None:
            return 0.0
        pids = [self.proc.pid, *children_of(self.proc.pid)]
        return sum(process_cpu_s(pid) for pid in pids)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()  # nginx: fast shutdown; pyserver: clean stop
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(STOP_TIMEOUT)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
