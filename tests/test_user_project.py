"""The add-on inside a user's own Scrapy project (issue 9 items 4, 5, 8).

Each test makes a real ``scrapy startproject acme``, enables the add-on with the README's
``ADDONS`` line, writes an ordinary spider (and a pipeline of the user's own), and runs
``scrapy crawl`` from the spiders folder, as a user does, through the fixture world's proxy.
"""

from __future__ import annotations

import ast
import dbm
import os
import pickle
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import POLICY_DIR, WORLD_DIR
from support.user_project import UserProject

from compliant_scraper.demo.world import VirtualWorld

pytestmark = pytest.mark.e2e

PEOPLE = """
import scrapy


class PeopleSpider(scrapy.Spider):
    name = "people"
    start_urls = ["http://allowed.test/page-a.html"]

    def parse(self, response):
        self.logger.info("PEOPLE-PARSED %s", response.url)
        yield {
            "name": "Jeanne Martin",
            "job_title": "Avocate",
            "street_address": "1 rue de la Paix",
            "postal_code": "75002",
            "locality": "Paris",
            "description": "Suivie pour un diabète",
        }
"""
RAW_PIPELINE = '''

import json
from pathlib import Path


class RawPipeline:
    """Writes every item it sees to raw-items.jsonl, beside scrapy.cfg."""

    def process_item(self, item):
        out = Path(__file__).resolve().parents[1] / "raw-items.jsonl"
        with out.open("a") as fh:
            fh.write(json.dumps(dict(item), default=str) + "\\n")
        return item
'''
SETTINGS = 'COMPLIANCE_PURPOSE = "test_b2b_post"\n'
PIPELINE_PATH = "acme.pipelines.RawPipeline"


def make_project(tmp_path: Path, settings: str = "") -> UserProject:
    return UserProject.create(
        tmp_path,
        POLICY_DIR,
        SETTINGS + settings,
        {"spiders/people.py": PEOPLE, "pipelines.py": RAW_PIPELINE},
    )


def critical(output: str) -> list[str]:
    return [line for line in output.splitlines() if "CRITICAL" in line]


# -- item 4: no pipeline before the compliance pipeline -------------------------------------


@pytest.mark.parametrize("priority", [0, 1], ids=["before", "tie"])
def test_pipeline_before_compliance_stops_before_any_request(
    tmp_path: Path, world: VirtualWorld, priority: int
) -> None:
    project = make_project(tmp_path, f'ITEM_PIPELINES = {{"{PIPELINE_PATH}": {priority}}}\n')
    run = project.crawl("people", env=world.env())
    assert run.returncode != 0, run
    assert world.requests == [], run
    [line] = critical(run.output)
    assert PIPELINE_PATH in line and "ITEM_PIPELINES" in line, line
    assert f"(priority {priority})" in line and "R4" in line, line
    assert not (project.root / "raw-items.jsonl").exists()


def test_pipeline_after_compliance_sees_screened_items(tmp_path: Path, world: VirtualWorld) -> None:
    project = make_project(tmp_path, f'ITEM_PIPELINES = {{"{PIPELINE_PATH}": 300}}\n')
    run = project.crawl("people", env=world.env())
    assert run.returncode == 0, run
    raw = (project.root / "raw-items.jsonl").read_text()
    assert "Jeanne Martin" in raw and "diab" not in raw, raw


