"""End to end, the "refuse" half (issue 3): real crawls through the fixture world's proxy.

The proxy's log is the proof: a host or path that is not in it was never contacted. Most
assertions read one crawl by a careless spider that follows every link it sees, on every
host, with ``dont_filter=True``; the other tests each run a crawl of their own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import POLICY_DIR, SPIDERS_DIR, WORLD_DIR, CrawlResult, RunCrawl

from compliant_scraper.crawl.components import COMPONENTS, Component
from compliant_scraper.demo.world import VirtualWorld

pytestmark = pytest.mark.e2e

CARELESS = SPIDERS_DIR / "careless.py"
PARSED = "CARELESS-PARSED"
START = "http://allowed.test/"
VIA_REDIRECT = "http://allowed.test/vers-linkedin"  # 302 to www.linkedin.com

# Hosts the careless crawl may contact: allowed, under a policy, and reached only for
# robots.txt when their robots.txt is unreadable.
MAY_CONTACT = {
    "allowed.test",
    "503.robots.test",
    "429.robots.test",
    "timeout.robots.test",
    "reset.robots.test",
    "404.robots.test",
    "redirect.robots.test",
    "paths.test",
    "tdmrep.test",
    "licensed.test",
}
# Hosts linked from allowed.test that must never be contacted, with the refused URL.
NEVER_CONTACTED = {
    "www.linkedin.com": "http://www.linkedin.com/in/jeanne-martin",  # forbidden
    "fr.linkedin.com": "http://fr.linkedin.com./in/jeanne-martin",  # forbidden, trailing dot
    "www.facebook.com": "http://www.facebook.com/cabinet.martin",  # forbidden
    "notlinkedin.com": "http://notlinkedin.com/in/jeanne-martin",  # look-alike, no policy
    "www.linkedin.com.evil.test": "http://www.linkedin.com.evil.test/in/jeanne-martin",
    "unknown.test": "http://unknown.test/annuaire.html",  # no policy
    "overdue.test": "http://overdue.test/annuaire.html",  # review overdue
    "purpose-restricted.test": "http://purpose-restricted.test/index.html",  # other purpose
}
UNREADABLE_ROBOTS = ("503", "429", "timeout", "reset")


@pytest.fixture(scope="module")
def careless(
    tmp_path_factory: pytest.TempPathFactory, crawl: RunCrawl
) -> Iterator[tuple[VirtualWorld, CrawlResult]]:
    with VirtualWorld(WORLD_DIR) as world:
        result = crawl(
            CARELESS,
            tmp_path_factory.mktemp("careless"),
            env=world.env(),
            args={"start_urls": f"{START},{VIA_REDIRECT}"},
        )
    yield world, result


def refusals_for(result: CrawlResult, url: str) -> list[dict[str, object]]:
    return [row for row in result.refusals() if row["url"] == url]


def host_of(url: object) -> str:
    return (urlsplit(str(url)).hostname or "").rstrip(".")


# -- the careless crawl ------------------------------------------------------------------


def test_careless_crawl_ran(careless: tuple[VirtualWorld, CrawlResult]) -> None:
    _, result = careless
    assert result.returncode == 0, result
    assert {START, "http://allowed.test/page-a.html"} <= result.parsed(PARSED), result
    [run] = result.rows("SELECT * FROM runs")
    assert run["finish_reason"] == "finished", result


def test_only_allowed_hosts_contacted(careless: tuple[VirtualWorld, CrawlResult]) -> None:
    world, result = careless
    assert world.hosts() <= MAY_CONTACT, result
    assert not [hit for hit in world.requests if hit.method == "CONNECT"]


@pytest.mark.parametrize(("host", "url"), sorted(NEVER_CONTACTED.items()))
def test_forbidden_unknown_lookalike_overdue_never_contacted(
    careless: tuple[VirtualWorld, CrawlResult], host: str, url: str
) -> None:
    world, result = careless
    assert world.requests_to(host) == []  # not even its robots.txt
    rows = [r for r in result.refusals() if host_of(r["url"]).lower() == host]
    assert rows, f"no refusal recorded for {url}"
    for row in rows:
        assert (row["stage"], row["rule"]) == ("policy", "R2"), row
        assert row["reason"] and str(row["domain"]).rstrip(".") == host, row


def test_linkedin_never_contacted_in_any_spelling(
    careless: tuple[VirtualWorld, CrawlResult],
) -> None:
    world, result = careless
    assert not world.contacted("linkedin.com")
    refused = {r["url"] for r in result.refusals() if r["stage"] == "policy"}
    for url in (
        "https://www.linkedin.com/in/jeanne-martin",
        "http://www.linkedin.com:8080/in/jeanne-martin",
        "http://www.linkedin.com/in/from-page-a",
    ):
        assert url in refused, url
    assert any(host_of(url) == "www.linkedin.com" and "company" in url for url in refused)


def test_overdue_refusal_says_so(careless: tuple[VirtualWorld, CrawlResult]) -> None:
    _, result = careless
    [row] = refusals_for(result, NEVER_CONTACTED["overdue.test"])
    assert "overdue" in str(row["reason"]).lower() or "review" in str(row["reason"]).lower()


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (VIA_REDIRECT, "http://www.linkedin.com/in/redirected-target"),
        ("http://allowed.test/vers-facebook", "http://www.facebook.com/redirected-target"),
    ],
)
def test_redirect_to_forbidden_host_refused(
    careless: tuple[VirtualWorld, CrawlResult], start: str, target: str
) -> None:
    world, result = careless
    assert urlsplit(start).path in world.paths("allowed.test")  # the redirect was served
    assert world.requests_to(host_of(target)) == []
    [row] = refusals_for(result, target)
    assert (row["stage"], row["rule"]) == ("policy", "R2")


def test_redirect_within_allowed_host_followed(
    careless: tuple[VirtualWorld, CrawlResult],
) -> None:
    _, result = careless
    assert "http://allowed.test/redirected-ok.html" in result.parsed(PARSED)


def test_robots_disallowed_path_never_fetched(careless: tuple[VirtualWorld, CrawlResult]) -> None:
    world, result = careless
    paths = world.paths("allowed.test")
    assert "/page-a.html" in paths
    assert not [p for p in paths if p.startswith("/prive/")]
    [row] = refusals_for(result, "http://allowed.test/prive/secret.html")
    assert (row["stage"], row["rule"]) == ("robots", "R3")


def test_robots_txt_fetched_once(careless: tuple[VirtualWorld, CrawlResult]) -> None:
    world, result = careless
    assert world.paths("allowed.test").count("/robots.txt") == 1
    [snapshot] = result.rows("SELECT * FROM robots_snapshots WHERE host = 'allowed.test'")
    assert snapshot["status"] == 200 and "Disallow: /prive/" in snapshot["body"]


@pytest.fixture(scope="module")
def careless_16(
    tmp_path_factory: pytest.TempPathFactory, crawl: RunCrawl
) -> Iterator[tuple[VirtualWorld, CrawlResult]]:
    """The careless crawl with ``CONCURRENT_ITEMS = 16``: the two pages of an unreadable
    host no longer overlap, so the second one reads the cached verdict."""
    with VirtualWorld(WORLD_DIR) as world:
        result = crawl(
            CARELESS,
            tmp_path_factory.mktemp("careless-16"),
            env=world.env(),
            settings={"CONCURRENT_ITEMS": "16"},
            args={"start_urls": f"{START},{VIA_REDIRECT}"},
        )
    yield world, result


@pytest.mark.parametrize("concurrent_items", ["default", "16"])
@pytest.mark.parametrize("kind", UNREADABLE_ROBOTS)
def test_unreadable_robots_txt_disallows_the_host(
    request: pytest.FixtureRequest, kind: str, concurrent_items: str
) -> None:
    """One fetch of the robots.txt per run (one snapshot, one ``robots/fetched``), its
    verdict reused by every later request of the host, and no page of it contacted.

    The world's log may show ``/robots.txt`` twice for the ``reset`` host: Twisted's
    connection pool resends an idempotent request once, below Scrapy, when it went out on
    a reused keep-alive connection that closed before any answer (``retryAutomatically``;
    every request goes through the world's one proxy port, so connections are reused).
    That resend is the same download, not a second verdict (docs/robots.md)."""
    fixture = "careless" if concurrent_items == "default" else "careless_16"
    world, result = request.getfixturevalue(fixture)
    host = f"{kind}.robots.test"
    assert set(world.paths(host)) == {"/robots.txt"}, world.paths(host)  # no page, ever
    snapshots = result.rows("SELECT * FROM robots_snapshots WHERE host = ?", [host])
    assert len(snapshots) == 1, snapshots  # fetched once in the run: the verdict reused
    assert snapshots[0]["status"] in (None, 429, 503), snapshots
    for page in ("a.html", "b.html"):
        [row] = refusals_for(result, f"http://{host}/{page}")
        assert (row["stage"], row["rule"]) == ("robots", "R3")
        assert row["reason"]


@pytest.mark.parametrize(("kind", "status"), [("503", "503"), ("429", "429")])
def test_unreadable_robots_reason_names_the_status(
    careless: tuple[VirtualWorld, CrawlResult], kind: str, status: str
) -> None:
    _, result = careless
    [row] = refusals_for(result, f"http://{kind}.robots.test/a.html")
    assert status in str(row["reason"])


def test_robots_txt_404_means_no_rules(careless: tuple[VirtualWorld, CrawlResult]) -> None:
    world, result = careless
    assert {"/robots.txt", "/a.html", "/b.html"} <= set(world.paths("404.robots.test"))
    assert {"http://404.robots.test/a.html", "http://404.robots.test/b.html"} <= result.parsed(
        PARSED
    )


def test_robots_txt_redirect_to_forbidden_host(
    careless: tuple[VirtualWorld, CrawlResult],
) -> None:
    world, _ = careless
    assert world.paths("redirect.robots.test")[:1] == ["/robots.txt"]
    assert world.requests_to("www.facebook.com") == []


def test_paths_restrict_pages_not_robots_txt(careless: tuple[VirtualWorld, CrawlResult]) -> None:
    world, result = careless
    paths = set(world.paths("paths.test"))
    assert {"/robots.txt", "/annuaire/"} <= paths
    assert not [p for p in paths if p.startswith("/autre/")]
    for url in (
        "http://paths.test/autre/page.html",
        "http://paths.test/autre/depuis-annuaire.html",
    ):
        [row] = refusals_for(result, url)
        assert (row["stage"], row["rule"]) == ("policy", "R2")


@pytest.mark.parametrize(
    ("page", "behind", "stage"),
    [
        ("http://allowed.test/tdm/header.html", "/tdm/behind-header.html", "tdm"),
        ("http://allowed.test/tdm/meta.html", "/tdm/behind-meta.html", "tdm"),
        ("http://allowed.test/tdm/noai.html", "/tdm/behind-noai.html", "tdm"),
        ("http://tdmrep.test/reserve/page.html", "/reserve/behind.html", "tdm"),
        (
            "http://allowed.test/connexion/mot-de-passe.html",
            "/connexion/behind-password.html",
            "login",
        ),
        ("http://allowed.test/connexion/reservee.html", "/connexion/behind-401.html", "login"),
    ],
)
def test_tdm_reservations_and_login_walls_refused(
    careless: tuple[VirtualWorld, CrawlResult], page: str, behind: str, stage: str
) -> None:
    world, result = careless
    assert page not in result.parsed(PARSED)  # the spider never saw it
    assert behind not in world.paths(host_of(page))  # so never followed its links
    rows = refusals_for(result, page)
    assert [(r["stage"], r["rule"]) for r in rows] == [(stage, "R3" if stage == "tdm" else "R2")]


def test_redirect_to_login_page_refused(careless: tuple[VirtualWorld, CrawlResult]) -> None:
    world, result = careless
    assert "/connexion/behind-login.html" not in world.paths("allowed.test")
    assert not [url for url in result.parsed(PARSED) if "/login" in url or "/compte" in url]
    login = [r for r in result.refusals() if r["stage"] == "login"]
    assert any("/login" in str(r["url"]) or "/compte" in str(r["url"]) for r in login), login


def test_unreserved_and_licensed_pages_crawled(
    careless: tuple[VirtualWorld, CrawlResult],
) -> None:
    _, result = careless
    assert {"http://tdmrep.test/libre/page.html", "http://licensed.test/page.html"} <= (
        result.parsed(PARSED)
    )


def test_userinfo_is_a_credential(careless: tuple[VirtualWorld, CrawlResult]) -> None:
    world, result = careless
    assert not [h for h in world.requests if h.header("Authorization") or "via=userinfo" in h.path]
    [row] = [r for r in result.refusals() if "via=userinfo" in str(r["url"])]
    assert row["stage"] == "policy"


def test_every_refusal_recorded_with_stage_and_reason(
    careless: tuple[VirtualWorld, CrawlResult],
) -> None:
    _, result = careless
    [run] = result.rows("SELECT id FROM runs")
    rows = result.refusals()
    assert rows
    for row in rows:
        assert row["stage"] in {"policy", "robots", "tdm", "login"}, row
        assert row["rule"] in {"R2", "R3"}, row
        assert row["reason"] and row["domain"] and row["at"], row
        assert row["run_id"] == run["id"], row
    stats = result.rows("SELECT stats FROM runs")[0]["stats"]
    for stage in ("policy", "robots", "tdm", "login"):
        assert f'"compliance/refused/{stage}"' in stats


# -- crawls of their own -------------------------------------------------------------------


def test_robotstxt_obey_false_still_obeys_robots(
    world: VirtualWorld, tmp_path: Path, crawl: RunCrawl
) -> None:
    result = crawl(
        CARELESS,
        tmp_path,
        env=world.env(),
        settings={"ROBOTSTXT_OBEY": "False"},
        args={"start_urls": "http://allowed.test/page-a.html,http://503.robots.test/a.html"},
    )
    assert "http://allowed.test/page-a.html" in result.parsed(PARSED), result
    assert not [p for p in world.paths("allowed.test") if p.startswith("/prive/")]
    assert world.paths("503.robots.test") == ["/robots.txt"]
    warnings = [line for line in result.output.splitlines() if "ROBOTSTXT_OBEY" in line]
    assert any("WARNING" in line for line in warnings), result


@pytest.mark.parametrize("component", COMPONENTS, ids=lambda c: c.path.rsplit(".", 1)[-1])
def test_removed_component_stops_crawl_before_any_request(
    world: VirtualWorld, tmp_path: Path, crawl: RunCrawl, component: Component
) -> None:
    setting, path = component.setting, component.path
    result = crawl(
        CARELESS,
        tmp_path,
        env=world.env(),
        settings={setting: f'{{"{path}": null}}'},
        args={"start_urls": START},
    )
    assert world.requests == [], result
    assert result.returncode != 0, result
    errors = [line for line in result.output.splitlines() if path in line and setting in line]
    assert errors and all("CRITICAL" in line for line in errors), result
    assert "Traceback" not in result.output, result


def test_replaced_log_formatter_stops_crawl_before_any_request(
    world: VirtualWorld, tmp_path: Path, crawl: RunCrawl
) -> None:
    """Scrapy's own formatter would print dropped items, unscreened values included."""
    result = crawl(
        CARELESS,
        tmp_path,
        env=world.env(),
        settings={"LOG_FORMATTER": "scrapy.logformatter.LogFormatter"},
        args={"start_urls": START},
    )
    assert world.requests == [], result
    assert result.returncode != 0, result
    errors = [line for line in result.output.splitlines() if "LOG_FORMATTER is" in line]
    assert any("ComplianceLogFormatter" in line for line in errors), result


@pytest.mark.parametrize(
    ("file", "edit", "field"),
    [
        ("allowed.test.toml", ('extraction = "allowed"', 'extraction = "perhaps"'), "extraction"),
        (
            "allowed.test.toml",
            ("reviewed_on = 2026-11-01", "reviewed_on = 2099-01-01"),
            "reviewed_on",
        ),
        ("linkedin.com.toml", ('terms_url = "https://linkedin.com/conditions"\n', ""), "terms_url"),
    ],
)
def test_invalid_registry_stops_crawl_before_any_request(
    world: VirtualWorld,
    tmp_path: Path,
    crawl: RunCrawl,
    file: str,
    edit: tuple[str, str],
    field: str,
) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, policies)
    target = policies / "domains" / file
    text = target.read_text()
    assert edit[0] in text
    target.write_text(text.replace(edit[0], edit[1]))
    result = crawl(
        CARELESS, tmp_path / "run", env=world.env(), policy_dir=policies, args={"start_urls": START}
    )
    assert result.returncode != 0, result
    assert world.requests == [], result
    assert f"domains/{file}: {field}:" in result.output, result


