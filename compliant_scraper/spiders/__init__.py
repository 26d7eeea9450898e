"""Bundled spiders."""
