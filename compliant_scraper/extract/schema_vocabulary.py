"""The schema.org type table (``schema_types.json``) and the script that regenerates it.

The table is derived from one named schema.org release: every type of the release's
``schemaorg-current-https-types.csv`` (the ``data/releases/<version>/`` folder of the
schemaorg/schemaorg repository), each with its kind: ``person`` (``Person`` and its subtypes),
``organization`` (``Organization`` and its subtypes, through every ``subTypeOf`` path) or
``other``. Only that derived mapping ships in the package (about 30 KB against 2.5 MB for the
CSV); :mod:`.schema_types` reads it and adds the project's own decisions on top (``Patient`` is
never extracted, ``IndividualPhysician`` is a person).

Regenerate after a schema.org release (the CSV is not shipped; download it by hand)::

    python -m compliant_scraper.extract.schema_vocabulary \\
        schemaorg-current-https-types.csv --release 30.0 --released 2026-03-19

Why the CSV and not ``schemaorg-current-https.jsonld``: the CSV has one row per type with its
direct supertypes, which is all the table needs, and reads with the standard library.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

DATA_FILE: Final = "schema_types.json"
KINDS: Final = ("person", "organization", "other")
_ROOTS: Final = {"Person": "person", "Organization": "organization"}
_SOURCE: Final = (
    "https://github.com/schemaorg/schemaorg/blob/main/data/releases/{release}/"
    "schemaorg-current-https-types.csv"
)


def _local(iri: str) -> str:
    return iri.strip().rstrip("/").rpartition("/")[2]


def supertypes(rows: Iterable[Mapping[str, str]]) -> dict[str, set[str]]:
    """Each type of a types CSV (columns ``id``, ``subTypeOf``) -> its direct supertypes."""
    table: dict[str, set[str]] = {}
    for row in rows:
        name = _local(row["id"])
        parents = {_local(p) for p in (row.get("subTypeOf") or "").split(",") if p.strip()}
        table.setdefault(name, set()).update(parents)
    return table


def kind_table(parents: Mapping[str, set[str]]) -> dict[str, str]:
    """Each type -> ``person``, ``organization`` or ``other``, through every supertype path.

    A type below both roots (there is none in schema.org 30.0) counts as an organization.
    """
    kinds: dict[str, str] = {}
    for name in sorted(parents):
        seen: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(parents.get(current, ()))
        found = {kind for root, kind in _ROOTS.items() if root in seen}
        kinds[name] = "organization" if "organization" in found else "person" if found else "other"
    return kinds


def build(csv_path: Path, release: str, released: str | None = None) -> dict[str, Any]:
    """The content of ``schema_types.json`` from one release's types CSV."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        kinds = kind_table(supertypes(csv.DictReader(handle)))
    if set(_ROOTS) - set(kinds):
        raise ValueError(f"{csv_path}: no Person or Organization type: not a schema.org types CSV")
    return {
        "release": release,
        "released": released,
        "source": _SOURCE.format(release=release),
        "source_sha256": hashlib.sha256(csv_path.read_bytes()).hexdigest(),
        "generated_by": "python -m compliant_scraper.extract.schema_vocabulary",
        **{kind: sorted(n for n, k in kinds.items() if k == kind) for kind in KINDS},
    }


def load() -> dict[str, Any]:
    """The shipped table (``schema_types.json`` beside this module)."""
    data: dict[str, Any] = json.loads(files(__package__).joinpath(DATA_FILE).read_text("utf-8"))
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="schemaorg-current-https-types.csv of a release")
    parser.add_argument("--release", required=True, help="the release number, e.g. 30.0")
    parser.add_argument("--released", help="the release date, e.g. 2026-03-19")
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).with_name(DATA_FILE), help="written file"
    )
    args = parser.parse_args(argv)
    table = build(args.csv, args.release, args.released)
    args.output.write_text(json.dumps(table, indent=0, ensure_ascii=False) + "\n", "utf-8")
    counts = ", ".join(f"{len(table[kind])} {kind}" for kind in KINDS)
    print(f"{args.output}: schema.org {args.release}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
