"""Values at the bottom of the package: the field table (``fields``), how a phone number
(``phones``) and an email address (``emails``) are read, normalised and compared, the
country a contact is in (``countries``), consumer mailbox providers (``mailboxes``) and
target-profession matching (``professions``).

Pure: no Scrapy, no SQL, and nothing imported from the rest of the package.
"""
