"""A world of virtual hosts behind a local forward HTTP proxy, for end-to-end tests and the demo.

Scrapy reaches it through ``http_proxy=http://127.0.0.1:PORT`` (the environment variable its
``HttpProxyMiddleware`` honours) or ``meta["proxy"]``, so real host names (``www.linkedin.com``)
can be served without DNS and without any traffic leaving 127.0.0.1. Every request received is
logged, so "this host was never contacted" is an assertion, not a hope.

- Content: ``<root>/<host>/<path>`` static files (``index.html`` for a directory).
- Behaviours: ``<root>/_world.toml`` (or ``Rule`` objects given in Python): a fixed status,
  a body, extra headers, a redirect, a delay, a connection reset. See docs/testing.md.
- A host with neither files nor rules answers 502. ``CONNECT`` is logged and answered 403:
  the world never tunnels, and never opens an outbound connection.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import socket
import struct
import threading
import time
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Final
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)

DEMO_SITE: Final = Path(__file__).with_name("site")
DEMO_BLOCTEL: Final = Path(__file__).with_name("bloctel-demo.csv")
BEHAVIOURS_FILE: Final = "_world.toml"
MAX_DELAY: Final = 30.0  # seconds; a delayed response never holds a thread longer
_RULE_KEYS: Final = frozenset(
    {"host", "path", "status", "body", "content_type", "headers", "redirect", "delay", "reset"}
)
_PROXY_VARS: Final = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")
_NO_PROXY_VARS: Final = ("no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY")


@dataclass(frozen=True)
class Rule:
    """A behaviour for ``host`` and ``path`` (exact, or a prefix when it ends with ``*``).

    Unset fields keep the static answer: a rule with only ``headers`` serves the file with
    those headers added; a rule with only ``status`` serves the file's body with that status.
    """

    host: str
    path: str
    status: int | None = None
    body: str | None = None
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    redirect: str | None = None  # Location; status defaults to 302
    delay: float = 0.0  # seconds before answering (capped at MAX_DELAY)
    reset: bool = False  # close the connection without any response (TCP RST)

    def matches(self, host: str, path: str) -> bool:
        if self.host != host:
            return False
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path


@dataclass(frozen=True)
class Hit:
    """One request the proxy received, as received."""

    method: str
    host: str  # lower case, no trailing dot ("" when the request named none)
    port: int | None
    path: str  # path and query
    target: str  # the request target as sent (absolute form through a proxy)
    at: float  # time.time()
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)


def load_rules(path: Path) -> list[Rule]:
    """Parse a ``_world.toml``: ``[[rule]]`` tables with the fields of ``Rule``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {"rule"}
    if unknown:
        raise ValueError(f"{path}: unknown top-level keys {sorted(unknown)}; expected [[rule]]")
    rules = []
    for index, raw in enumerate(data.get("rule", [])):
        where = f"{path}: rule[{index}]"
        extra = set(raw) - _RULE_KEYS
        if extra:
            raise ValueError(f"{where}: unknown keys {sorted(extra)}")
        if not isinstance(raw.get("host"), str) or not isinstance(raw.get("path"), str):
            raise ValueError(f"{where}: host and path (strings) are required")
        try:
            rules.append(Rule(**{**raw, "host": _norm_host(raw["host"])}))
        except TypeError as exc:  # pragma: no cover - tomllib gives plain types
            raise ValueError(f"{where}: {exc}") from None
        _check_rule(rules[-1], where)
    return rules


def _check_rule(rule: Rule, where: str) -> None:
    if rule.status is not None and not (isinstance(rule.status, int) and 100 <= rule.status < 600):
        raise ValueError(f"{where}: status must be an HTTP status code, got {rule.status!r}")
    if not isinstance(rule.delay, int | float) or not 0 <= rule.delay <= MAX_DELAY:
        raise ValueError(f"{where}: delay must be between 0 and {MAX_DELAY} seconds")
    if not isinstance(rule.headers, Mapping) or not all(
        isinstance(v, str) for v in rule.headers.values()
    ):
        raise ValueError(f"{where}: headers must be a table of strings")


def _norm_host(host: str) -> str:
    return host.strip().lower().rstrip(".")


