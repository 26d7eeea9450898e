"""Cluster mode's shared state in Redis, without Scrapy (docs/cluster.md).

Several crawler processes on several machines run one crawl: scrapy-redis shares the request
queue and the URL de-duplication (through ``crawl``'s scheduler subclass); this package shares
what the compliance layer must decide once for the whole cluster:

- ``keys``: every key of a crawl, under ``compliance:{<crawl id>}:``;
- ``connection``: the Redis URL check (a password outside this machine) and the client;
- ``config``: ``ClusterConfig`` from the ``COMPLIANCE_*`` settings;
- ``verdicts``: robots.txt / tdmrep.json verdicts, one fetch per origin per TTL, under a lock;
- ``politeness``: per-host send-time reservations across workers (one Redis script);
- ``workers``: heartbeats, the busy mark set with each pop, and the cluster-idle check;
- ``registry``: the announced policy registry (sha256 and version);
- ``serializer``: queued requests as JSON, never pickle.
"""
