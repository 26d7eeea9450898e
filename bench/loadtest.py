"""How fast the static server answers, so it is known not to be what limits a crawl.

Two clients, both bounded in requests and seconds: a small asyncio keep-alive client in
Python that walks the site's pages through the server as a forward proxy (as Scrapy does),
and ApacheBench (``ab``, from apache2-utils) on one page when it is installed. The server's
own CPU time per request is the figure that matters: a client in Python saturates before
nginx does.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from typing import Any

from .server import StaticServer


async def _worker(
    port: int, host: str, paths: Sequence[str], start: int, step: int, state: dict[str, Any]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        index = start
        while state["sent"] < state["limit"] and time.perf_counter() < state["deadline"]:
            state["sent"] += 1
            path = paths[index % len(paths)]
            index += step
            writer.write(
                f"GET http://{host}{path} HTTP/1.1\r\nHost: {host}\r\n"
                "User-Agent: bench-loadtest\r\nAccept-Encoding: identity\r\n\r\n".encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
            match = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if match is None:
                raise RuntimeError(f"response without Content-Length: {head[:200]!r}")
            body = await reader.readexactly(int(match.group(1)))
            status = int(head.split(b" ", 2)[1])
            state["ok" if status == 200 else "other"] += 1
            state["bytes"] += len(body)
    finally:
        writer.close()


async def _run(
    port: int, host: str, paths: Sequence[str], requests: int, seconds: float, concurrency: int
) -> dict[str, Any]:
    state: dict[str, Any] = {
        "sent": 0,
        "limit": requests,
        "deadline": time.perf_counter() + seconds,
        "ok": 0,
        "other": 0,
        "bytes": 0,
    }
    started = time.perf_counter()
    await asyncio.gather(
        *(_worker(port, host, paths, i, concurrency, state) for i in range(concurrency))
    )
    state["seconds"] = time.perf_counter() - started
    return state


def python_client(
    server: StaticServer,
    paths: Sequence[str],
    *,
    requests: int,
    seconds: float,
    concurrency: int = 16,
) -> dict[str, Any]:
    """Requests per second seen by the Python client, and the server's CPU per request."""
    cpu_before = server.cpu_s()
    state = asyncio.run(_run(server.port, server.host, paths, requests, seconds, concurrency))
    server_cpu = server.cpu_s() - cpu_before
    done = state["ok"] + state["other"]
    return {
        "client": "python asyncio",
        "concurrency": concurrency,
        "requests": done,
        "non_200": state["other"],
        "seconds": state["seconds"],
        "req_per_s": done / state["seconds"],
        "mb_per_s": state["bytes"] / state["seconds"] / 1e6,
        "server_cpu_s": server_cpu,
        "server_cpu_ms_per_req": 1000 * server_cpu / done if done else None,
        "server_req_per_cpu_s": done / server_cpu if server_cpu > 0 else None,
    }


def ab_client(
    server: StaticServer, path: str, *, requests: int, seconds: float, concurrency: int = 16
) -> dict[str, Any] | None:
    """ApacheBench through the server as a proxy, keep-alive; None when ``ab`` is missing."""
    ab = shutil.which("ab")
    if ab is None:
        return None
    cpu_before = server.cpu_s()
    command = [
        ab,
        "-q",
        "-k",
        "-t",  # before -n: -t alone implies -n 50000
        str(max(1, int(seconds))),
        "-n",
        str(requests),
        "-c",
        str(concurrency),
        "-X",
        f"127.0.0.1:{server.port}",
        f"http://{server.host}{path}",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 30, check=False
        )
    except subprocess.TimeoutExpired:
        return None
    server_cpu = server.cpu_s() - cpu_before
    rate = re.search(r"Requests per second:\s+([\d.]+)", done.stdout)
    complete = re.search(r"Complete requests:\s+(\d+)", done.stdout)
    failed = re.search(r"Failed requests:\s+(\d+)", done.stdout)
    if rate is None or complete is None:
        return {"client": "ab", "error": (done.stderr or done.stdout)[-500:]}
    count = int(complete.group(1))
    return {
        "client": "ab (ApacheBench)",
        "concurrency": concurrency,
        "requests": count,
        "failed": int(failed.group(1)) if failed else None,
        "req_per_s": float(rate.group(1)),
        "server_cpu_s": server_cpu,
        "server_cpu_ms_per_req": 1000 * server_cpu / count if count else None,
        "server_req_per_cpu_s": count / server_cpu if server_cpu > 0 else None,
    }
