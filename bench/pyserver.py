"""A fast static HTTP/1.1 server for machines without nginx: ``python -m bench.pyserver``.

Every file under ``ROOT/<host>/`` is read into memory at start; requests are answered by
virtual host (the ``Host`` header, or the host of an absolute-form target, which is what a
client sends to a forward proxy), with keep-alive, from one asyncio event loop. Only GET
and HEAD; no ranges, no compression. It stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import mimetypes
import signal
from pathlib import Path
from typing import Final

_REASONS: Final = {200: b"OK", 400: b"Bad Request", 404: b"Not Found", 405: b"Not Allowed"}
_MAX_HEAD: Final = 64 * 1024


def load_files(root: Path) -> dict[tuple[str, str], tuple[bytes, bytes]]:
    """(host, path) -> (content type, body) for every file; ``/dir/`` serves its index.html."""
    files: dict[tuple[str, str], tuple[bytes, bytes]] = {}
    for host_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        host = host_dir.name.lower()
        for path in host_dir.rglob("*"):
            if not path.is_file() or path.name.startswith("."):
                continue
            rel = "/" + path.relative_to(host_dir).as_posix()
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if kind.startswith("text/"):
                kind += "; charset=utf-8"
            entry = (kind.encode("ascii"), path.read_bytes())
            files[(host, rel)] = entry
            if path.name == "index.html":
                files[(host, rel[: -len("index.html")])] = entry
    return files


class _Handler(asyncio.Protocol):
    def __init__(self, files: dict[tuple[str, str], tuple[bytes, bytes]]) -> None:
        self.files = files
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD:
                    self._close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            if not self._answer(head):
                self._close()
                return

    def _answer(self, head: bytes) -> bool:
        lines = head.split(b"\r\n")
        try:
            method, target, version = lines[0].split(b" ")
        except ValueError:
            self._send(400, b"text/plain", b"bad request line\n", close=True)
            return False
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers or b"transfer-encoding" in headers:
            self._send(405, b"text/plain", b"no request bodies\n", close=True)
            return False
        host = headers.get(b"host", b"")
        if target.startswith((b"http://", b"https://")):
            authority, slash, rest = target.split(b"://", 1)[1].partition(b"/")
            host, target = authority, slash + rest
        host_name = host.decode("latin-1").partition(":")[0].lower()
        path = target.decode("latin-1").partition("?")[0].partition("#")[0]
        keep = version == b"HTTP/1.1" and headers.get(b"connection", b"").lower() != b"close"
        if method not in (b"GET", b"HEAD"):
            self._send(405, b"text/plain", b"GET and HEAD only\n", close=not keep)
            return keep
        entry = self.files.get((host_name, path))
        if entry is None:
            self._send(404, b"text/html; charset=utf-8", b"<h1>Not found</h1>\n", close=not keep)
        else:
            kind, body = entry
            self._send(200, kind, body, close=not keep, head_only=method == b"HEAD")
        return keep

    def _send(
        self, status: int, kind: bytes, body: bytes, *, close: bool, head_only: bool = False
    ) -> None:
        if self.transport is None:
            return
        head = b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n" % (
            status,
            _REASONS.get(status, b"Error"),
            kind,
            len(body),
            b"Connection: close\r\n" if close else b"",
        )
        self.transport.write(head if head_only else head + body)

    def _close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def serve(root: Path, host: str, port: int) -> None:
    files = load_files(root)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Handler(files), host, port, backlog=1024)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"serving {len(files)} files on {host}:{port}", flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a directory of <host>/ folders")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.root, args.host, args.port))


if __name__ == "__main__":
    main()
