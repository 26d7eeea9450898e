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
