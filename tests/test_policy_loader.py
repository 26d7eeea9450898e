"""The policy loader: the shipped registry, and every problem of a broken one, by message."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from compliant_scraper.errors import PolicyError, Problem
from compliant_scraper.policy.decide import decide
from compliant_scraper.policy.loader import load_registry, validate_directory
from compliant_scraper.policy.model import NoticeTexts, legitimate_interest_basis

TODAY = date(2026, 11, 23)
SHIPPED = Path(__file__).resolve().parent.parent / "policies"

CONTROLLER = """\
name = "Prospect Demo SAS"
address = "1 rue de Rivoli, 75001 Paris"
contact = "dpo@prospect-demo.test"
privacy_url = "https://prospect-demo.test/privacy"
"""

PURPOSES = """\
[b2b_email_prospecting]
channel = "email"
audience = "b2b"
legal_basis = "Legitimate interest, GDPR Art. 6(1)(f)"
offer = "Practice-management software for law firms"
legitimate_interest = "Making our software known to lawyers"
target_professions = ["avocat"]
lia = "assessments/lia.md"
dpia_not_required = "Small scale, one source"
fields = ["name", "email"]

[b2b_email_prospecting.notice.fr]
description = "Vous présenter notre logiciel."
legal_basis = "Intérêt légitime."
legitimate_interest = "Faire connaître notre logiciel."

[b2b_email_prospecting.notice.en]
description = "To present our software."
legal_basis = "Legitimate interest."
legitimate_interest = "Making our software known."

[b2c_email_newsletter]
channel = "email"
audience = "b2c"
legal_basis = "Consent"
offer = "A newsletter"
fields = ["email"]

[b2c_email_newsletter.notice.fr]
description = "Lettre d'information."
legal_basis = "Consentement."

