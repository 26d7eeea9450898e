"""Old import paths (issue 11): kept for one release, each the very object of its new home."""

from __future__ import annotations

import importlib

import pytest
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from compliant_scraper.crawl.addon import ComplianceAddon
from compliant_scraper.crawl.components import COMPONENTS

MOVED = [
    ("compliant_scraper.middlewares.policy_gate", "compliant_scraper.crawl.policy_gate"),
    ("compliant_scraper.middlewares.robots", "compliant_scraper.crawl.robots"),
    ("compliant_scraper.middlewares.response_checks", "compliant_scraper.crawl.response_checks"),
    ("compliant_scraper.middlewares.provenance", "compliant_scraper.crawl.provenance_stamp"),
    ("compliant_scraper.pipeline.compliance", "compliant_scraper.crawl.pipeline"),
    ("compliant_scraper.logformatter", "compliant_scraper.crawl.logformatter"),
]
# (setting, old path, priority) as a project wrote them before the move
OLD_PATHS = [
    (
        "DOWNLOADER_MIDDLEWARES",
        "compliant_scraper.middlewares.policy_gate.PolicyGateMiddleware",
        40,
    ),
    ("DOWNLOADER_MIDDLEWARES", "compliant_scraper.middlewares.robots.StrictRobotsMiddleware", 100),
    (
        "DOWNLOADER_MIDDLEWARES",
        "compliant_scraper.middlewares.response_checks.ResponseChecksMiddleware",
        585,
    ),
    ("SPIDER_MIDDLEWARES", "compliant_scraper.middlewares.provenance.ProvenanceMiddleware", 950),
    ("ITEM_PIPELINES", "compliant_scraper.pipeline.compliance.CompliancePipeline", 1),
]


@pytest.mark.parametrize(("old", "new"), MOVED)
def test_old_module_gives_the_new_objects_with_a_warning(old: str, new: str) -> None:
    new_module = importlib.import_module(new)
    names = [n for n in vars(new_module) if n[:1].isupper() and not n.isupper()]
    assert names, f"{new} defines no class to alias"
    old_module = importlib.import_module(old)
    for name in names:
        with pytest.warns(DeprecationWarning, match=f"{old}.{name} moved to {new}.{name}"):
            assert getattr(old_module, name) is getattr(new_module, name)


def test_an_unknown_name_of_an_old_module_is_an_attribute_error() -> None:
    module = importlib.import_module("compliant_scraper.middlewares.robots")
    with pytest.raises(AttributeError):
        module.NoSuchThing  # noqa: B018


def test_the_addon_path_is_kept_without_warning(recwarn: pytest.WarningsRecorder) -> None:
    assert load_object("compliant_scraper.addon.ComplianceAddon") is ComplianceAddon
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]


@pytest.mark.parametrize(
    "setting", ["DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES"]
)
def test_settings_naming_old_paths_are_one_component_each(setting: str) -> None:
    """A project whose settings still name the old paths: the add-on does not add the
    component a second time, and Scrapy builds each once (it refuses two keys for one class)."""
    old = {path: priority for name, path, priority in OLD_PATHS if name == setting}
    settings = Settings({setting: old})
    with pytest.warns(DeprecationWarning):
        ComplianceAddon.update_settings(ComplianceAddon.__new__(ComplianceAddon), settings)
        built = build_component_list(settings.getwithbase(setting))
    wanted = [load_object(c.path) for c in COMPONENTS if c.setting == setting]
    loaded = [load_object(p) for p in built]
    assert [c for c in loaded if c in wanted] == wanted
