"""The keep-half of the pipeline, pure (no Scrapy, no SQL): the contact processor,
minimisation and the special-category scan, shared by the crawl and by export time."""