[b2c_email_newsletter.notice.en]
description = "Newsletter."
legal_basis = "Consent."
"""

DOMAIN = """\
domain = "example.com"
extraction = "allowed"
reason = "Open data"
terms_url = "https://example.com/terms"
reviewed_by = "Legal"
reviewed_on = 2026-11-01
"""

FILE = "domains/example.com.toml"


def _write(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """A valid registry in ``root``, with ``files`` replacing (or, when None, removing) files."""
    layout: dict[str, str | bytes | None] = {
        "controller.toml": CONTROLLER,
        "purposes.toml": PURPOSES,
        "assessments/lia.md": "# LIA\n",
        FILE: DOMAIN,
    }
    layout.update(files)
    (root / "domains").mkdir(parents=True, exist_ok=True)
    (root / "assessments").mkdir(parents=True, exist_ok=True)
    for name, text in layout.items():
        if text is None:
            continue
        path = root / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return root


def _problems(root: Path, files: dict[str, str | bytes | None]) -> list[tuple[str, str, str]]:
    found = validate_directory(_write(root, files), today=TODAY)
    return [(p.file, p.field, p.message) for p in found]


def _domain(**changes: str | None) -> str:
    """DOMAIN with keys replaced (value is the TOML right-hand side) or removed (None)."""
    lines = []
    for line in DOMAIN.splitlines():
        key = line.split(" = ")[0]
        if key in changes:
            if changes[key] is not None:
                lines.append(f"{key} = {changes.pop(key)}")
            else:
                changes.pop(key)
        else:
            lines.append(line)
    lines += [f"{key} = {value}" for key, value in changes.items() if value is not None]
    return "\n".join(lines) + "\n"


# -- the shipped registry ----------------------------------------------------------------


def test_shipped_policies_are_valid() -> None:
    assert validate_directory(SHIPPED, today=TODAY) == []


def test_shipped_registry_content() -> None:
    registry = load_registry(SHIPPED, today=TODAY)
    extraction = {p.domain: p.extraction for p in registry.policies}
    assert extraction == {
        "linkedin.com": "forbidden",
        "facebook.com": "forbidden",
        "leboncoin.fr": "forbidden",
        "pagesblanches.fr": "forbidden",
        "annuaire-entreprises.data.gouv.fr": "allowed",
        "recherche-entreprises.api.gouv.fr": "allowed",
        "annuaire-demo.test": "allowed",
        "pros-demo.test": "allowed",
    }
    linkedin = registry.get("linkedin.com")
    assert linkedin is not None
    assert linkedin.clause == "User Agreement 8.2"
    assert linkedin.terms_url == "https://www.linkedin.com/legal/user-agreement"
    demo = registry.get("annuaire-demo.test")
    assert demo is not None
    assert (demo.reviewed_on, demo.paths, demo.purposes) == (date(2026, 11, 1), (), None)
    for policy in registry.policies:
        raw = (SHIPPED / policy.file).read_bytes()
        assert policy.sha256 == hashlib.sha256(raw).hexdigest()
        assert policy.content == raw.decode("utf-8")
        assert policy.content.startswith("#"), f"{policy.file} explains itself to legal"
        assert policy.terms_url.startswith("https://")
        assert date(2026, 1, 1) <= policy.reviewed_on <= TODAY
        assert registry.files[policy.file] == policy.sha256
    assert set(registry.files) >= {"controller.toml", "purposes.toml"}
    assert registry.controller.name == "Prospect Demo SAS"
    assert registry.controller.privacy_url == "https://prospect-demo.test/privacy"


def test_shipped_purposes() -> None:
    purposes = load_registry(SHIPPED, today=TODAY).purposes
    summary = {
        name: (p.channel, p.audience, p.opposition_max_age_days) for name, p in purposes.items()
    }
    assert summary == {
        "b2b_email_prospecting": ("email", "b2b", None),
        "b2b_phone_prospecting": ("phone", "b2b", 30),
        "b2b_postal_prospecting": ("post", "b2b", None),
        "b2b_energy_renovation_calls": ("phone", "b2b", 30),
        "b2c_email_newsletter": ("email", "b2c", None),
        "b2c_phone_canvassing": ("phone", "b2c", 30),
    }
    assert purposes["b2b_email_prospecting"].fields == (
        "name",
        "given_name",
        "family_name",
        "job_title",
        "organization",
        "email",
        "website",
        "country",
        "locality",
    )
    assert "phone" in purposes["b2b_phone_prospecting"].fields
    assert "street_address" in purposes["b2b_postal_prospecting"].fields


@pytest.mark.parametrize(
    ("url", "purpose", "allowed"),
    [
        ("https://www.linkedin.com/in/someone", "b2b_email_prospecting", False),
        ("https://fr-fr.facebook.com/people", "b2b_email_prospecting", False),
        ("https://www.leboncoin.fr/annonces", "b2b_postal_prospecting", False),
        ("https://www.pagesblanches.fr/", "b2b_phone_prospecting", False),
        ("https://annuaire-demo.test/", "b2b_email_prospecting", True),
        ("https://annuaire-demo.test/any/page", "b2b_phone_prospecting", True),
        ("https://pros-demo.test/", "b2b_email_prospecting", True),
        ("https://annuaire-entreprises.data.gouv.fr/entreprise/x", "b2b_email_prospecting", True),
        ("https://annuaire-entreprises.data.gouv.fr/", "b2c_email_newsletter", False),
        ("https://recherche-entreprises.api.gouv.fr/search?q=x", "b2b_email_prospecting", True),
        ("https://recherche-entreprises.api.gouv.fr/other", "b2b_email_prospecting", False),
        ("https://data.gouv.fr/", "b2b_email_prospecting", False),
    ],
)
def test_shipped_decisions(url: str, purpose: str, allowed: bool) -> None:
    registry = load_registry(SHIPPED, today=TODAY)
    assert decide(registry, url, purpose=purpose, today=TODAY).allowed is allowed


def test_linkedin_refusal_names_the_clause() -> None:
    registry = load_registry(SHIPPED, today=TODAY)
    decision = decide(
        registry, "https://www.linkedin.com/in/x", purpose="b2b_email_prospecting", today=TODAY
    )
    assert decision.reason.startswith("domains/linkedin.com.toml forbids extraction: ")
    assert decision.reason.endswith("(User Agreement 8.2)")


# -- a valid registry in tmp_path ---------------------------------------------------------


def test_minimal_registry_loads_with_defaults(tmp_path: Path) -> None:
    registry = load_registry(_write(tmp_path, {}), today=TODAY)
    (policy,) = registry.policies
    assert policy.file == FILE
    assert policy.domain == "example.com"
    assert policy.review_every_days == 365
    assert (policy.paths, policy.purposes, policy.authenticated) == ((), None, False)
    assert (policy.clause, policy.tdm_licence, policy.notes) == (None, None, None)
    assert registry.purposes["b2b_email_prospecting"].opposition_lists == ("bloctel",)
    assert registry.controller.dpo is None
    assert registry.directory == tmp_path


def test_values_are_normalised(tmp_path: Path) -> None:
    text = _domain(domain='"WWW.Bücher.Example."', paths='["/annuaire", "/pros/"]')
    registry = load_registry(_write(tmp_path, {FILE: text}), today=TODAY)
    (policy,) = registry.policies
    assert policy.domain == "www.xn--bcher-kva.example"
    assert policy.paths == ("/annuaire", "/pros/")


def test_load_registry_raises_every_problem(tmp_path: Path) -> None:
    _write(tmp_path, {FILE: _domain(reason=None, extraction='"maybe"')})
    with pytest.raises(PolicyError) as caught:
        load_registry(tmp_path, today=TODAY)
    assert caught.value.problems == [
        Problem(FILE, "extraction", 'unknown value "maybe": use one of "allowed", "forbidden"'),
        Problem(FILE, "reason", "required key is missing"),
    ]
    assert "domains/example.com.toml: reason: required key is missing" in str(caught.value)


# -- one problem each, by message ---------------------------------------------------------

DOMAIN_CASES = [
    ({"reason": None}, "reason", "required key is missing"),
    ({"domain": None}, "domain", "required key is missing"),
    ({"reviewed_on": None}, "reviewed_on", "required key is missing"),
    ({"reason": '"  "'}, "reason", "must not be empty"),
    ({"colour": '"red"'}, "colour", "unknown key"),
    (
        {"review_every_day": "30"},
        "review_every_day",
        'unknown key (did you mean "review_every_days"?)',
    ),
    (
        {"review_every_days": "true"},
        "review_every_days",
        "must be a whole number such as 365, not true (true/false)",
    ),
    (
        {"review_every_days": "1.5"},
        "review_every_days",
        "must be a whole number such as 365, not the decimal number 1.5",
    ),
    ({"review_every_days": "0"}, "review_every_days", "must be a whole number above 0, not 0"),
    ({"review_every_days": "-30"}, "review_every_days", "must be a whole number above 0, not -30"),
    (
        {"reviewed_on": '"2026-11-01"'},
        "reviewed_on",
        'must be a date such as 2026-11-01 (no quotes), not the text "2026-11-01"',
    ),
    (
        {"reviewed_on": "2026-11-01T10:00:00"},
        "reviewed_on",
        "must be a date such as 2026-11-01 (no quotes), not a date and time",
    ),
    (
        {"reviewed_on": "2026-11-24"},
        "reviewed_on",
        "2026-11-24 is in the future (today is 2026-11-23)",
    ),
    (
        {"extraction": '"Allowed"'},
        "extraction",
        'unknown value "Allowed": use one of "allowed", "forbidden"',
    ),
    (
        {"extraction": "true"},
        "extraction",
        'must be text in quotes, such as "example", not true (true/false)',
    ),
    ({"authenticated": '"yes"'}, "authenticated", 'must be true or false, not the text "yes"'),
    ({"authenticated": "1"}, "authenticated", "must be true or false, not the number 1"),
    (
        {"terms_url": '"www.example.com/terms"'},
        "terms_url",
        'must be an http(s) URL such as https://example.com/terms, not "www.example.com/terms"',
    ),
    (
        {"domain": '"https://example.com"'},
        "domain",
        '"https://example.com" is not a host name: write the bare host, without a scheme such as '
        "https://",
    ),
    (
        {"domain": '"example.com/jobs"'},
        "domain",
        '"example.com/jobs" is not a host name: write the bare host, without a path',
    ),
    (
        {"domain": '"exa mple.com"'},
        "domain",
        '"exa mple.com" is not a host name: it contains spaces',
    ),
    (
        {"domain": '"*.example.com"'},
        "domain",
        '"*.example.com" is not a host name: no wildcards: a domain already covers all its '
        "subdomains",
    ),
    (
        {"domain": '"example.com:443"'},
        "domain",
        '"example.com:443" is not a host name: write the bare host, without a port or user info',
    ),
    ({"domain": '"example..com"'}, "domain", '"example..com" is not a host name: empty label'),
    ({"domain": '""'}, "domain", '"" is not a host name: empty host'),
    (
        {"domain": '"localhost"'},
        "domain",
        '"localhost" is not a host name: a single label covers too much: name a domain such as '
        "example.com; for an intranet or test host, write its IP address (10.0.0.12, "
        "127.0.0.1) or its full name with a dot (wiki.acme.lan), and crawl it by that name "
        "(docs/policy-format.md: Intranet and test hosts)",
    ),
    (
        {"domain": '"-example.com"'},
        "domain",
        '"-example.com" is not a host name: a label starts or ends with a hyphen',
    ),
    (
        {"domain": '"co.uk"'},
        "domain",
        "co.uk is a public suffix shared by unrelated sites: an allowing policy must name one "
        "site, such as example.co.uk",
    ),
    ({"paths": '["annuaire"]'}, "paths", 'path "annuaire" must start with "/"'),
    (
        {"paths": '["/annuaire*"]'},
        "paths",
        'path "/annuaire*" no wildcards: a prefix already covers everything below it',
    ),
    (
        {"paths": '["/search?q="]'},
        "paths",
        'path "/search?q=" a path prefix cannot hold a query (?) or fragment (#)',
    ),
    ({"paths": '["/a/../b"]'}, "paths", 'path "/a/../b" is not in normal form: write "/b"'),
    (
        {"paths": '["/caf%C3%A9"]'},
        "paths",
        'path "/caf%C3%A9" is not in normal form: write "/café"',
    ),
    ({"paths": "[]"}, "paths", "must not be an empty list (leave the key out for the default)"),
    (
        {"paths": '"/annuaire"'},
        "paths",
        'must be a list such as ["a", "b"], not the text "/annuaire"',
    ),
    ({"paths": "[1]"}, "paths", "must be a list of texts, but has the number 1"),
    ({"paths": '["/a", "/a"]'}, "paths", 'lists "/a" more than once'),
    (
        {"purposes": '["b2b_fax"]'},
        "purposes",
        'unknown purpose "b2b_fax": purposes.toml defines b2b_email_prospecting, '
        "b2c_email_newsletter",
    ),
    (
        {"purposes": '["b2b_email_prospecting", "b2b_email_prospecting"]'},
        "purposes",
        'lists "b2b_email_prospecting" more than once',
    ),
    (
        {"clause": "8.2"},
        "clause",
        'must be text in quotes, such as "example", not the decimal number 8.2',
    ),
    ({"notes": "[]"}, "notes", 'must be text in quotes, such as "example", not a list'),
    (
        {"tdm_licence": "{ name = 'x' }"},
        "tdm_licence",
        'must be text in quotes, such as "example", not a table',
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), DOMAIN_CASES)
def test_domain_file_problem(
    tmp_path: Path, changes: dict[str, str | None], field: str, message: str
) -> None:
    assert _problems(tmp_path, {FILE: _domain(**changes)}) == [(FILE, field, message)]


def test_forbidding_a_public_suffix_is_fine(tmp_path: Path) -> None:
    text = _domain(domain='"co.uk"', extraction='"forbidden"')
    assert _problems(tmp_path, {FILE: text}) == []


def test_ip_address_policies(tmp_path: Path) -> None:
    files: dict[str, str | bytes | None] = {
        FILE: _domain(domain='"127.0.0.1"'),
        "domains/v6.toml": _domain(domain='"[0::1]"'),
    }
    registry = load_registry(_write(tmp_path, files), today=TODAY)
    assert sorted(p.domain for p in registry.policies) == ["127.0.0.1", "[::1]"]


def test_a_top_level_table_is_an_unknown_key(tmp_path: Path) -> None:
    text = DOMAIN + "[extra]\nkey = 1\n"
    message = 'unknown key (did you mean "extraction"?)'
    assert _problems(tmp_path, {FILE: text}) == [(FILE, "extra", message)]


def test_every_problem_of_a_file_is_reported(tmp_path: Path) -> None:
    text = _domain(reason=None, reviewed_on="2027-01-01", review_every_days="true", colour='"x"')
    assert _problems(tmp_path, {FILE: text}) == [
        (FILE, "reason", "required key is missing"),
        (FILE, "reviewed_on", "2027-01-01 is in the future (today is 2026-11-23)"),
        (FILE, "review_every_days", "must be a whole number such as 365, not true (true/false)"),
        (FILE, "colour", "unknown key"),
    ]


def test_every_file_is_reported(tmp_path: Path) -> None:
    found = _problems(
        tmp_path,
        {
            "domains/a.toml": _domain(domain='"a.example"', reason=None),
            "domains/b.toml": _domain(domain='"b.example"', terms_url='"none"'),
            "controller.toml": CONTROLLER.replace("name =", "nmae ="),
        },
    )
    assert found == [
        ("controller.toml", "name", "required key is missing"),
        ("controller.toml", "nmae", 'unknown key (did you mean "name"?)'),
        ("domains/a.toml", "reason", "required key is missing"),
        (
            "domains/b.toml",
            "terms_url",
            'must be an http(s) URL such as https://example.com/terms, not "none"',
        ),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('"example.com"', '"example.com"'),
        ('"Example.COM."', '"example.com"'),
        ('"bücher.example"', '"xn--bcher-kva.example"'),
    ],
)
def test_two_files_for_the_same_domain(tmp_path: Path, first: str, second: str) -> None:
    files: dict[str, str | bytes | None] = {
        FILE: None,
        "domains/a.toml": _domain(domain=first),
        "domains/b.toml": _domain(domain=second),
    }
    domain = "xn--bcher-kva.example" if "bcher" in second else "example.com"
    message = f"{domain} already has a policy in domains/a.toml: one file per domain"
    assert _problems(tmp_path, files) == [("domains/b.toml", "domain", message)]


def test_a_subdomain_policy_is_not_a_duplicate(tmp_path: Path) -> None:
    files: dict[str, str | bytes | None] = {
        "domains/jobs.toml": _domain(domain='"jobs.example.com"')
    }
    assert _problems(tmp_path, files) == []


def test_toml_syntax_error_reports_line_and_column(tmp_path: Path) -> None:
    text = 'domain = "example.com"\nextraction = allowed\n'
    ((file, field, message),) = _problems(tmp_path, {FILE: text})
    assert (file, field) == (FILE, "-")
    assert message.startswith("TOML syntax error: ")
    assert "(at line 2, column 14)" in message


def test_duplicate_key_is_a_syntax_error(tmp_path: Path) -> None:
    ((file, field, message),) = _problems(tmp_path, {FILE: DOMAIN + 'reason = "again"\n'})
    assert (file, field) == (FILE, "-")
    assert message.startswith("TOML syntax error: ")


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    raw = DOMAIN.replace("Open data", "Donn\xe9es").encode("latin-1")
    offset = raw.index(b"\xe9")
    assert _problems(tmp_path, {FILE: raw}) == [
        (FILE, "-", f"is not UTF-8 text (bad byte at offset {offset})")
    ]


def test_broken_purposes_file_does_not_cascade(tmp_path: Path) -> None:
    """Unknown purpose names are not reported when purposes.toml itself is unreadable."""
    files: dict[str, str | bytes | None] = {
        "purposes.toml": "[b2b\n",
        FILE: _domain(purposes='["anything"]'),
    }
    found = _problems(tmp_path, files)
    assert [(file, field) for file, field, _ in found] == [("purposes.toml", "-")]


# -- purposes.toml -------------------------------------------------------------------------

PURPOSE = """\
[p]
channel = "email"
audience = "b2b"
legal_basis = "Legitimate interest"
fields = ["name", "email"]
offer = "Software for law firms"
legitimate_interest = "Selling to law firms"
target_professions = ["avocat"]
lia = "assessments/lia.md"
dpia_not_required = "One source, small scale"
notice.fr = { description = "d", legal_basis = "b", legitimate_interest = "i" }
notice.en = { description = "d", legal_basis = "b", legitimate_interest = "i" }
"""
NOTICE_FR = 'notice.fr = { description = "d", legal_basis = "b", legitimate_interest = "i" }\n'

PURPOSE_CASES = [
    (
        PURPOSE.replace('"email"\n', '"fax"\n', 1),
        "p.channel",
        'unknown value "fax": use one of "email", "sms", "phone", "automated_call", "post"',
    ),
    (
        PURPOSE.replace('"b2b"', '"b2x"'),
        "p.audience",
        'unknown value "b2x": use one of "b2b", "b2c"',
    ),
    (
        PURPOSE.replace('legal_basis = "Legitimate interest"\n', ""),
        "p.legal_basis",
        "required key is missing",
    ),
    (
        PURPOSE.replace('["name", "email"]', "[]"),
        "p.fields",
        "must not be an empty list (list at least one)",
    ),
    (
        PURPOSE.replace('["name", "email"]', '["name", "name"]'),
        "p.fields",
        'lists "name" more than once',
    ),
    (
        PURPOSE.replace('["name", "email"]', '["name", "birth_date"]'),
        "p.fields",
        'unknown contact field "birth_date": use one of "name", "given_name", "family_name", '
        '"job_title", "organization", "email", "phone", "street_address", "postal_code", '
        '"locality", "country", "website"',
    ),
    (
        PURPOSE + "opposition_max_age_days = true\n",
        "p.opposition_max_age_days",
        "must be a whole number such as 365, not true (true/false)",
    ),
    (
        PURPOSE + "opposition_max_age_days = 0\n",
        "p.opposition_max_age_days",
        "must be a whole number above 0, not 0",
    ),
    (
        PURPOSE + 'opposition_lists = ["Bloctel list"]\n',
        "p.opposition_lists",
        'list name "Bloctel list" uses only a-z, 0-9 and _',
    ),
    (PURPOSE.replace("channel", "chanel"), "p.channel", "required key is missing"),
    (PURPOSE + "x = 1\n", "p.x", "unknown key"),
    (PURPOSE + "orphan = 1\n[q]\n", "p.orphan", "unknown key"),
    ("p = 1\n", "p", "must be a table ([p] and its keys), not the number 1"),
    ("", "-", "defines no purpose: add a [name] table"),
    (
        PURPOSE.replace("[p]", '["B2B email"]'),
        "B2B email",
        "a purpose name uses only a-z, 0-9 and _",
    ),
    # issue 12: what is offered, to whom, on which basis, and the notice texts
    (
        PURPOSE.replace('offer = "Software for law firms"\n', ""),
        "p.offer",
        "required key is missing",
    ),
    (
        PURPOSE.replace('legitimate_interest = "Selling to law firms"\n', ""),
        "p.legitimate_interest",
        "required key is missing",
    ),
    (
        PURPOSE.replace('target_professions = ["avocat"]\n', ""),
        "p.target_professions",
        "required for a b2b email purpose: the words or phrases a contact's job_title or "
        "organization must contain, so the message relates to their profession (R6), "
        'e.g. ["avocat", "juriste"]',
    ),
    (
        PURPOSE.replace('["avocat"]', '["--"]'),
        "p.target_professions",
        'profession "--" has no letter or digit',
    ),
    (
        PURPOSE + "allow_private_mailboxes = 1\n",
        "p.allow_private_mailboxes",
        "must be true or false, not the number 1",
    ),
    (PURPOSE.replace('lia = "assessments/lia.md"\n', ""), "p.lia", "required key is missing"),
    # The basis as legal writes it in French or German is still a legitimate interest, and
    # one that names no Art. 6(1) ground is read as one (fail closed, R13).
    (
        PURPOSE.replace('"Legitimate interest"', '"Intérêt légitime (art. 6.1.f RGPD)"').replace(
            'lia = "assessments/lia.md"\n', ""
        ),
        "p.lia",
        "required key is missing",
    ),
    (
        PURPOSE.replace('"Legitimate interest"', '"Art. 6 Abs. 1 lit. f DSGVO"').replace(
            'dpia_not_required = "One source, small scale"\n', ""
        ),
        "p.dpia",
        "required for a legitimate-interest purpose: name the DPIA file (dpia) or say why none "
        "is needed (dpia_not_required) (R13, GDPR Art. 35)",
    ),
    (
        PURPOSE.replace('"Legitimate interest"', '"Prospection B2B (CPCE L34-5)"').replace(
            'legitimate_interest = "Selling to law firms"\n', ""
        ),
        "p.legitimate_interest",
        "required key is missing",
    ),
    (
        PURPOSE.replace("assessments/lia.md", "../lia.md"),
        "p.lia",
        '"../lia.md" must be a path inside the policy folder, such as "assessments/lia.md"',
    ),
    (
        PURPOSE.replace('dpia_not_required = "One source, small scale"\n', ""),
        "p.dpia",
        "required for a legitimate-interest purpose: name the DPIA file (dpia) or say why none "
        "is needed (dpia_not_required) (R13, GDPR Art. 35)",
    ),
    (
        PURPOSE + 'dpia = "assessments/lia.md"\n',
        "p.dpia_not_required",
        "name either dpia or dpia_not_required, not both",
    ),
    (
        PURPOSE.replace(NOTICE_FR, ""),
        "p.notice.fr",
        "required table is missing: add [p.notice.fr] with description, legal_basis, "
        "legitimate_interest",
    ),
    (
        PURPOSE.replace(', legitimate_interest = "i" }\nnotice.en', " }\nnotice.en"),
        "p.notice.fr.legitimate_interest",
        "required key is missing",
    ),
    (
        PURPOSE + 'notice.pt = { description = "d", legal_basis = "b" }\n',
        "p.notice.pt",
        'unknown language "pt": use one of "fr", "en", "de", "es", "it"',
    ),
    (
        PURPOSE
        + 'notice.de = { descripton = "d", legal_basis = "b", legitimate_interest = "i" }\n',
        "p.notice.de.descripton",
        'unknown key (did you mean "description"?)',
    ),
    (
        PURPOSE + 'notice.it = "x"\n',
        "p.notice.it",
        'must be a table ([...notice.it] and its keys), not the text "x"',
    ),
    (
        PURPOSE + 'sector = "energy_renovations"\n',
        "p.sector",
        'unknown sector "energy_renovations" (did you mean "energy_renovation"?)',
    ),
    (PURPOSE + 'sector = "Energy"\n', "p.sector", 'sector "Energy" uses only a-z, 0-9 and _'),
]


@pytest.mark.parametrize(("text", "field", "message"), PURPOSE_CASES)
def test_purposes_file_problem(tmp_path: Path, text: str, field: str, message: str) -> None:
    found = _problems(tmp_path, {"purposes.toml": text})
    assert ("purposes.toml", field, message) in found
    # the only other problems allowed are the consequences in other tables of the same file
    assert all(file == "purposes.toml" for file, _, _ in found)


def test_purpose_optional_keys(tmp_path: Path) -> None:
    text = PURPOSE + 'opposition_max_age_days = 30\nopposition_lists = []\ndescription = "d"\n'
    registry = load_registry(_write(tmp_path, {"purposes.toml": text}), today=TODAY)
    purpose = registry.purposes["p"]
    assert (purpose.opposition_max_age_days, purpose.opposition_lists) == (30, ())
    assert purpose.description == "d"
    assert purpose.fields == ("name", "email")
    assert purpose.allow_private_mailboxes is False and purpose.sector is None


def test_purpose_use_keys(tmp_path: Path) -> None:
    text = (
        PURPOSE.replace(
            'dpia_not_required = "One source, small scale"\n', 'dpia = "assessments/dpia.md"\n'
        )
        + 'allow_private_mailboxes = true\nsector = "legal_services"\n'
        + 'notice.de = { description = "Zweck", legal_basis = "Grundlage", '
        + 'legitimate_interest = "Interesse" }\n'
    )
    root = _write(tmp_path, {"purposes.toml": text, "assessments/dpia.md": "# DPIA\n"})
    registry = load_registry(root, today=TODAY)
    purpose = registry.purposes["p"]
    assert purpose.offer == "Software for law firms"
    assert purpose.legitimate_interest == "Selling to law firms"
    assert purpose.target_professions == ("avocat",)
    assert purpose.allow_private_mailboxes is True
    assert (purpose.lia, purpose.dpia, purpose.dpia_not_required) == (
        "assessments/lia.md",
        "assessments/dpia.md",
        None,
    )
    assert purpose.sector == "legal_services"
    assert [lang for lang, _ in purpose.notice] == ["fr", "en", "de"]
    assert purpose.notice_texts("de") == NoticeTexts("Zweck", "Grundlage", "Interesse")
    assert purpose.missing_notice_keys("de") == []
    assert purpose.missing_notice_keys("es") == [
        "description",
        "legal_basis",
        "legitimate_interest",
    ]
    # The assessments are part of what the registry read (and what an auditor can hash).
    assert {"assessments/lia.md", "assessments/dpia.md"} <= set(registry.files)


def test_an_assessment_file_that_does_not_exist(tmp_path: Path) -> None:
    found = _problems(tmp_path, {"purposes.toml": PURPOSE.replace("lia.md", "none.md")})
    assert (
        "purposes.toml",
        "p.lia",
        f"file assessments/none.md does not exist in {tmp_path}",
    ) in found


def test_a_consent_purpose_needs_no_assessment(tmp_path: Path) -> None:
    text = (
        '[c]\nchannel = "email"\naudience = "b2c"\nlegal_basis = "Consent, Art. 6(1)(a)"\n'
        'fields = ["email"]\noffer = "Newsletter"\n'
        'notice.fr = { description = "d", legal_basis = "b" }\n'
        'notice.en = { description = "d", legal_basis = "b" }\n'
    )
    registry = load_registry(_write(tmp_path, {"purposes.toml": text}), today=TODAY)
    purpose = registry.purposes["c"]
    assert not purpose.legitimate_interest_basis and purpose.lia is None
    assert purpose.missing_notice_keys("fr") == []


# -- controller.toml and the layout ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (CONTROLLER.replace('name = "Prospect Demo SAS"\n', ""), "name", "required key is missing"),
        (
            CONTROLLER.replace('"https://prospect-demo.test/privacy"', '"privacy"'),
            "privacy_url",
            'must be an http(s) URL such as https://example.com/terms, not "privacy"',
        ),
        (CONTROLLER + 'dpo = ""\n', "dpo", "must not be empty"),
        (CONTROLLER + 'siret = "123"\n', "siret", "unknown key"),
    ],
)
def test_controller_problem(tmp_path: Path, text: str, field: str, message: str) -> None:
    assert _problems(tmp_path, {"controller.toml": text}) == [("controller.toml", field, message)]


def test_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    assert validate_directory(missing, today=TODAY) == [
        Problem(".", "-", f"policy directory {missing} does not exist")
    ]


def test_empty_directory(tmp_path: Path) -> None:
    assert validate_directory(tmp_path, today=TODAY) == [
        Problem("controller.toml", "-", "file is missing"),
        Problem("purposes.toml", "-", "file is missing"),
        Problem("domains", "-", "directory is missing: add one file per domain"),
    ]


def test_empty_domains_directory(tmp_path: Path) -> None:
    files: dict[str, str | bytes | None] = {FILE: None, "domains/README.md": "not a policy"}
    assert _problems(tmp_path, files) == [
        ("domains", "-", "has no *.toml file: add one file per domain")
    ]


def test_many_files_load(tmp_path: Path) -> None:
    files: dict[str, str | bytes | None] = {
        f"domains/site{i}.toml": _domain(domain=f'"site{i}.example"') for i in range(300)
    }
    registry = load_registry(_write(tmp_path, files), today=TODAY)
    assert len(registry.policies) == 301
    policy = registry.match("www.site299.example")
    assert policy is not None
    assert policy.file == "domains/site299.toml"


@pytest.mark.parametrize(
    ("basis", "legitimate_interest"),
    [
        ("Legitimate interest, GDPR Art. 6(1)(f); CPCE L34-5", True),
        ("Intérêt légitime (article 6, paragraphe 1, point f, du RGPD)", True),
        ("RGPD art. 6.1.f", True),
        ("Art. 6 Abs. 1 Buchst. f DSGVO", True),
        ("Interés legítimo", True),
        ("Legittimo interesse", True),
        ("Prospection B2B (CPCE L34-5)", True),  # no ground named: read as one (fail closed)
        ("Consentement ou intérêt légitime", True),
        ("Consent, GDPR Art. 6(1)(a)", False),
        ("Consentement (article 6.1.a du RGPD)", False),
        ("Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)", False),
        ("Performance of a contract, Art. 6(1)(b)", False),
        ("Consent since 11 August 2026 (law of 30 June 2025); before: L223-1 (Bloctel)", False),
    ],
)
def test_legitimate_interest_basis(basis: str, legitimate_interest: bool) -> None:
    assert legitimate_interest_basis(basis) is legitimate_interest
