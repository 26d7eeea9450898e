"""Scrapy middlewares of the compliance layer."""