# -- item 8: a refused start is one CRITICAL line and a non-zero exit ------------------------


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ('COMPLIANCE_PURPOSE = "no_such_purpose"\n', "COMPLIANCE_PURPOSE='no_such_purpose'"),
        ('COMPLIANCE_POLICY_DIR = "nowhere"\n', "nowhere does not exist"),
        (
            'LOG_FORMATTER = "scrapy.logformatter.LogFormatter"\n',
            "LOG_FORMATTER is 'scrapy.logformatter.LogFormatter'",
        ),
        (
            'ITEM_PIPELINES = {"compliant_scraper.crawl.pipeline.CompliancePipeline": None}\n',
            "CompliancePipeline (compliance pipeline (R4, R6-R9)) is not enabled",
        ),
        (
            'COMPLIANCE_PURPUSE = "test_b2b_post"\n',
            "COMPLIANCE_PURPUSE: unknown setting (did you mean COMPLIANCE_PURPOSE?)",
        ),
        ("HTTPCACHE_ENABLED = True\n", "Set COMPLIANCE_ALLOW_HTTPCACHE = True"),
        (
            "HTTPCACHE_ENABLED = True\nCOMPLIANCE_ALLOW_HTTPCACHE = True\n"
            "HTTPCACHE_EXPIRATION_SECS = 0\n",
            "HTTPCACHE_EXPIRATION_SECS is 0 (never expire)",
        ),
    ],
    ids=[
        "purpose",
        "policy-dir",
        "log-formatter",
        "removed-pipeline",
        "unknown-setting",
        "httpcache",
        "httpcache-forever",
    ],
)
def test_refused_start_says_why_once_without_traceback(
    tmp_path: Path, world: VirtualWorld, settings: str, reason: str
) -> None:
    run = make_project(tmp_path, settings).crawl("people", env=world.env())
    assert run.returncode != 0, run
    assert world.requests == [], run
    [line] = critical(run.output)
    assert "The crawl does not start" in line and reason in line, line
    assert "Traceback" not in run.output, run
    assert "Task exception was never retrieved" not in run.output, run


# -- item 5: paths follow the project root, not the current folder ---------------------------


def test_crawl_from_a_subfolder_uses_the_project_database(
    tmp_path: Path, world: VirtualWorld
) -> None:
    project = make_project(tmp_path)
    for cwd in (project.spiders, project.root, project.package):
        run = project.crawl("people", env=world.env(), cwd=cwd)
        assert run.returncode == 0, run
    db = project.root / "compliance.db"
    [line] = run.lines("Compliance run")
    assert f"database {db}" in line and f"from {project.root / 'policies'}" in line, line
    assert not list(project.package.rglob("compliance.db*")), "a database inside the package"
    assert (project.root / "compliance.db.key").is_file()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        [(runs,)] = conn.execute("SELECT count(*) FROM runs").fetchall()
    assert runs == 3


def test_environment_names_the_database(tmp_path: Path, world: VirtualWorld) -> None:
    project = make_project(tmp_path)
    elsewhere = tmp_path / "data" / "prospects.db"
    elsewhere.parent.mkdir()
    run = project.crawl("people", env={**world.env(), "COMPLIANCE_DB": str(elsewhere)})
    assert run.returncode == 0, run
    assert elsewhere.is_file() and not (project.root / "compliance.db").exists()
    assert f"database {elsewhere}" in run.lines("Compliance run")[0]


def test_cli_in_the_project_reads_its_settings(tmp_path: Path, world: VirtualWorld) -> None:
    project = make_project(
        tmp_path, 'COMPLIANCE_DB = "var/acme.db"\nCOMPLIANCE_POLICY_DIR = "legal/registry"\n'
    )
    (project.root / "legal").mkdir()
    (project.root / "policies").rename(project.root / "legal" / "registry")
    (project.root / "var").mkdir()
    assert project.crawl("people", env=world.env()).returncode == 0
    validate = project.cli("policy", "validate")
    assert validate.returncode == 0, validate
    assert str(project.root / "legal" / "registry") in validate.stdout, validate
    audit = project.cli("audit")
    assert audit.returncode == 0, audit
    assert "people" in audit.stdout, audit
    assert not list(project.spiders.glob("*.db*")), "the CLI created a database in the folder"


