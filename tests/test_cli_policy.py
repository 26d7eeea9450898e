"""``compliant-scraper policy validate|check|list|scan-terms`` (R2)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result
from support.tooling import TODAY, day, domain_policy, write_registry

from compliant_scraper.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    return write_registry(tmp_path / "policies")


# -- validate ---------------------------------------------------------------------------------


def test_validate_valid_registry(policies: Path) -> None:
    result = run("policy", "validate", str(policies))
    assert result.exit_code == 0
    assert result.output == (
        f"{policies}: valid (4 domain policies, 3 purposes, controller Prospectia SAS)\n"
    )


def test_validate_lists_every_problem_one_per_line(policies: Path) -> None:
    (policies / "domains" / "bad.test.toml").write_text(
        domain_policy("bad.test", extraction="maybe")
    )
    (policies / "domains" / "worse.test.toml").write_text('domain = "worse.test"\n')
    result = run("policy", "validate", str(policies))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == f"Error: {len(lines) - 1} problems in {policies}"
    assert 'domains/bad.test.toml: extraction: unknown value "maybe"' in result.output
    assert all(line.startswith("domains/") for line in lines[:-1])
    assert sum(line.startswith("domains/worse.test.toml: ") for line in lines) >= 4


def test_validate_missing_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = run("policy", "validate", str(missing))
    assert result.exit_code == 1
    assert result.output.splitlines() == [  # before: ".: -: policy directory ..."
        f"policy directory {missing} does not exist",
        f"Error: 1 problem in {missing}",
    ]


# -- check ------------------------------------------------------------------------------------


def test_check_allowed(policies: Path) -> None:
    result = run("policy", "check", "https://annuaire.test/p/1", "--policies", str(policies))
    assert result.exit_code == 0
    assert result.output.splitlines()[:3] == [
        "ALLOWED: https://annuaire.test/p/1",
        "  host:        annuaire.test",
        "  policy file: domains/annuaire.test.toml",
    ]
    assert "  clause:      CGU art. 7" in result.output
    assert f"  reviewed:    {day(10).isoformat()} by Jeanne Juriste" in result.output
    assert f"  review due:  {(day(10) + timedelta(days=365)).isoformat()}" in result.output


def test_check_forbidden_names_file_reason_and_clause(policies: Path) -> None:
    result = run("policy", "check", "https://www.linkedin.com/in/x", "--policies", str(policies))
    assert result.exit_code == 1
    assert "REFUSED: https://www.linkedin.com/in/x" in result.output
    assert (
        "  refused:     domains/linkedin.com.toml forbids extraction: Test decision. "
        "(User Agreement 8.2) (R2)"
    ) in result.output


def test_check_overdue_and_unknown(policies: Path) -> None:
    overdue = run("policy", "check", "https://overdue.test/", "--policies", str(policies))
    assert overdue.exit_code == 1
    assert "is overdue for review" in overdue.output
    unknown = run("policy", "check", "https://nowhere.test/", "--policies", str(policies))
    assert unknown.exit_code == 1
    assert unknown.output == (
        "REFUSED: https://nowhere.test/\n"
        "  host:        nowhere.test\n"
        "  policy file: (none)\n"
        "  refused:     no policy for host nowhere.test: every domain needs a recorded legal "
        "decision before it is crawled (R2)\n"
    )


def test_check_purpose(policies: Path) -> None:
    (policies / "domains" / "restricted.test.toml").write_text(
        domain_policy("restricted.test") + 'purposes = ["b2b_phone"]\n'
    )
    url = "https://restricted.test/x"
    allowed = run("policy", "check", url, "--purpose", "b2b_phone", "--policies", str(policies))
    assert allowed.exit_code == 0
    refused = run("policy", "check", url, "--purpose", "b2b_email", "--policies", str(policies))
    assert refused.exit_code == 1
    assert "does not allow purpose 'b2b_email' (allowed: b2b_phone)" in refused.output
    unknown = run("policy", "check", url, "--purpose", "spam", "--policies", str(policies))
    assert unknown.exit_code == 1
    assert unknown.output == (
        "Error: --purpose: 'spam' is not a defined purpose (b2b_email, b2b_phone, b2c_phone)\n"
    )


def test_check_with_invalid_registry(policies: Path) -> None:
    (policies / "controller.toml").unlink()
    result = run("policy", "check", "https://annuaire.test/", "--policies", str(policies))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: the policy registry in {policies} is invalid (1 ")
    assert result.output.endswith(f"run `compliant-scraper policy validate {policies}`\n")


# -- list -------------------------------------------------------------------------------------


def test_list_overdue_first(policies: Path) -> None:
    result = run("policy", "list", "--policies", str(policies))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["domain", "extraction", "reviewed_on", "review_due", "state"]
    assert [line.split()[0] for line in lines[1:]] == [
        "overdue.test",
        "soon.test",
        "annuaire.test",
        "linkedin.com",
    ]
    assert lines[1].endswith("OVERDUE by 35 days")
    assert lines[2].endswith("due in 10 days")


def test_list_filters(policies: Path) -> None:
    overdue = run("policy", "list", "--overdue", "--policies", str(policies))
    assert [line.split()[0] for line in overdue.output.splitlines()[1:]] == ["overdue.test"]
    soon = run("policy", "list", "--due-within", "30", "--policies", str(policies))
    assert [line.split()[0] for line in soon.output.splitlines()[1:]] == [
        "overdue.test",
        "soon.test",
    ]
    due_now = run("policy", "list", "--due-within", "0", "--policies", str(policies))
    assert [line.split()[0] for line in due_now.output.splitlines()[1:]] == ["overdue.test"]
    bad = run("policy", "list", "--due-within", "-1", "--policies", str(policies))
    assert bad.exit_code == 2
    assert "Invalid value for '--due-within': -1 is not in the range x>=0." in bad.output


# -- scan-terms -------------------------------------------------------------------------------

TERMS_HTML = """<html><head><link rel="canonical" href="https://www.cgu.test/conditions">
<style>p{color:red}</style><script>var scraping = 1;</script></head><body>
<h1>Conditions générales d'utilisation</h1>
<h2>Article 1 - Objet</h2><p>Les présentes conditions régissent l'accès au service.</p>
<h2>Article 7 - Propriété intellectuelle</h2>
<p>Toute extraction ou réutilisation, par des robots, scrapers ou tout procédé automatisé,
de la base de données est interdite (articles L.342-1 et suivants du CPI).</p>
<p>Le site est mis à jour chaque semaine.</p>
<h2>8.2 Data mining</h2><p>Text and data mining is reserved under Art. 4 DSM.</p>
</body></html>"""


def test_scan_terms_file_lists_clauses_and_prints_a_draft(tmp_path: Path, policies: Path) -> None:
    page = tmp_path / "cgu.html"
    page.write_text(TERMS_HTML, encoding="utf-8")
    result = run("policy", "scan-terms", str(page), "--policies", str(policies))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("2 clause(s) bear on automated extraction or re-use:\n\n")
    assert (
        '[1] line 5, chars 145-307, under "Article 7 - Propriété intellectuelle": '
        "extraction, re-use, robots, scraping, automated, database\n"
    ) in out
    assert '[2] line 8, chars 363-413, under "8.2 Data mining": data mining\n' in out
    assert "var scraping" not in out
    assert 'domain = "www.cgu.test"' in out
    assert 'terms_url = "https://www.cgu.test/conditions"' in out
    assert 'clause = "TODO: Article 7 - Propriété intellectuelle"' in out
    assert 'extraction = "TODO: allowed or forbidden"' in out
    assert f"# reviewed_on = {TODAY.isoformat()}" in out


def test_scan_terms_draft_decides_nothing_until_completed(tmp_path: Path, policies: Path) -> None:
    page = tmp_path / "cgu.html"
    page.write_text(TERMS_HTML, encoding="utf-8")
    draft = policies / "domains" / "www.cgu.test.toml"
    result = run(
        "policy", "scan-terms", str(page), "--draft-out", str(draft), "--policies", str(policies)
    )
    assert result.exit_code == 0
    assert result.output.endswith(
        f"Draft policy written to {draft}: complete it, then run policy validate.\n"
    )
    problems = run("policy", "validate", str(policies))
    assert problems.exit_code == 1
    assert "domains/www.cgu.test.toml: extraction: " in problems.output
    assert "domains/www.cgu.test.toml: reviewed_on: " in problems.output
    again = run(
        "policy", "scan-terms", str(page), "--draft-out", str(draft), "--policies", str(policies)
    )
    assert again.exit_code == 1
    assert again.output.endswith(f"Error: --draft-out: {draft} exists; choose a new file\n")


def test_scan_terms_missing_file(tmp_path: Path, policies: Path) -> None:
    missing = tmp_path / "nope.html"
    result = run("policy", "scan-terms", str(missing), "--policies", str(policies))
    assert result.exit_code == 1
    assert result.output == f"Error: cannot read {missing}: No such file or directory\n"


class _World(BaseHTTPRequestHandler):
    """A forward proxy that plays hosts from a dict: {absolute URL: (status, body)}."""

    pages: ClassVar[dict[str, tuple[int, str]]] = {}
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        status, body = self.pages.get(self.path, (404, "not found"))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_World]]:
    handler = type("World", (_World,), {"pages": {}, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("no_proxy", "")
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def test_scan_terms_url_refused_by_the_gate_is_never_fetched(
    policies: Path, proxy: type[_World]
) -> None:
    result = run("policy", "scan-terms", "http://nowhere.test/cgu", "--policies", str(policies))
    assert result.exit_code == 1
    assert result.output == (
        "Error: the gate refuses http://nowhere.test/cgu: no policy for host nowhere.test: every "
        "domain needs a recorded legal decision before it is crawled (R2); save the page from a "
        "browser and run `compliant-scraper policy scan-terms FILE`\n"
    )
    assert proxy.seen == []


def test_scan_terms_url_fetched_when_gate_and_robots_allow(
    policies: Path, proxy: type[_World]
) -> None:
    proxy.pages["http://annuaire.test/robots.txt"] = (200, "User-agent: *\nDisallow: /private\n")
    proxy.pages["http://annuaire.test/cgu"] = (200, TERMS_HTML)
    result = run("policy", "scan-terms", "http://annuaire.test/cgu", "--policies", str(policies))
    assert result.exit_code == 0, result.output
    assert proxy.seen == ["http://annuaire.test/robots.txt", "http://annuaire.test/cgu"]
    assert "2 clause(s)" in result.output
    assert 'terms_url = "http://annuaire.test/cgu"' in result.output


@pytest.mark.parametrize(
    ("robots", "message"),
    [
        (
            (200, "User-agent: *\nDisallow: /cgu\n"),
            "Error: robots.txt of annuaire.test disallows http://annuaire.test/cgu (R3); ",
        ),
        (
            (503, "busy"),
            "Error: robots.txt of annuaire.test answered 503: RFC 9309 reads that as complete "
            "disallow (R3); ",
        ),
    ],
)
def test_scan_terms_url_obeys_robots_strictly(
    policies: Path, proxy: type[_World], robots: tuple[int, str], message: str
) -> None:
    proxy.pages["http://annuaire.test/robots.txt"] = robots
    proxy.pages["http://annuaire.test/cgu"] = (200, TERMS_HTML)
    result = run("policy", "scan-terms", "http://annuaire.test/cgu", "--policies", str(policies))
    assert result.exit_code == 1
    assert result.output.startswith(message)
    assert "http://annuaire.test/cgu" not in proxy.seen


# -- validate: what a purpose must say (issue 12) --------------------------------------------

SHIPPED = Path(__file__).resolve().parents[1] / "policies"
EMAIL = "b2b_email_prospecting"


def _without(text: str, table: str, key: str | None) -> str:
    """``text`` without ``key`` (a multi-line array included) in ``[table]``, or without the
    whole table when ``key`` is None."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"[{table}]\n")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    if key is None:
        return "".join(lines[:start] + lines[end:])
    first = next(i for i in range(start, end) if lines[i].startswith(f"{key} ="))
    last = first
    while lines[last].count("[") > lines[last].count("]") or (
        last > first and not lines[last].rstrip().endswith("]")
    ):
        last += 1
    return "".join(lines[:first] + lines[last + 1 :])


