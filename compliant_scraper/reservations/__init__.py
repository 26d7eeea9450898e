"""Machine-readable reservations (R3): robots.txt (RFC 9309) and TDMRep (DSM Art. 4).

Pure: no Scrapy, no SQL. The crawl's middlewares and ``tooling.terms_fetch`` read them.
"""
