"""Datasette metadata for ``audit serve``: every table described, every canned query runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support.tooling import add_contact, make_env

from compliant_scraper.tooling import datasette_meta


def test_every_table_is_described(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    tables = {name for name in env.db.table_names() if not name.startswith(("_", "sqlite_"))}
    assert tables == set(datasette_meta.TABLES)
    meta = datasette_meta.build_metadata(env.db_path, with_queries=True)
    described = meta["databases"]["c"]["tables"]
    assert described["opposition_numbers"]["hidden"] is True
    assert set(meta["databases"]["c"]["queries"]) == set(datasette_meta.QUERIES)


@pytest.mark.parametrize("name", sorted(datasette_meta.QUERIES))
def test_canned_query_runs(tmp_path: Path, name: str) -> None:
    env = make_env(tmp_path)
    add_contact(env.db, name="Jeanne", email="jeanne.martin@cabinet-martin.fr")
    sql = datasette_meta.QUERIES[name]["sql"]
    params = {
        p: "1" if p == "id" else "jeanne.martin@cabinet-martin.fr"
        for p in re.findall(r":(\w+)", sql)
    }
    rows = env.db.execute(sql, params).fetchall()
    # Every case asserts (issue 9 item 17): the queries over the one contact find it; the
    # others find nothing in a store with no drops, refusals, exports, lists or expiry.
    if name.startswith(("provenance", "contacts_by", "notices", "audit_log")):
        assert rows, name
    else:
        assert rows == [], name


def test_serve_files_for_datasette_0_64_and_1_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "c.db"
    monkeypatch.setattr(datasette_meta, "datasette_major", lambda: 0)
    old = datasette_meta.serve_files(db, tmp_path)
    assert old == ["--metadata", str(tmp_path / "metadata.json")]
    assert "queries" in json.loads((tmp_path / "metadata.json").read_text())["databases"]["c"]
    monkeypatch.setattr(datasette_meta, "datasette_major", lambda: 1)
    new = datasette_meta.serve_files(db, tmp_path)
    assert new[-2:] == ["--config", str(tmp_path / "datasette.json")]
    assert "queries" not in json.loads((tmp_path / "metadata.json").read_text())["databases"]["c"]
    assert set(json.loads((tmp_path / "datasette.json").read_text())["databases"]["c"]["queries"])