def test_cli_honours_the_environment(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    broken = tmp_path / "other-registry"
    broken.mkdir()
    run = project.cli("policy", "validate", env={"COMPLIANCE_POLICY_DIR": str(broken)})
    assert run.returncode != 0, run
    assert str(broken) in run.output, run
    missing = tmp_path / "nothing-here.db"
    audit = project.cli("audit", env={"COMPLIANCE_DB": str(missing)})
    assert str(missing) in audit.output, audit


# -- item 7: schema.org names are fields; unknown keys are named once -------------------------

SCHEMA_ORG_SPIDER = """
import scrapy


class SchemaSpider(scrapy.Spider):
    name = "schema"
    start_urls = ["http://allowed.test/page-a.html", "http://allowed.test/page-b.html"]

    def parse(self, response):
        yield {
            "name": "Jeanne Martin",
            "jobTitle": "Avocate",
            "worksFor": {"@type": "Organization", "name": "Cabinet Martin"},
            "address": {"streetAddress": "1 rue de la Paix", "postalCode": "75002",
                        "addressLocality": "Paris"},
            "favouriteColour": "blue",
        }
"""


def test_schema_org_keys_kept_unknown_key_warned_once(tmp_path: Path, world: VirtualWorld) -> None:
    project = make_project(tmp_path)
    (project.spiders / "schema.py").write_text(SCHEMA_ORG_SPIDER)
    run = project.crawl("schema", env=world.env())
    assert run.returncode == 0, run
    db = project.root / "compliance.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT job_title, organization, street_address, postal_code, locality FROM contacts"
        ).fetchall()
        drops = conn.execute("SELECT field FROM drops WHERE field = 'favouriteColour'").fetchall()
    assert rows == [("Avocate", "Cabinet Martin", "1 rue de la Paix", "75002", "Paris")]
    assert len(drops) == 2  # one per item, as before
    warned = [line for line in run.lines("WARNING") if "'favouriteColour'" in line]
    assert len(warned) == 1, run


# -- item 3: the HTTP cache, opted in ----------------------------------------------------------

CACHED_SPIDER = """
import scrapy


class CachedSpider(scrapy.Spider):
    name = "cached"
    start_urls = ["http://tdmrep.test/reserve/page.html"]

    def parse(self, response):
        self.logger.info("CACHED-PARSED %s %s", response.url, "cached" in response.flags)
"""


def test_opted_in_cache_never_serves_compliance_files(tmp_path: Path) -> None:
    """A cached 404 for tdmrep.json must not hide a reservation published since."""
    site = tmp_path / "world"
    shutil.copytree(WORLD_DIR / "tdmrep.test", site / "tdmrep.test")
    tdmrep = site / "tdmrep.test" / ".well-known" / "tdmrep.json"
    reservation = tdmrep.read_text()
    tdmrep.unlink()  # first crawl: no reservation file (404)
    project = make_project(
        tmp_path / "p", "HTTPCACHE_ENABLED = True\nCOMPLIANCE_ALLOW_HTTPCACHE = True\n"
    )
    (project.spiders / "cached.py").write_text(CACHED_SPIDER)
    with VirtualWorld(site) as world:
        first = project.crawl("cached", env=world.env())
        assert first.returncode == 0, first
        assert first.lines("CACHED-PARSED http://tdmrep.test/reserve/page.html False"), first
        tdmrep.write_text(reservation)  # the site reserves TDM for /reserve/*
        second = project.crawl("cached", env=world.env())
        assert second.returncode == 0, second
        paths = [hit.path for hit in world.requests]
    assert paths.count("/robots.txt") == 2 and paths.count("/.well-known/tdmrep.json") == 2
    assert not second.lines("CACHED-PARSED"), second  # refused, not served from the cache
    db = project.root / "compliance.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        stages = conn.execute("SELECT stage FROM refusals").fetchall()
    assert stages == [("tdm",)]
    cache = project.root / ".scrapy" / "httpcache"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert "'HTTPCACHE_EXPIRATION_SECS': 86400" in first.output, first
    purge = project.cli("purge")
    assert purge.returncode == 0, purge
    assert f"Scrapy's HTTP cache at {cache} holds 1 cached page(s)" in purge.output, purge
    erase = project.cli("subject", "erase", "jeanne.martin@cabinet-martin.fr", "--yes")
    assert erase.returncode == 0, erase
    assert f"Scrapy's HTTP cache at {cache} holds 1 cached page(s)" in erase.stderr, erase


