"""The real-server launchers: started on 127.0.0.1 with a password, stopped by their PID."""

from __future__ import annotations

import os
import socket

import psycopg
import pytest
import redis

from compliant_scraper.demo.servers import PostgresServer, RedisServer, ServerUnavailable


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # a zombie of ours would still answer: it was reaped by wait() in stop()
    return False


def _started(server: RedisServer | PostgresServer) -> None:
    try:
        server.start()
    except ServerUnavailable as exc:
        server.stop()
        pytest.skip(str(exc))


def test_redis_server_needs_its_password_and_stops() -> None:
    server = RedisServer()
    _started(server)
    try:
        pid, folder = server.pid, server.folder
        assert folder is not None and folder.exists()
        assert redis.Redis.from_url(server.url).ping()
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as anonymous:
            anonymous.sendall(b"PING\r\n")
            assert anonymous.recv(100).startswith(b"-NOAUTH")
    finally:
        server.stop()
    assert _gone(pid) and not folder.exists()


def test_postgres_server_needs_its_password_and_stops() -> None:
    server = PostgresServer()
    _started(server)
    try:
        pid, folder = server.pid, server.folder
        with psycopg.connect(server.url) as conn:
            listen = conn.execute("SHOW listen_addresses").fetchone()
        assert listen == ("127.0.0.1",)
        wrong = server.url.replace(server.password, "wrong")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(wrong, connect_timeout=5)
        url = server.create_database("other")
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("other",)
        if os.geteuid() == 0:  # PostgreSQL refuses root: it runs as the postgres user
            with psycopg.connect(server.url) as conn:  # the backend lives while connected
                row = conn.execute("SELECT pg_backend_pid()").fetchone()
                assert row is not None and os.stat(f"/proc/{row[0]}").st_uid != 0
    finally:
        server.stop()
    assert _gone(pid) and folder is not None and not folder.exists()


def test_stop_is_idempotent_and_safe_before_start() -> None:
    server = RedisServer()
    server.stop()
    server.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.pid