def _shipped_copy(tmp_path: Path) -> Path:
    import shutil

    return Path(shutil.copytree(SHIPPED, tmp_path / "policies"))


@pytest.mark.parametrize(
    ("table", "key", "problem"),
    [
        (EMAIL, "offer", f"{EMAIL}.offer: required key is missing"),
        (EMAIL, "legitimate_interest", f"{EMAIL}.legitimate_interest: required key is missing"),
        (EMAIL, "target_professions", f"{EMAIL}.target_professions: required for a b2b email"),
        (EMAIL, "lia", f"{EMAIL}.lia: required key is missing"),
        (EMAIL, "dpia", f"{EMAIL}.dpia: required for a legitimate-interest purpose"),
        ("b2b_phone_prospecting", "dpia_not_required", "b2b_phone_prospecting.dpia: required"),
        (f"{EMAIL}.notice.fr", None, f"{EMAIL}.notice.fr: required table is missing"),
        (f"{EMAIL}.notice.en", None, f"{EMAIL}.notice.en: required table is missing"),
        (
            f"{EMAIL}.notice.fr",
            "description",
            f"{EMAIL}.notice.fr.description: required key is missing",
        ),
        (
            f"{EMAIL}.notice.en",
            "legal_basis",
            f"{EMAIL}.notice.en.legal_basis: required key is missing",
        ),
        (
            f"{EMAIL}.notice.fr",
            "legitimate_interest",
            f"{EMAIL}.notice.fr.legitimate_interest: required key is missing",
        ),
    ],
)
def test_validate_fails_for_each_missing_purpose_key(
    tmp_path: Path, table: str, key: str | None, problem: str
) -> None:
    policies = _shipped_copy(tmp_path)
    purposes = policies / "purposes.toml"
    purposes.write_text(_without(purposes.read_text(), table, key))
    result = run("policy", "validate", str(policies))
    assert result.exit_code == 1
    assert f"purposes.toml: {problem}" in result.output
    assert result.output.splitlines()[-1].startswith("Error: ")


