"""Email normalisation: validity, the canonical form, generic or personal (R1)."""

from __future__ import annotations

import pytest

from compliant_scraper.values.emails import EmailResult, is_role_local_part, normalise_email

# -- emails -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "email", "kind", "canonical"),
    [
        ("jeanne.martin@acme.fr", "jeanne.martin@acme.fr", "personal", "jeanne.martin@acme.fr"),
        ("Jeanne.Martin@ACME.Fr", "Jeanne.Martin@acme.fr", "personal", "jeanne.martin@acme.fr"),
        ("  jean@acme.fr ", "jean@acme.fr", "personal", "jean@acme.fr"),
        ("jeanne+news@acme.fr", "jeanne+news@acme.fr", "personal", "jeanne+news@acme.fr"),
        ("contact@acme.fr", "contact@acme.fr", "generic", "contact@acme.fr"),
        ("CONTACT@acme.fr", "CONTACT@acme.fr", "generic", "contact@acme.fr"),
        ("info+newsletter@acme.fr", "info+newsletter@acme.fr", "generic", None),
        ("jean@exämple.fr", "jean@exämple.fr", "personal", "jean@xn--exmple-cua.fr"),
        ("jean@XN--EXMPLE-CUA.FR", "jean@exämple.fr", "personal", "jean@xn--exmple-cua.fr"),
        ("secrétariat@mairie.fr", "secrétariat@mairie.fr", "generic", "secrétariat@mairie.fr"),
    ],
)
def test_normalise_email(raw: str, email: str, kind: str, canonical: str | None) -> None:
    result = normalise_email(raw)
    assert (result.email, result.kind, result.reason) == (email, kind, None)
    assert result.canonical == (canonical or email.lower())


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "bad@",
        "@acme.fr",
        "a@b",
        "jean@localhost",
        "jean@@acme.fr",
        "jean dupont@acme.fr",
        "Jean <jean@acme.fr>",
        "mailto:jean@acme.fr",
        "jean@acme.fr.",
        "jean..dupont@acme.fr",
        "jean@test.invalid",
    ],
)
def test_invalid_email_has_a_reason_and_no_value(raw: str) -> None:
    assert normalise_email(raw) == EmailResult(None, reason="invalid_email")


@pytest.mark.parametrize(
    ("local", "generic"),
    [
        ("contact", True),
        ("info", True),
        ("accueil", True),
        ("sales", True),
        ("bonjour", True),
        ("service-client", True),
        ("service_client", True),
        ("service.client", True),
        ("serviceclient", True),
        ("no-reply", True),
        ("noreply", True),
        ("ne-pas-repondre", True),
        ("Secrétariat", True),
        ("contact+web", True),
        ("info2", True),
        ("contact.presse", True),
        ("rh", True),
        ("recrutement", True),
        ("devis", True),
        ("jeanne.martin", False),
        ("j.martin", False),
        ("contact.paris", False),  # a qualifier that is not a role: when unsure, protect
        ("jeanne.rh", False),
        ("martin+contact", False),  # the tag never makes a person generic
        ("infosec.jean", False),
        ("2024", False),
        ("", False),
    ],
)
def test_role_addresses(local: str, generic: bool) -> None:
    assert is_role_local_part(local) is generic
    if local:
        expected = "generic" if generic else "personal"
        assert normalise_email(f"{local}@acme.fr").kind == expected


def test_email_results_are_cached() -> None:
    assert normalise_email("paul@acme.fr") is normalise_email("paul@acme.fr")
