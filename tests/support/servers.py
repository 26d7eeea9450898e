"""Fixtures for real ``redis-server`` and PostgreSQL processes (``compliant_scraper.demo.servers``).

- ``redis_server`` / ``postgres_server``: one process per test session, on a free port of
  127.0.0.1 with a password, stopped by its PID at the end of the session.
- ``redis_url``: the session's Redis, emptied (``FLUSHALL``) before the test.
- ``postgres_url``: a database of its own for the test, on the session's PostgreSQL.
- ``postgres_schema_url``: cheaper (a ``CREATE DATABASE`` takes about a second here): a
  schema of its own for the test in one shared database, named by the URL's ``search_path``.

When a binary is not installed the tests that need it are skipped, saying which one and how
to install it (``make system-deps``). CI installs both, so there they always run.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TypeVar
from urllib.parse import quote

import psycopg
import pytest
import redis

from compliant_scraper.demo.servers import PostgresServer, RedisServer, ServerUnavailable

_databases = itertools.count(1)
S = TypeVar("S", RedisServer, PostgresServer)


def _running(server: S) -> Iterator[S]:
    try:
        server.start()
    except ServerUnavailable as exc:
        server.stop()
        pytest.skip(str(exc))
    except BaseException:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    yield from _running(RedisServer())


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    client = redis.Redis.from_url(redis_server.url)
    try:
        client.flushall()
    finally:
        client.close()
    return redis_server.url


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    yield from _running(PostgresServer())


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    return postgres_server.create_database(f"test_{next(_databases)}")


@pytest.fixture(scope="session")
def _postgres_shared(postgres_server: PostgresServer) -> str:
    return postgres_server.create_database("shared")


@pytest.fixture
def postgres_schema_url(_postgres_shared: str) -> str:
    schema = f"test_{next(_databases)}"
    with psycopg.connect(_postgres_shared, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{_postgres_shared}?options={quote(f'-csearch_path={schema}')}"