class VirtualWorld:
    """The proxy and its world, served from a background thread while the context is open.

    >>> with VirtualWorld(DEMO_SITE) as world:  # doctest: +SKIP
    ...     subprocess.run([...], env={**os.environ, **world.env()})
    ...     assert not world.contacted("linkedin.com")
    """

    def __init__(self, root: str | Path | None = None, rules: Iterable[Rule] = ()) -> None:
        self.root = Path(root).resolve() if root is not None else None
        self.rules: list[Rule] = list(rules)
        self.hosts_served: set[str] = set()
        if self.root is not None:
            behaviours = self.root / BEHAVIOURS_FILE
            if behaviours.exists():
                self.rules = load_rules(behaviours) + self.rules
            self.hosts_served = {
                _norm_host(p.name)
                for p in self.root.iterdir()
                if p.is_dir() and not p.name.startswith(("_", "."))
            }
        self.hosts_served |= {rule.host for rule in self.rules}
        self._log: list[Hit] = []
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _ProxyServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> VirtualWorld:
        if self._server is not None:
            raise RuntimeError("VirtualWorld already started")
        self._stopping.clear()
        self._server = _ProxyServer(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"virtual-world:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes delayed responses
        server.shutdown()  # ends serve_forever
        server.close_connections()  # wakes handlers waiting on idle keep-alive connections
        server.server_close()
        thread.join(timeout=10)
        server.join_handlers(timeout=5)
        self._server = self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> VirtualWorld:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- how to reach it ------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("VirtualWorld is not started")
        return int(self._server.server_address[1])

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment variables that send every HTTP(S) request of a process here.

        https_proxy too: an https URL that slips through is then a logged CONNECT answered
        403, never a connection to the real host. The no_proxy variables are emptied.
        """
        return {
            **dict.fromkeys(_PROXY_VARS, self.proxy_url),
            **dict.fromkeys(_NO_PROXY_VARS, ""),
        }

    # -- the request log ------------------------------------------------------------------

    def record(self, hit: Hit) -> None:
        with self._log_lock:
            self._log.append(hit)

    @property
    def requests(self) -> list[Hit]:
        """Every request received so far, in arrival order (a copy)."""
        with self._log_lock:
            return list(self._log)

    def clear(self) -> None:
        with self._log_lock:
            self._log.clear()

    def hosts(self) -> set[str]:
        """Every host a request was received for."""
        return {hit.host for hit in self.requests}

    def requests_to(self, host: str) -> list[Hit]:
        host = _norm_host(host)
        return [hit for hit in self.requests if hit.host == host]

    def paths(self, host: str) -> list[str]:
        """Paths requested on ``host``, in arrival order, repeats included."""
        return [hit.path for hit in self.requests_to(host)]

    def contacted(self, domain: str) -> bool:
        """Whether any request went to ``domain`` or a subdomain (whole-label match)."""
        domain = _norm_host(domain)
        return any(h == domain or h.endswith("." + domain) for h in self.hosts())

    # -- answering ------------------------------------------------------------------------

    def rule_for(self, host: str, path: str) -> Rule | None:
        """The first rule that matches (rules apply in file order, then Python order)."""
        return next((rule for rule in self.rules if rule.matches(host, path)), None)

    def static_file(self, host: str, path: str) -> Path | None:
        """The file serving ``path`` on ``host``; never a file outside the host's directory."""
        if self.root is None:
            return None
        base = (self.root / host).resolve()
        if self.root not in base.parents:
            return None
        candidate = (base / unquote(path).lstrip("/")).resolve()
        if candidate != base and base not in candidate.parents:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def wait(self, seconds: float) -> None:
        """Sleep for a delayed response; returns at once when the world stops."""
        self._stopping.wait(min(seconds, MAX_DELAY))

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, world: VirtualWorld) -> None:
        self.world = world
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._handlers: set[threading.Thread] = set()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self._handle, args=(request, client_address), daemon=True)
        with self._lock:
            self._sockets.add(request)
            self._handlers.add(thread)
        thread.start()

    def _handle(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except OSError:
            pass  # the client went away (or the world is stopping)
        except Exception:  # pragma: no cover - a bug in the handler, never a hang
            logger.exception("virtual world: error answering %s", client_address)
        finally:
            with self._lock:
                self._sockets.discard(request)
                self._handlers.discard(threading.current_thread())
            self.shutdown_request(request)

    def close_connections(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def join_handlers(self, timeout: float) -> None:
        with self._lock:
            handlers = list(self._handlers)
        for thread in handlers:
            thread.join(timeout=timeout)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer
    timeout = 30  # an idle keep-alive connection is closed after this
    server_version = "VirtualWorld/1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("virtual world: " + format, *args)

    def do_CONNECT(self) -> None:
        host, _, port = self.path.rpartition(":")
        self._record(_norm_host(host.strip("[]")), int(port) if port.isdigit() else None, "")
        self.close_connection = True
        self._send(403, b"the virtual world never tunnels\n", {"Content-Type": "text/plain"})

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def _serve(self) -> None:
        world = self.server.world
        host, port, path = self._target()
        self._record(host, port, path)
        self._discard_body()
        bare_path = path.split("?", 1)[0] or "/"
        if host not in world.hosts_served:
            self._send(502, f"unknown host {host!r}\n".encode(), {"Content-Type": "text/plain"})
            return
        rule = world.rule_for(host, bare_path)
        if rule is not None and rule.delay:
            world.wait(rule.delay)
            if world.stopping:
                self.close_connection = True
                return
        if rule is not None and rule.reset:
            self._reset()
            return
        self._answer(world, host, bare_path, rule)

    def _answer(self, world: VirtualWorld, host: str, path: str, rule: Rule | None) -> None:
        headers: dict[str, str] = {}
        if rule is not None and rule.redirect is not None:
            headers["Location"] = rule.redirect
            status, body = rule.status or 302, (rule.body or "").encode()
            headers["Content-Type"] = rule.content_type or "text/plain; charset=utf-8"
        else:
            file = world.static_file(host, path)
            status = 200 if file is not None else 404
            body = file.read_bytes() if file is not None else b"not found\n"
            headers["Content-Type"] = _content_type(file)
            if rule is not None:
                status = rule.status or status
                if rule.body is not None:
                    body = rule.body.encode()
                if rule.content_type:
                    headers["Content-Type"] = rule.content_type
        if rule is not None:
            headers.update(rule.headers)
        self._send(status, body, headers)

    def _target(self) -> tuple[str, int | None, str]:
        """Host, port and path of the request: absolute form, or origin form plus Host."""
        target = self.path
        if target.lower().startswith(("http://", "https://")):
            parts = urlsplit(target)
            netloc_host = parts.hostname or ""
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            return _norm_host(netloc_host), _port_of(parts), path
        host_header = self.headers.get("Host", "")
        parts = urlsplit("//" + host_header)
        return _norm_host(parts.hostname or ""), _port_of(parts), target

    def _record(self, host: str, port: int | None, path: str) -> None:
        self.server.world.record(
            Hit(
                method=self.command,
                host=host,
                port=port,
                path=path,
                target=self.path,
                at=time.time(),
                headers=tuple(self.headers.items()),
            )
        )

    def _discard_body(self) -> None:
        length = self.headers.get("Content-Length", "0")
        if length.isdigit() and int(length) > 0:
            self.rfile.read(min(int(length), 1 << 20))

    def _send(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reset(self) -> None:
        """Close the connection with a TCP RST and no response at all."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


def _port_of(parts: Any) -> int | None:
    try:
        port = parts.port
    except ValueError:
        return None
    return int(port) if port is not None else None


def _content_type(file: Path | None) -> str:
    if file is None:
        return "text/plain; charset=utf-8"
    guessed, _ = mimetypes.guess_type(file.name)
    if guessed is None:
        return "text/html; charset=utf-8"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def serve(root: Path) -> None:  # pragma: no cover - manual exploration
    """Serve ``root`` until interrupted, printing the proxy URL."""
    with VirtualWorld(root) as world:
        print(f"http_proxy={world.proxy_url}  hosts: {', '.join(sorted(world.hosts_served))}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    import sys

    serve(Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO_SITE)
