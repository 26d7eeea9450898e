"""The encoding of queued requests: JSON, never pickle.

scrapy-redis stores each queued request as ``pickle.dumps(request.to_dict())`` by default,
and every worker ``pickle.loads`` what it pops. Whoever can write to the queue key can then
run any code on every worker (a pickle is a program). This module is the
``SCHEDULER_SERIALIZER`` of cluster mode (a module with ``loads`` and ``dumps``, as
scrapy-redis expects): plain JSON, with bytes (headers, body) as tagged base64. Decoding it
builds data, nothing else.

What a forged entry could still do, and what stops it:
- name another request class: ``_class`` must be one of Scrapy's own (``scrapy.http.*``);
- carry compliance state (a ``compliance_*`` meta key, e.g. the "internal request" mark that
  exempts robots.txt fetches from a policy's ``paths``): those keys are removed on the way in
  and on the way out, so every request popped from the queue is judged afresh by the gate,
  robots.txt and the response checks, as a new one would be;
- name any URL: the policy gate judges it like any other request (R2).

A request whose meta or ``cb_kwargs`` holds something JSON cannot carry fails to be queued,
with a ``TypeError`` naming the key: in cluster mode requests carry data, not objects.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Final

COMPLIANCE_META_PREFIX: Final = "compliance_"
ALLOWED_CLASS_PREFIX: Final = "scrapy.http."
_BYTES: Final = "$b"
_DICT: Final = "$d"


class QueueEntryRejected(ValueError):
    """A queued entry that is not a request this serializer would have written."""


def dumps(obj: dict[str, Any]) -> bytes:
    """``Request.to_dict()`` as JSON bytes (compliance meta removed)."""
    data = dict(obj)
    data["meta"] = _without_compliance_meta(data.get("meta"))
    return json.dumps(_encode(data, "request"), separators=(",", ":")).encode()


def loads(raw: bytes | str) -> dict[str, Any]:
    """The request dict ``dumps`` wrote; ``QueueEntryRejected`` for anything else."""
    try:
        data = _decode(json.loads(raw))
    except (ValueError, TypeError) as exc:
        raise QueueEntryRejected(f"not a queued request: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        raise QueueEntryRejected("not a queued request: no url")
    request_class = data.get("_class")
    if request_class is not None and not (
        isinstance(request_class, str) and request_class.startswith(ALLOWED_CLASS_PREFIX)
    ):
        raise QueueEntryRejected(f"request class {request_class!r} is not one of Scrapy's own")
    data["meta"] = _without_compliance_meta(data.get("meta"))
    return data


def _without_compliance_meta(meta: Any) -> dict[str, Any]:
    if not meta:
        return {}
    if not isinstance(meta, dict):
        raise QueueEntryRejected(f"meta is a {type(meta).__name__}, not a dict")
    return {
        k: v
        for k, v in meta.items()
        if not (isinstance(k, str) and k.startswith(COMPLIANCE_META_PREFIX))
    }


def _encode(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, list | tuple):
        return [_encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _encode(v, f"{where}[{k!r}]") for k, v in value.items()}
        return {
            _DICT: [[_encode(k, where), _encode(v, f"{where}[{k!r}]")] for k, v in value.items()]
        }
    raise TypeError(
        f"cluster mode queues requests as JSON: {where} is a {type(value).__name__}, "
        "which JSON cannot carry (put plain data in meta and cb_kwargs)"
    )


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {_BYTES}:
            return base64.b64decode(_string(value[_BYTES]), validate=True)
        if set(value) == {_DICT}:
            pairs = value[_DICT]
            if not isinstance(pairs, list):
                raise TypeError("bad tagged dict")
            result = {}
            for pair in pairs:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise TypeError("bad tagged dict pair")
                key = _decode(pair[0])
                if isinstance(key, list | dict):
                    raise TypeError("unhashable key")
                result[key] = _decode(pair[1])
            return result
        return {k: _decode(v) for k, v in value.items()}
    return value


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("bad tagged bytes")
    return value
