"""``compliant-scraper init [DIR]`` (issue 14 item 1): a starter registry that fails
``policy validate`` until each placeholder is filled in, and never overwrites a file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from support.starter import fill

from compliant_scraper.cli import main
from compliant_scraper.policy.loader import load_registry, validate_directory

FILES = [
    "assessments/README.md",
    "controller.toml",
    "domains/example.toml",
    "purposes.toml",
    "recipients.toml",
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_init_writes_the_starter_and_says_what_to_fill_in(tmp_path: Path) -> None:
    target = tmp_path / "policies"
    code, output = run("init", str(target))
    assert code == 0, output
    assert output.splitlines()[1:6] == [f"  {target / f}" for f in FILES]
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()) == FILES
    assert 'Next: replace the 73 "FILL IN: ..." values' in output


def test_an_unfilled_starter_names_each_placeholder(tmp_path: Path) -> None:
    target = tmp_path / "policies"
    run("init", str(target))
    code, output = run("policy", "validate", str(target))
    assert code == 1
    lines = output.splitlines()
    assert "controller.toml: name: placeholder to fill in: the controller's legal name" in lines
    assert (
        "controller.toml: privacy_url: placeholder to fill in: the URL of your privacy notice"
    ) in lines
    assert (
        "purposes.toml: b2b_email.target_professions: placeholder to fill in: a profession your "
        "offer is for, e.g. architecte"
    ) in lines
    assert (
        "domains/example.toml: reviewed_on: placeholder to fill in: the review date, written "
        "without quotes, e.g. 2026-11-01"
    ) in lines
    # one message per key: not also "must be an http(s) URL", "must be a date", "no such file"
    assert all("placeholder to fill in" in line for line in lines[:-1])
    assert lines[-1] == f"Error: 73 problems in {target}"


def test_every_channel_has_a_b2b_purpose_with_its_required_keys(tmp_path: Path) -> None:
    target = tmp_path / "policies"
    run("init", str(target))
    fill(target, "127.0.0.1")
    assert validate_directory(target) == []
    registry = load_registry(target)
    assert {(p.channel, p.audience) for p in registry.purposes.values()} == {
        ("email", "b2b"),
        ("sms", "b2b"),
        ("phone", "b2b"),
        ("automated_call", "b2b"),
        ("post", "b2b"),
    }
    assert registry.controller.name == "Acme Conseil SAS"
    assert [p.domain for p in registry.policies] == ["127.0.0.1"]
    assert list(registry.recipients) == ["crm"]
    assert registry.recipients["crm"].role == "processor"


def test_init_never_overwrites_a_file(tmp_path: Path) -> None:
    target = tmp_path / "policies"
    target.mkdir()
    (target / "purposes.toml").write_text("# legal's own\n")
    code, output = run("init", str(target))
    assert code == 1
    assert output == (
        f"Error: {target / 'purposes.toml'} already exists: nothing written (init never "
        "overwrites a file; choose another directory, or move them)\n"
    )
    assert [p.name for p in target.iterdir()] == ["purposes.toml"]
    assert (target / "purposes.toml").read_text() == "# legal's own\n"


def test_init_into_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "policies"
    target.write_text("")
    assert run("init", str(target)) == (1, f"Error: {target} exists and is not a directory\n")
