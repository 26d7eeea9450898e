"""The fixture world itself: what it serves, what it logs, and that it stops cleanly."""

from __future__ import annotations

import http.client
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_crawl

from compliant_scraper.demo.world import DEMO_SITE, Rule, VirtualWorld, load_rules

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[VirtualWorld]:
    (tmp_path / "a.test" / "docs").mkdir(parents=True)
    (tmp_path / "a.test" / "index.html").write_text("<p>home</p>")
    (tmp_path / "a.test" / "docs" / "page.html").write_text("<p>page</p>")
    (tmp_path / "a.test" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    (tmp_path / "secret.txt").write_text("outside every host")
    (tmp_path / "_world.toml").write_text(
        '[[rule]]\nhost = "a.test"\npath = "/robots.txt"\nstatus = 404\n\n'
        '[[rule]]\nhost = "a.test"\npath = "/go"\nredirect = "http://b.test/x"\n\n'
        '[[rule]]\nhost = "A.TEST."\npath = "/tdm/*"\nheaders = { "tdm-reservation" = "1" }\n\n'
        '[[rule]]\nhost = "a.test"\npath = "/reset"\nreset = true\n\n'
        '[[rule]]\nhost = "a.test"\npath = "/slow"\ndelay = 30.0\n\n'
        '[[rule]]\nhost = "a.test"\npath = "/denied"\nstatus = 401\nbody = "no"\n'
    )
    with VirtualWorld(tmp_path) as world:
        yield world


def get(world: VirtualWorld, url: str, method: str = "GET") -> http.client.HTTPResponse:
    """A request through the proxy, in absolute form, as Scrapy sends it."""
    conn = http.client.HTTPConnection("127.0.0.1", world.port, timeout=10)
    conn.request(method, url)
    return conn.getresponse()


@pytest.mark.parametrize(
    ("url", "status", "body", "content_type"),
    [
        ("http://a.test/", 200, b"<p>home</p>", HTML),
        ("http://a.test/docs/page.html?q=1", 200, b"<p>page</p>", HTML),
        ("http://a.test/docs", 404, b"not found\n", TEXT),
        ("http://a.test/missing.html", 404, b"not found\n", TEXT),
        ("http://a.test/../secret.txt", 404, b"not found\n", TEXT),
        ("http://a.test/%2e%2e/secret.txt", 404, b"not found\n", TEXT),
        (
            "http://a.test/robots.txt",
            404,
            b"User-agent: *\nDisallow: /\n",
            TEXT,
        ),
        ("http://a.test/denied", 401, b"no", TEXT),
        ("http://nowhere.test/", 502, b"unknown host 'nowhere.test'\n", "text/plain"),
    ],
)
def test_serves_files_and_rules(
    tiny: VirtualWorld, url: str, status: int, body: bytes, content_type: str
) -> None:
    response = get(tiny, url)
    assert (response.status, response.read()) == (status, body)
    assert response.getheader("Content-Type") == content_type


def test_redirect_and_headers(tiny: VirtualWorld) -> None:
    response = get(tiny, "http://a.test/go")
    assert response.status == 302
    assert response.getheader("Location") == "http://b.test/x"
    response.read()
    response = get(tiny, "http://a.test/tdm/page")
    assert response.getheader("tdm-reservation") == "1"


def test_logs_every_request(tiny: VirtualWorld) -> None:
    get(tiny, "http://A.Test.:8080/docs/page.html?x=1").read()
    get(tiny, "http://nowhere.test/", method="HEAD").read()
    hits = tiny.requests
    assert [(h.method, h.host, h.port, h.path) for h in hits] == [
        ("GET", "a.test", 8080, "/docs/page.html?x=1"),
        ("HEAD", "nowhere.test", None, "/"),
    ]
    assert hits[0].target == "http://A.Test.:8080/docs/page.html?x=1"
    assert hits[0].header("host") == "A.Test.:8080"
    assert tiny.contacted("test") and tiny.contacted("nowhere.test")
    assert not tiny.contacted("owhere.test")
    assert tiny.paths("a.test") == ["/docs/page.html?x=1"]
    tiny.clear()
    assert tiny.requests == []


def test_connect_is_logged_and_refused(tiny: VirtualWorld) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", tiny.port, timeout=10)
    conn.request("CONNECT", "www.linkedin.com:443")
    response = conn.getresponse()
    assert response.status == 403
    [hit] = tiny.requests
    assert (hit.method, hit.host, hit.port) == ("CONNECT", "www.linkedin.com", 443)


def test_reset_closes_without_response(tiny: VirtualWorld) -> None:
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        get(tiny, "http://a.test/reset").read()
    assert tiny.paths("a.test") == ["/reset"]


def test_stop_does_not_wait_for_a_delayed_response(tmp_path: Path) -> None:
    world = VirtualWorld(rules=[Rule("slow.test", "/", delay=30.0)]).start()
    try:
        sock = socket.create_connection(("127.0.0.1", world.port), timeout=10)
        sock.sendall(b"GET http://slow.test/ HTTP/1.1\r\nHost: slow.test\r\n\r\n")
        for _ in range(200):  # wait (bounded) until the request is in
            if world.requests:
                break
            time.sleep(0.05)
    finally:
        world.stop()
    assert not world.running
    assert [h.host for h in world.requests] == ["slow.test"]
    sock.settimeout(10)
    assert sock.recv(100) == b""  # closed, without an answer
    sock.close()


def test_keep_alive_connection_does_not_block_stop(tiny: VirtualWorld) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", tiny.port, timeout=10)
    conn.request("GET", "http://a.test/")
    conn.getresponse().read()  # the connection stays open, its handler waiting
    tiny.stop()
    assert not tiny.running


def test_run_crawl_refuses_an_environment_that_is_not_proxied(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="https_proxy"):
        run_crawl("directory", tmp_path, env={"http_proxy": "http://127.0.0.1:1"})
    assert list(tmp_path.iterdir()) == []  # nothing ran


def test_env_routes_http_and_https(tiny: VirtualWorld) -> None:
    env = tiny.env()
    assert env["http_proxy"] == env["https_proxy"] == env["HTTPS_PROXY"] == tiny.proxy_url
    assert tiny.proxy_url.startswith("http://127.0.0.1:")
    assert env["no_proxy"] == env["NO_PROXY"] == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rule]]\nhost = "a.test"\npath = "/"\ncolour = "red"\n', "unknown keys ['colour']"),
        ('[[rule]]\npath = "/"\n', "host and path (strings) are required"),
        ('[[rule]]\nhost = "a.test"\npath = "/"\ndelay = 99\n', "delay must be between"),
        ('[[rule]]\nhost = "a.test"\npath = "/"\nstatus = 9\n', "status must be"),
        ("[rules]\nx = 1\n", "unknown top-level keys ['rules']"),
    ],
)
def test_bad_behaviours_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "_world.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=f"_world.toml: .*{re.escape(message)}"):
        load_rules(path)


def test_demo_site_loads() -> None:
    world = VirtualWorld(DEMO_SITE)
    assert {"annuaire-demo.test", "pros-demo.test"} <= world.hosts_served
    total = sum(p.stat().st_size for p in DEMO_SITE.rglob("*") if p.is_file())
    assert total < 200 * 1024