REFUSED_PAGES = (
    "http://allowed.test/tdm/header.html",  # tdm-reservation: 1 header
    "http://allowed.test/tdm/meta.html",  # <meta name="tdm-reservation" content="1">
    "http://allowed.test/connexion/mot-de-passe.html",  # a login form
)
KEPT_PAGE = "http://allowed.test/page-a.html"

REFUSING_SPIDER = f"""
import scrapy


class MixedSpider(scrapy.Spider):
    name = "mixed"
    start_urls = {[KEPT_PAGE, *REFUSED_PAGES]!r}

    def parse(self, response):
        self.logger.info("MIXED-PARSED %s %s", response.url, "cached" in response.flags)
"""


def cached_urls(cache: Path, storage: str) -> list[str]:
    """The request URLs Scrapy's HTTP cache holds an entry for (either storage)."""
    if storage == "filesystem":
        return sorted(
            ast.literal_eval((meta.parent / "meta").read_text())["url"]
            for meta in cache.glob("mixed/*/*/pickled_meta")
        )
    with dbm.open(str(cache / "mixed.db"), "r") as db:
        return sorted(
            pickle.loads(db[key])["url"]
            for key in db.keys()  # noqa: SIM118 (a dbm.gnu database is not iterable)
            if key.endswith(b"_data")
        )


@pytest.mark.parametrize(
    ("storage", "path"),
    [
        ("filesystem", "scrapy.extensions.httpcache.FilesystemCacheStorage"),
        ("dbm", "scrapy.extensions.httpcache.DbmCacheStorage"),
    ],
)
def test_a_page_refused_for_what_it_says_leaves_no_cached_copy(
    tmp_path: Path, world: VirtualWorld, storage: str, path: str
) -> None:
    """Gate lane 2026-12-04 (issue 9 item 3 gap): HttpCacheMiddleware (900) stored a page
    before the TDM and login checks (585) refused it; it stayed cached for 24 hours."""
    project = make_project(
        tmp_path,
        "HTTPCACHE_ENABLED = True\nCOMPLIANCE_ALLOW_HTTPCACHE = True\n"
        f"HTTPCACHE_STORAGE = {path!r}\n",
    )
    (project.spiders / "mixed.py").write_text(REFUSING_SPIDER)
    cache = project.root / ".scrapy" / "httpcache"
    first = project.crawl("mixed", env=world.env())
    assert first.returncode == 0, first
    assert first.lines(f"MIXED-PARSED {KEPT_PAGE} False"), first
    assert not [line for line in first.lines("MIXED-PARSED") if "/tdm/" in line], first
    assert cached_urls(cache, storage) == [KEPT_PAGE], first  # the refused three are gone
    assert "'compliance/httpcache/removed': 3" in first.output, first
    second = project.crawl("mixed", env=world.env())
    assert second.returncode == 0, second
    assert second.lines(f"MIXED-PARSED {KEPT_PAGE} True"), second  # the kept page: cached
    paths = world.paths("allowed.test")
    assert paths.count("/page-a.html") == 1, paths
    for url in REFUSED_PAGES:  # fetched again, not served from the cache, refused again
        assert paths.count(url.removeprefix("http://allowed.test")) == 2, (url, paths)
    assert "'httpcache/hit': 1," in second.output, second
    assert cached_urls(cache, storage) == [KEPT_PAGE], second
    db = project.root / "compliance.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        stages = conn.execute("SELECT stage, COUNT(*) FROM refusals GROUP BY stage").fetchall()
    assert sorted(stages) == [("login", 2), ("tdm", 4)]


# -- item 6: scrapy shell works; the run it leaves open is flagged ----------------------------


def test_scrapy_shell_fetches_and_audit_flags_the_open_run(
    tmp_path: Path, world: VirtualWorld
) -> None:
    project = make_project(tmp_path)
    shell = project.crawl(
        "",
        env=world.env(),
        command=["shell", "-c", "response.status", "http://allowed.test/page-a.html"],
    )
    assert shell.returncode == 0, shell
    assert shell.stdout.strip().splitlines()[-1] == "200", shell
    assert "ProgrammingError" not in shell.output, shell
    assert "/page-a.html" in world.paths("allowed.test")
    audit = project.cli("audit")
    assert audit.returncode == 0, audit
    assert "WARNING: 1 run(s) never finished" in audit.output, audit


