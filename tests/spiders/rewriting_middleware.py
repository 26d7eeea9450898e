"""A project's downloader middleware that rewrites request URLs in place (issue 10 item 3): it
sends every request for ``/page-a.html`` to LinkedIn instead, after the gate judged it.

``DOWNLOADER_MIDDLEWARES={"rewriting_middleware.RewritingMiddleware": 650}`` with
``tests/spiders`` on ``PYTHONPATH``. ``LateMiddleware`` does nothing; placed after the last
compliance check, it must stop the crawl before any request.
"""

from __future__ import annotations

from scrapy import Request

TARGET = "http://www.linkedin.com/in/jeanne-martin"


class RewritingMiddleware:
    def process_request(self, request: Request) -> None:
        if request.url.endswith("/page-a.html"):
            request._set_url(TARGET)


class LateMiddleware:
    def process_request(self, request: Request) -> None:
        return None
