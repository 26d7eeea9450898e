from __future__ import annotations

import pytest

from compliant_scraper.values.mailboxes import (
    is_private_mailbox,
    parse_providers,
    provider_of,
    providers,
)


@pytest.mark.parametrize(
    ("email", "provider"),
    [
        ("jean.dupont@gmail.com", "gmail.com"),
        ("x@GMAIL.COM", "gmail.com"),
        ("x@outlook.fr", "outlook.*"),
        ("x@outlook.com", "outlook.*"),
        ("x@hotmail.co.uk", "hotmail.*"),
        ("x@yahoo.fr", "yahoo.*"),
        ("x@yahoo.com.br", "yahoo.*"),
        ("x@orange.fr", "orange.fr"),
        ("x@free.fr", "free.fr"),
        ("x@wanadoo.fr", "wanadoo.fr"),
        ("x@laposte.net", "laposte.net"),
        ("x@sfr.fr", "sfr.fr"),
        ("x@gmx.de", "gmx.*"),
        ("x@gmx.at", "gmx.*"),
        ("x@web.de", "web.de"),
        ("x@mail.free.fr", "free.fr"),  # a subdomain of a provider
        # Professional addresses.
        ("jeanne.martin@cabinet-martin.fr", None),
        ("x@orange.com", None),  # the company's own staff
        ("x@yahoo.mycompany.com", None),  # a firm's host named like a provider
        ("x@notgmail.com", None),
        ("x@webde.com", None),
        ("not an address", None),
    ],
)
def test_provider_of(email: str, provider: str | None) -> None:
    assert provider_of(email) == provider
    assert is_private_mailbox(email) is (provider is not None)


def test_the_shipped_file_parses_and_names_the_issue_examples() -> None:
    shipped = providers()
    for domain in ("gmail.com", "orange.fr", "free.fr", "wanadoo.fr", "laposte.net", "sfr.fr"):
        assert domain in shipped.domains
    assert {"outlook", "hotmail", "yahoo", "gmx"} <= shipped.labels
    assert "web.de" in shipped.domains


def test_a_malformed_line_names_its_number() -> None:
    with pytest.raises(ValueError, match=r"mailboxes.txt: line 3: 'Gmail.com'"):
        parse_providers("# comment\n\nGmail.com\n", "mailboxes.txt")