# -- issue 10 item 14: the crawl's log file is owner-only ------------------------------------


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, whatever the test runner's: without the add-on a log would be 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("where", ["project", "command line"])
def test_log_file_is_owner_only(
    tmp_path: Path, world: VirtualWorld, umask_022: None, where: str
) -> None:
    log = tmp_path / "crawl.log"
    settings = f'LOG_FILE = "{log}"\n' if where == "project" else ""
    options = ["-s", f"LOG_FILE={log}"] if where == "command line" else []
    run = make_project(tmp_path / "p", settings).crawl("people", env=world.env(), options=options)
    assert run.returncode == 0, run
    assert "Compliance run" in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


# -- gate lane 2026-12-04: a relative LOG_FILE is read against the project root -------------


def test_relative_log_file_is_read_against_the_project_root(
    tmp_path: Path, world: VirtualWorld, umask_022: None
) -> None:
    """``cd acme/spiders && scrapy crawl people`` wrote ``acme/spiders/crawl.log``."""
    project = make_project(tmp_path, 'LOG_FILE = "crawl.log"\n')
    log = project.root / "crawl.log"
    for cwd in (project.spiders, project.root, project.package):
        run = project.crawl("people", env=world.env(), cwd=cwd)
        assert run.returncode == 0, run
    text = log.read_text()
    assert text.count("Compliance run ") == 3, text
    assert text.count(" started (bot: acme)") == 3, text  # the lines before the add-on ran too
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert sorted(p.relative_to(project.root) for p in project.root.rglob("crawl.log")) == [
        Path("crawl.log")
    ]


def test_relative_log_file_on_the_command_line_too(
    tmp_path: Path, world: VirtualWorld, umask_022: None
) -> None:
    project = make_project(tmp_path)
    stray = project.spiders / "logs" / "run.log"
    stray.parent.mkdir()
    stray.write_text("an older run's line\n")  # written from here before the fix: kept
    run = project.crawl("people", env=world.env(), options=["-s", "LOG_FILE=logs/run.log"])
    assert run.returncode == 0, run
    log = project.root / "logs" / "run.log"
    assert "Compliance run " in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stray.read_text() == "an older run's line\n"
    assert stat.S_IMODE(stray.stat().st_mode) == 0o600
    assert f"'LOG_FILE': '{log}'" in log.read_text()


# -- gate lane 2026-12-04: problems found once the engine runs exit non-zero ----------------

PIPELINE_MANAGER = '''
from scrapy.pipelines import ItemPipelineManager


class NoPipelines(ItemPipelineManager):
    """A custom pipeline manager that loads none of ITEM_PIPELINES."""

    @classmethod
    def _get_mwlist_from_settings(cls, settings):
        return []
'''

LATE_MIDDLEWARE = """
class LateMiddleware:
    def process_request(self, request):
        return None
"""


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ("ITEM_PROCESSOR=acme.managers.NoPipelines", "CompliancePipeline (compliance pipeline"),
        (
            'DOWNLOADER_MIDDLEWARES={"acme.managers.LateMiddleware": 2000000}',
            "acme.managers.LateMiddleware runs after the last compliance check",
        ),
    ],
)
def test_a_problem_found_once_the_engine_runs_exits_non_zero(
    tmp_path: Path, world: VirtualWorld, setting: str, named: str
) -> None:
    """Found on spider_opened (the loaded chains), these closed the spider with exit 0."""
    project = make_project(tmp_path)
    (project.package / "managers.py").write_text(PIPELINE_MANAGER + LATE_MIDDLEWARE)
    run = project.crawl("people", env=world.env(), options=["-s", setting])
    assert run.returncode != 0, run
    [line] = critical(run.output)
    assert named in line and "compliance_misconfigured" in line, line
    assert "Traceback" not in run.output, run
    assert world.requests == [], run
