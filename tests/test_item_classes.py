"""Item classes survive the compliance layer (issue 14 item 7): the stamp and the pipeline hand
on an item of the class the spider yielded, with the screened values and its provenance."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import scrapy

from compliant_scraper import provenance_of
from compliant_scraper.crawl.items import PROVENANCE_ATTR
from compliant_scraper.crawl.pipeline import CompliancePipeline
from compliant_scraper.crawl.provenance_stamp import ProvenanceMiddleware
from compliant_scraper.crawl.refusals import ComplianceDrop
from compliant_scraper.policy.model import Purpose
from compliant_scraper.provenance import Provenance
from compliant_scraper.screening.processor import ContactProcessor

POST = Purpose(
    "b2b_post", "post", "b2b", "legitimate interest", ("name", "street_address", "locality")
)
PROV = Provenance(
    "http://annuaire.test/p/1", "t", "directory", "run", "domains/a.toml", "p", "r", ""
)
RAW = {
    "kind": "person",
    "name": "Jeanne Martin",
    "street_address": "1 rue de la Paix",
    "locality": "Paris",
    "email": "jeanne.martin@acme.example",  # not needed for a post purpose: dropped
}


class ContactItem(scrapy.Item):
    kind = scrapy.Field()
    name = scrapy.Field()
    street_address = scrapy.Field()
    locality = scrapy.Field()
    email = scrapy.Field()


class SourcedItem(ContactItem):
    provenance = scrapy.Field()


@dataclasses.dataclass
class ContactRecord:
    kind: str | None = None
    name: str | None = None
    street_address: str | None = None
    locality: str | None = None
    email: str | None = None


@dataclasses.dataclass(frozen=True)
class FrozenRecord:
    name: str | None
    street_address: str | None
    locality: str | None


class Stats:
    def inc_stat(self, key: str, count: int = 1) -> None:
        pass

    def begin_item(self) -> None:
        pass

    def end_item(self, email_hash: str | None, phone_hash: str | None) -> None:
        pass


class Writer:
    def __init__(self) -> None:
        self.saved: list[dict[str, Any]] = []

    def save(self, contact: dict[str, Any], provenance: Provenance, fields: list[str]) -> None:
        self.saved.append(dict(contact))

    def flush(self) -> None:
        pass


def pipeline(writer: Writer | None = None) -> CompliancePipeline:
    processor = ContactProcessor(POST, "FR", lambda *a: None, _NoSuppression(), set())
    return CompliancePipeline(processor, writer or Writer(), Stats())  # type: ignore[arg-type]


class _NoSuppression:
    def is_suppressed(self, kind: str, value: str) -> bool:
        return False

    def any_suppressed(self, identifiers: object) -> bool:
        return False


def stamp(item: Any, provenance: Provenance | None = PROV) -> Any:
    middleware = ProvenanceMiddleware(None, Stats(), {})  # type: ignore[arg-type]
    return middleware.stamp(item, provenance)


ITEMS = [
    pytest.param(lambda: ContactItem(**RAW), id="scrapy.Item"),
    pytest.param(lambda: SourcedItem(**RAW), id="scrapy.Item with a provenance field"),
    pytest.param(lambda: ContactRecord(**RAW), id="dataclass"),
    pytest.param(
        lambda: FrozenRecord(RAW["name"], RAW["street_address"], RAW["locality"]),
        id="frozen dataclass",
    ),
]


@pytest.mark.parametrize("make", ITEMS)
def test_the_pipeline_returns_an_item_of_the_class_it_received(make: Any) -> None:
    item = make()
    stamped = stamp(item)
    assert type(stamped) is type(item)
    assert stamped is not item  # a copy: the spider's object is not changed
    out = pipeline().process_item(stamped)
    assert type(out) is type(item)
    assert isinstance(out, type(item))
    assert provenance_of(out) is not None
    assert provenance_of(out).source_url == PROV.source_url  # type: ignore[union-attr]
    values = dataclasses.asdict(out) if dataclasses.is_dataclass(out) else dict(out)
    values.pop("provenance", None)
    assert {k: v for k, v in values.items() if v is not None} | {"kind": "person"} == {
        "kind": "person",
        "name": "Jeanne Martin",
        "street_address": "1 rue de la Paix",
        "locality": "Paris",
    }


def test_a_minimised_field_is_absent_from_the_returned_item() -> None:
    out = pipeline().process_item(stamp(ContactItem(**RAW)))
    assert "email" not in out  # the purpose does not keep it; the spider's value is gone
    record = pipeline().process_item(stamp(ContactRecord(**RAW)))
    assert record.email is None


def test_a_declared_provenance_field_holds_the_stamp() -> None:
    out = pipeline().process_item(stamp(SourcedItem(**RAW)))
    assert isinstance(out["provenance"], Provenance)
    assert not hasattr(out, PROVENANCE_ATTR)


def test_dicts_still_carry_provenance_under_their_key() -> None:
    out = pipeline().process_item(stamp(dict(RAW)))
    assert type(out) is dict
    assert out["provenance"].source_url == PROV.source_url


def test_an_unstamped_item_of_any_class_is_dropped() -> None:
    with pytest.raises(ComplianceDrop):
        pipeline().process_item(stamp(ContactItem(**RAW), None))


def test_a_class_that_cannot_carry_provenance_becomes_a_dict(
    caplog: pytest.LogCaptureFixture,
) -> None:
    @dataclasses.dataclass(slots=True)
    class Tight:
        name: str | None = None
        street_address: str | None = None
        locality: str | None = None

    out = stamp(Tight(RAW["name"], RAW["street_address"], RAW["locality"]))
    assert type(out) is dict
    assert out["provenance"].source_url == PROV.source_url
    assert "Tight cannot carry the screened values" in caplog.text


class SchemaOrgItem(scrapy.Item):
    name = scrapy.Field()
    streetAddress = scrapy.Field()
    addressLocality = scrapy.Field()
    email = scrapy.Field()


@dataclasses.dataclass
class SchemaOrgRecord:
    name: str | None = None
    streetAddress: str | None = None
    addressLocality: str | None = None
    email: str | None = None


SCHEMA_ORG_RAW = {
    "name": "Jeanne Martin",
    "streetAddress": "1 rue de la Paix",
    "addressLocality": "Paris",
    "email": "jeanne.martin@acme.example",  # not needed for a post purpose: dropped
}


@pytest.mark.parametrize("cls", [SchemaOrgItem, SchemaOrgRecord], ids=["scrapy.Item", "dataclass"])
def test_kept_values_come_back_under_the_schema_org_names_the_class_declares(cls: Any) -> None:
    """A class declaring schema.org names (jobTitle, addressLocality) gets the kept values back
    under those names: the pipeline reads them as fields and must not lose them on the way out."""
    writer = Writer()
    out = pipeline(writer).process_item(stamp(cls(**SCHEMA_ORG_RAW)))
    assert type(out) is cls
    values = dataclasses.asdict(out) if dataclasses.is_dataclass(out) else dict(out)
    assert {k: v for k, v in values.items() if v is not None} == {
        "name": "Jeanne Martin",
        "streetAddress": "1 rue de la Paix",
        "addressLocality": "Paris",
    }
    assert writer.saved[0]["locality"] == "Paris"