@pytest.mark.parametrize("channel", ["sms", "automated_call"])
def test_validate_needs_target_professions_for_every_electronic_channel(
    tmp_path: Path, channel: str
) -> None:
    policies = _shipped_copy(tmp_path)
    purposes = policies / "purposes.toml"
    text = _without(purposes.read_text(), "b2b_postal_prospecting", "channel")
    text = text.replace(
        "[b2b_postal_prospecting]\n", f'[b2b_postal_prospecting]\nchannel = "{channel}"\n'
    )
    purposes.write_text(text)
    result = run("policy", "validate", str(policies))
    assert result.exit_code == 1
    assert (
        f"purposes.toml: b2b_postal_prospecting.target_professions: required for a b2b "
        f"{channel} purpose" in result.output
    )


@pytest.mark.parametrize(
    ("file", "key"),
    [
        ("assessments/lia-b2b-email-prospecting.md", "lia"),
        ("assessments/dpia-directory-prospecting.md", "dpia"),
    ],
)
def test_validate_fails_when_an_assessment_file_is_gone(
    tmp_path: Path, file: str, key: str
) -> None:
    policies = _shipped_copy(tmp_path)
    (policies / file).unlink()
    result = run("policy", "validate", str(policies))
    assert result.exit_code == 1
    assert f"purposes.toml: {EMAIL}.{key}: file {file} does not exist in {policies}" in (
        result.output
    )


def test_the_shipped_registry_is_valid_and_carries_each_key() -> None:
    from compliant_scraper.policy.loader import load_registry

    result = run("policy", "validate", str(SHIPPED))
    assert result.exit_code == 0, result.output
    registry = load_registry(SHIPPED)
    email = registry.purposes[EMAIL]
    assert email.offer and email.legitimate_interest and email.target_professions
    assert email.lia and email.dpia and not email.allow_private_mailboxes
    assert registry.purposes["b2b_phone_prospecting"].dpia_not_required
    assert {"fr", "en"} <= {lang for lang, _ in email.notice}
    assert {lang for lang, _ in registry.purposes["b2b_postal_prospecting"].notice} == {
        "fr",
        "en",
        "de",
        "es",
        "it",
    }
