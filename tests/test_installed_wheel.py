"""The package as a user gets it (issue 14): the built wheel, pip-installed into a fresh
virtual environment, used from folders that are not the checkout.

One wheel and one venv for the module (building and installing take a minute). Everything
runs in subprocesses with the proxy variables removed; the demo's hosts are played by its
own proxy on 127.0.0.1, and the user's site is served on 127.0.0.1 by this test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]
_PROXY = re.compile(r"^(http|https|all|no|ftp)_proxy$", re.IGNORECASE)


@dataclass(frozen=True)
class Venv:
    root: Path
    wheel: Path

    def bin(self, name: str) -> str:
        return str(self.root / "bin" / name)

    def run(
        self, *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not _PROXY.match(k)}
        for name in ("SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT", "PYTHONPATH", "VIRTUAL_ENV"):
            clean.pop(name, None)
        clean["PATH"] = f"{self.root / 'bin'}{os.pathsep}{clean.get('PATH', '')}"
        return subprocess.run(
            list(args),
            cwd=cwd,
            env={**clean, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """The built wheel, installed with its dependencies into a fresh virtual environment."""
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("compliant_scraper-*.whl")
    root = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=300)
    env = Venv(root, wheel)
    installed = env.run(env.bin("python"), "-m", "pip", "install", "-q", str(wheel), cwd=base)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return env


def test_the_demo_runs_from_the_installed_package_in_a_folder_of_its_own(
    venv: Venv, tmp_path: Path
) -> None:
    # The user's own project: its policies/ are not the demo's (and are broken here).
    project = tmp_path / "acme"
    (project / "policies").mkdir(parents=True)
    (project / "policies" / "purposes.toml").write_text("[broken\n")
    (project / "scrapy.cfg").write_text("[settings]\ndefault = acme.settings\n")
    result = venv.run(venv.bin("python"), "-m", "compliant_scraper.demo", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    out = Path(re.findall(r"^compliant-scraper demo: output in (.+)$", result.stdout, re.M)[0])
    assert out.name.startswith("compliant-scraper-demo-")
    kept = int(re.findall(r"^Contacts kept: (\d+) ", result.stdout, re.M)[0])
    assert kept > 0
    assert (out / "audit.html").is_file()
    assert sorted(p.name for p in project.iterdir()) == ["policies", "scrapy.cfg"]
    shutil.rmtree(out)


SITE_PAGE = """<!DOCTYPE html><html><head><title>Cabinet Martin</title>
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Person", "name": "Jeanne Martin",
 "jobTitle": "Avocate associée", "worksFor": {"@type": "Organization", "name": "Cabinet Martin"},
 "email": "jeanne.martin@cabinet-martin.fr", "address": {"@type": "PostalAddress",
 "addressLocality": "Paris", "addressCountry": "FR"}}
</script></head><body><h1>Jeanne Martin</h1><p>Avocate associée, Cabinet Martin</p>
<p class="email">jeanne.martin@cabinet-martin.fr</p></body></html>
"""

USER_SPIDER = """
import scrapy

from acme.items import LawyerItem


class LawyersSpider(scrapy.Spider):
    name = "lawyers"

    def __init__(self, start_url="", **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start_url]

    def parse(self, response):
        yield LawyerItem(
            name=response.css("h1::text").get(),
            job_title="Avocate associée",
            organization="Cabinet Martin",
            email=response.css("p.email::text").get(),
            country="FR",
        )
"""

USER_ITEMS = """
import scrapy


class LawyerItem(scrapy.Item):
    name = scrapy.Field()
    job_title = scrapy.Field()
    organization = scrapy.Field()
    email = scrapy.Field()
    country = scrapy.Field()
"""

USER_PIPELINE = """
import json

from acme.items import LawyerItem
from compliant_scraper import provenance_of


class RoutingPipeline:
    def process_item(self, item):
        if isinstance(item, LawyerItem):  # the class survives the compliance pipeline
            with open("routed.jsonl", "a") as out:
                out.write(json.dumps({"class": type(item).__name__, "name": item["name"],
                                      "source": provenance_of(item).source_url}) + "\\n")
        return item