def test_credentials_refused_unless_policy_authenticated(
    world: VirtualWorld, tmp_path: Path, crawl: RunCrawl
) -> None:
    result = crawl(
        SPIDERS_DIR / "credentials.py",
        tmp_path,
        env=world.env(),
        args={
            "header_url": "http://allowed.test/page-a.html",
            "cookie_url": "http://allowed.test/page-b.html",
            "allowed_url": "http://members.test/index.html",
        },
    )
    assert world.requests_to("allowed.test") == [], result  # not even its robots.txt
    [member] = [h for h in world.requests_to("members.test") if h.path == "/index.html"]
    assert member.header("Authorization")  # authenticated = true: the control case
    for url in ("http://allowed.test/page-a.html", "http://allowed.test/page-b.html"):
        [row] = refusals_for(result, url)
        assert (row["stage"], row["rule"]) == ("policy", "R2")
        assert "credential" in str(row["reason"]).lower()


def test_meta_proxy_is_honoured(
    world: VirtualWorld, trap_world: VirtualWorld, tmp_path: Path, crawl: RunCrawl
) -> None:
    """The spider names its proxy in meta; the environment's proxy is a trap that logs."""
    result = crawl(
        SPIDERS_DIR / "meta_proxy.py",
        tmp_path,
        env=trap_world.env(),
        args={
            "urls": "http://allowed.test/page-a.html,http://www.linkedin.com/in/jeanne-martin",
            "proxy": world.proxy_url,
        },
    )
    assert "http://allowed.test/page-a.html" in result.parsed("META-PROXY-PARSED"), result
    tdmrep = "/.well-known/tdmrep.json"  # the TDM check's own fetch, through the same proxy
    assert set(world.paths("allowed.test")) - {tdmrep} == {"/robots.txt", "/page-a.html"}
    assert world.hosts() == {"allowed.test"}
    assert trap_world.requests == []  # nothing went around the spider's proxy
    [row] = refusals_for(result, "http://www.linkedin.com/in/jeanne-martin")
    assert row["stage"] == "policy"
