"""Queued requests as JSON: round trip, compliance meta never travels, forged entries rejected."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from scrapy import FormRequest, Request, Spider
from scrapy.utils.request import request_from_dict

from compliant_scraper.cluster import serializer
from compliant_scraper.cluster.serializer import QueueEntryRejected


class _Spider(Spider):
    name = "s"

    def parse(self, response: Any, **kwargs: Any) -> None:
        pass

    def other(self, response: Any) -> None:
        pass


def _round_trip(request: Request) -> Request:
    spider = _Spider()
    raw = serializer.dumps(request.to_dict(spider=spider))
    assert isinstance(raw, bytes)
    return request_from_dict(serializer.loads(raw), spider=spider)


def test_request_round_trip() -> None:
    spider = _Spider()
    request = Request(
        "http://allowed.test/a?b=1",
        callback=spider.parse,
        errback=spider.other,
        method="POST",
        body=b"\x00\xffbody",
        headers={"X-A": ["1", "2"], "Cookie": "k=v"},
        priority=7,
        meta={"depth": 3, "redirect_urls": ["http://a/"], "$weird": {"b": b"x"}, "t": (1, 2)},
        cb_kwargs={"page": 2},
        flags=["f"],
    )
    back = _round_trip(request)
    assert back.url == request.url and back.method == "POST" and back.body == request.body
    assert back.headers.getlist("X-A") == [b"1", b"2"]
    assert back.priority == 7 and back.cb_kwargs == {"page": 2} and back.flags == ["f"]
    assert back.meta == {"depth": 3, "redirect_urls": ["http://a/"], "$weird": {"b": b"x"},
                         "t": [1, 2]}  # fmt: skip
    assert back.callback.__name__ == "parse" and back.errback.__name__ == "other"


def test_form_request_class_kept() -> None:
    back = _round_trip(FormRequest("http://allowed.test/f", formdata={"q": "x"}))
    assert type(back) is FormRequest and back.body == b"q=x"


def test_compliance_meta_never_travels() -> None:
    """The gate's per-process state and the internal-request mark stay in the process."""
    request = Request(
        "http://allowed.test/",
        meta={"compliance_policy": object(), "compliance_internal": True, "depth": 1},
    )
    raw = serializer.dumps(request.to_dict())
    assert b"compliance_" not in raw
    assert _round_trip(request).meta == {"depth": 1}


def test_forged_compliance_meta_is_removed_on_the_way_in() -> None:
    forged = json.dumps(
        {"url": "http://allowed.test/private", "meta": {"compliance_internal": True, "d": 1}}
    ).encode()
    assert serializer.loads(forged)["meta"] == {"d": 1}


def test_pickle_is_not_accepted() -> None:
    """A pickle in the queue is data that does not parse, never code that runs."""
    payload = pickle.dumps({"url": "http://allowed.test/"})
    with pytest.raises(QueueEntryRejected, match="not a queued request"):
        serializer.loads(payload)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"url": "http://x/", "_class": "os.system"}, "is not one of Scrapy's own"),
        ({"url": "http://x/", "_class": "scrapy_evil.http.R"}, "is not one of Scrapy's own"),
        ({"url": "http://x/", "_class": 3}, "is not one of Scrapy's own"),
        ({"meta": {}}, "no url"),
        ([1, 2], "no url"),
        ({"url": "http://x/", "meta": [1]}, "meta is a list"),
        ({"url": "http://x/", "body": {"$b": "!!"}}, "not a queued request"),
        ({"url": "http://x/", "headers": {"$d": [[1]]}}, "not a queued request"),
    ],
)
def test_forged_entries_rejected(entry: object, message: str) -> None:
    with pytest.raises(QueueEntryRejected, match=message):
        serializer.loads(json.dumps(entry))


def test_non_json_meta_fails_naming_the_key() -> None:
    request = Request("http://allowed.test/", meta={"handle": object()})
    with pytest.raises(TypeError, match=r"request\['meta'\]\['handle'\] is a object"):
        serializer.dumps(request.to_dict())