"""


class _Site:
    def __init__(self, root: Path) -> None:
        import functools
        import http.server
        import threading

        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def test_a_new_users_project_works_on_the_first_try(venv: Venv, tmp_path: Path) -> None:
    """Issue 14 "Done when": the wheel in a fresh venv, scrapy startproject, compliant-scraper
    init, the placeholders filled in, and scrapy crawl of the user's own spider on a local
    site, following only the README."""
    import json
    import sqlite3

    from support.starter import fill

    site_root = tmp_path / "site"
    site_root.mkdir()
    (site_root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (site_root / "jeanne.html").write_text(SITE_PAGE)
    (site_root / "terms").write_text("Re-use allowed.\n")
    site = _Site(site_root)
    try:
        made = venv.run(venv.bin("scrapy"), "startproject", "acme", cwd=tmp_path)
        assert made.returncode == 0, made.stdout + made.stderr
        project = tmp_path / "acme"
        init = venv.run(venv.bin("compliant-scraper"), "init", cwd=project)
        assert init.returncode == 0, init.stdout + init.stderr
        unfilled = venv.run(venv.bin("compliant-scraper"), "policy", "validate", cwd=project)
        assert unfilled.returncode == 1
        assert "placeholder to fill in" in unfilled.stdout
        fill(project / "policies", "127.0.0.1")
        valid = venv.run(venv.bin("compliant-scraper"), "policy", "validate", cwd=project)
        assert valid.returncode == 0, valid.stdout + valid.stderr
        package = project / "acme"
        (package / "items.py").write_text(USER_ITEMS)
        (package / "pipelines.py").write_text(USER_PIPELINE)
        (package / "spiders" / "lawyers.py").write_text(USER_SPIDER)
        with (package / "settings.py").open("a") as settings:
            settings.write(
                '\nADDONS = {"compliant_scraper.addon.ComplianceAddon": 0}\n'
                'COMPLIANCE_PURPOSE = "b2b_email"\n'
                'ITEM_PIPELINES = {"acme.pipelines.RoutingPipeline": 300}\n'
            )
        url = f"http://127.0.0.1:{site.port}/jeanne.html"
        crawl = venv.run(
            venv.bin("scrapy"), "crawl", "lawyers", "-a", f"start_url={url}",
            "-s", "DOWNLOAD_DELAY=0", "-O", "lawyers.csv", cwd=project,
        )  # fmt: skip
    finally:
        site.close()
    assert crawl.returncode == 0, crawl.stderr[-4000:]
    routed = [json.loads(line) for line in (project / "routed.jsonl").read_text().splitlines()]
    assert routed == [{"class": "LawyerItem", "name": "Jeanne Martin", "source": url}]
    db = sqlite3.connect(project / "compliance.db")
    try:
        assert db.execute("SELECT name, email FROM contacts").fetchall() == [
            ("Jeanne Martin", "jeanne.martin@cabinet-martin.fr")
        ]
        assert db.execute("SELECT recipient, format, count FROM exports").fetchall() == [
            ("feed", "csv", 1)
        ]
    finally:
        db.close()
    assert "source_url" in (project / "lawyers.csv").read_text().splitlines()[0]


def test_the_wheel_carries_its_license_urls_and_classifiers(venv: Venv, tmp_path: Path) -> None:
    script = (
        "import json, importlib.metadata as m; d = m.distribution('compliant-scraper'); "
        "print(json.dumps({'urls': d.metadata.get_all('Project-URL'), "
        "'classifiers': d.metadata.get_all('Classifier'), "
        "'license': [str(f) for f in d.files if 'LICENSE' in str(f)]}))"
    )
    result = venv.run(venv.bin("python"), "-c", script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    meta = json.loads(result.stdout)
    assert {u.split(",")[0] for u in meta["urls"]} >= {"Homepage", "Documentation", "Changelog"}
    assert "Framework :: Scrapy" in meta["classifiers"]
    assert any(f.endswith("LICENSE") for f in meta["license"])
