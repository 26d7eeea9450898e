"""Values at the bottom layer: how a phone number, an email address (and, later, every field)
is read, normalised and compared. Pure: no Scrapy, no SQL."""
