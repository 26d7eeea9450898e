from __future__ import annotations

import random
import re
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from support.stores import StoreTarget

from compliant_scraper.errors import ComplianceConfigError
from compliant_scraper.opposition import lists
from compliant_scraper.opposition.lists import InvalidLinesError, ListImportError
from compliant_scraper.opposition.suppression import SuppressionKeyError
from compliant_scraper.policy.model import Purpose
from compliant_scraper.store import audit_log
from compliant_scraper.store.backend import Db
from compliant_scraper.store.opposition import OppositionScreen, active_list
from compliant_scraper.store.opposition import history as list_history
from compliant_scraper.store.screening import Screening, check_lists_fresh, open_screening
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.tooling import opposition_import as import_module
from compliant_scraper.tooling.opposition_import import import_list
from compliant_scraper.values.phones import e164_int, normalise_phone

TODAY = date(2026, 11, 23)


@pytest.fixture
def db(store_db: Db) -> Db:
    """Every test here runs on both backends (tests/support/stores.py)."""
    return store_db


def write(tmp_path: Path, text: str | bytes, name: str = "list.txt") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def stored(db: Db, name: str = "bloctel") -> list[int]:
    info = active_list(db, name)
    if info is None:
        return []
    rows = db.execute(
        "SELECT number FROM opposition_numbers WHERE list_id = ? ORDER BY number", [info.id]
    )
    return [r[0] for r in rows]


def do_import(db: Db, path: Path, day: date = date(2026, 11, 20), **kw: Any) -> Any:
    return import_list(db, path, list_date=day, today=TODAY, **kw)


# -- helpers ------------------------------------------------------------------------------


FORMS = (
    "0{n}",
    "0{a} {b} {c} {d} {e}",
    "0{a}.{b}.{c}.{d}.{e}",
    "0{a}-{b}-{c}-{d}-{e}",
    "+33{n}",
    "0033{n}",
    "33{n}",
    "+33 (0){a} {b} {c} {d} {e}",
)


def _forms(nsn: str) -> list[str]:
    parts = {"n": nsn, "a": nsn[0], "b": nsn[1:3], "c": nsn[3:5], "d": nsn[5:7], "e": nsn[7:]}
    return [f.format(**parts) for f in FORMS]


# -- import ---------------------------------------------------------------------------------


def test_import_one_number_per_line(db: Db, tmp_path: Path) -> None:
    path = write(tmp_path, "06 12 34 56 78\n\n+33 7 81 23 45 67\n   \n0033142685300\n0612345678")
    report = do_import(db, path)
    assert stored(db) == [33142685300, 33612345678, 33781234567]
    info = report.info
    assert (info.name, info.jurisdiction, info.list_date, info.count, info.active) == (
        "bloctel",
        "FR",
        date(2026, 11, 20),
        3,
        True,
    )
    assert (info.duplicates, info.skipped_lines, info.source_file) == (1, 0, "list.txt")
    assert (report.lines, report.invalid_count, report.header, report.replaced) == (
        4,
        0,
        False,
        None,
    )
    assert len(info.file_sha256) == 64
    event = db.execute("SELECT event, details FROM audit_log ORDER BY id DESC").fetchone()
    assert event[0] == "opposition_import" and '"count": 3' in event[1]


@pytest.mark.parametrize(
    "text",
    [
        "numero;date_inscription\n06 12 34 56 78;2026-01-02\n0781234567;2026-02-03\n",
        'telephone,source\n"06 12 34 56 78",web\n+33781234567,courrier\n',
        "Phone\tDate\n0612345678\t2026-01-02\n07 81 23 45 67\t2026-01-02\n",
        "\n\n06 12 34 56 78;x\n0781234567;y\n",  # CSV without a header, blank lines first
        "\ufeffnumero\r\n0612345678\r\n0781234567\r\n",  # BOM and CRLF
    ],
)
def test_import_csv_first_column(db: Db, tmp_path: Path, text: str) -> None:
    report = do_import(db, write(tmp_path, text, "list.csv"))
    assert stored(db) == [33612345678, 33781234567]
    assert report.header is (text.strip("\ufeff\n")[0].isalpha())


def test_invalid_lines_are_reported_and_nothing_is_imported(db: Db, tmp_path: Path) -> None:
    path = write(tmp_path, "0612345678\nabc\n0781234567\n\n00 00 00 00 00\n06 12\n")
    with pytest.raises(InvalidLinesError) as caught:
        do_import(db, path)
    assert (caught.value.count, caught.value.lines) == (3, (2, 5, 6))
    assert str(caught.value) == (
        f"{path}: 3 invalid lines (2, 5, 6); nothing imported "
        "(skip_invalid=True imports the valid lines)"
    )
    assert db.execute("SELECT count(*) FROM opposition_lists").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM opposition_numbers").fetchone()[0] == 0


def test_a_header_is_only_the_first_line(db: Db, tmp_path: Path) -> None:
    with pytest.raises(InvalidLinesError) as caught:
        do_import(db, write(tmp_path, "0612345678\nnumero\n"))
    assert caught.value.lines == (2,)


def test_skip_invalid_imports_the_valid_lines(db: Db, tmp_path: Path) -> None:
    path = write(tmp_path, "0612345678\nabc\n0781234567\n\n00 00 00 00 00\n")
    report = do_import(db, path, skip_invalid=True)
    assert stored(db) == [33612345678, 33781234567]
    assert (report.invalid_count, report.invalid_lines, report.info.skipped_lines) == (
        2,
        (2, 5),
        2,
    )


def test_many_invalid_lines_report_the_first_ones_and_a_count(db: Db, tmp_path: Path) -> None:
    path = write(tmp_path, "0612345678\n" + "x\n" * 50)
    with pytest.raises(InvalidLinesError) as caught:
        do_import(db, path, max_reported=3)
    assert (caught.value.count, caught.value.lines) == (50, (2, 3, 4))
    assert "50 invalid lines (2, 3, 4 and 47 more)" in str(caught.value)


def test_line_numbers_survive_chunk_boundaries(
    db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "_CHUNK", 7)
    lines = [f"06 12 34 56 {i:02d}" for i in range(40)]
    lines[17] = "oops"
    lines[33] = "06 12 34"
    path = write(tmp_path, "\r\n".join(lines))  # and no newline at the end
    with pytest.raises(InvalidLinesError) as caught:
        do_import(db, path)
    assert caught.value.lines == (18, 34)
    do_import(db, path, skip_invalid=True)
    assert len(stored(db)) == 38


def test_import_matches_the_line_normaliser(db: Db, tmp_path: Path) -> None:
    """The import's byte-level fast path gives what ``e164_int`` gives, line by line."""
    rnd = random.Random(3)
    forms = [f for p in range(100, 1000, 7) for f in _forms(f"{p}{rnd.randint(0, 999999):06d}")]
    expected = {e164_int(f) for f in forms} - {None}
    do_import(db, write(tmp_path, "\n".join(forms)), skip_invalid=True)
    assert stored(db) == sorted(n for n in expected if n is not None)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no phone numbers found; nothing imported"),
        ("\n \n", "no phone numbers found; nothing imported"),
        ("0612345678\n".encode("utf-16"), "UTF-16 text; save it as UTF-8 or CSV"),
    ],
)
def test_unusable_files_are_refused(
    db: Db, tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ListImportError, match=f"^{re.escape(f'{path}: {message}')}"):
        do_import(db, path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"list_date": date(2026, 11, 24)},
            "list date 2026-11-24 is in the future (today is 2026-11-23)",
        ),
        ({"name": "Bloctel"}, "list name 'Bloctel': use lower-case letters, digits, - or _"),
        ({"jurisdiction": "France"}, "jurisdiction 'FRANCE': expected a two-letter country code"),
    ],
)
def test_bad_arguments_are_refused(
    db: Db, tmp_path: Path, kwargs: dict[str, Any], message: str
) -> None:
    args: dict[str, Any] = {"list_date": date(2026, 11, 20), "today": TODAY, **kwargs}
    with pytest.raises(ListImportError) as caught:
        import_list(db, write(tmp_path, "0612345678\n"), **args)
    assert str(caught.value) == message


def test_missing_file(db: Db, tmp_path: Path) -> None:
    with pytest.raises(ListImportError, match=r"^cannot read .*nope\.txt: No such file"):
        do_import(db, tmp_path / "nope.txt")


def test_newer_list_replaces_the_active_one(db: Db, tmp_path: Path) -> None:
    first = do_import(db, write(tmp_path, "0612345678\n0781234567\n", "a.txt"))
    second = do_import(db, write(tmp_path, "0612345678\n0142685300\n", "b.txt"), date(2026, 11, 22))
    assert second.replaced == first.info
    assert stored(db) == [33142685300, 33612345678]
    history = list_history(db, "bloctel")
    assert [(i.list_date.day, i.active, i.count) for i in history] == [
        (22, True, 2),
        (20, False, 2),
    ]
    # only the active list's numbers are kept
    assert db.execute("SELECT count(*) FROM opposition_numbers").fetchone()[0] == 2


def test_same_date_different_file_replaces(db: Db, tmp_path: Path) -> None:
    do_import(db, write(tmp_path, "0612345678\n", "a.txt"))
    do_import(db, write(tmp_path, "0781234567\n", "b.txt"))
    assert stored(db) == [33781234567]


def test_older_list_is_refused(db: Db, tmp_path: Path) -> None:
    do_import(db, write(tmp_path, "0612345678\n", "a.txt"), date(2026, 11, 20))
    path = write(tmp_path, "0781234567\n", "b.txt")
    with pytest.raises(ListImportError) as caught:
        do_import(db, path, date(2026, 11, 1))
    assert str(caught.value) == (
        f"{path}: the active Bloctel list is dated 2026-11-20; a list dated 2026-11-01 is "
        "older and cannot replace it; nothing imported"
    )
    assert stored(db) == [33612345678]


def test_the_same_file_cannot_be_re_dated(db: Db, tmp_path: Path) -> None:
    path = write(tmp_path, "0612345678\n")
    do_import(db, path, date(2026, 10, 1))
    with pytest.raises(
        ListImportError, match="already imported as the Bloctel list dated 2026-10-01"
    ):
        do_import(db, path, date(2026, 11, 20))
    assert active_list(db, "bloctel").list_date == date(2026, 10, 1)  # type: ignore[union-attr]


def test_a_newer_list_imported_meanwhile_refuses_the_older_one(
    store: StoreTarget, db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two imports at once (two machines on a shared store, or two shells on one file):
    while the one dated the 20th reads its file, the one dated the 22nd is imported. The
    date is checked again under the list's lock when writing, so the older one is refused
    (before: it replaced the newer list, and screening used the older one)."""
    other = store.open()
    newer = write(tmp_path, "0781234567\n", "newer.txt")
    read = import_module.read_list_file

    def read_while_another_imports(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(import_module, "read_list_file", read)  # the other reads as usual
        do_import(other, newer, date(2026, 11, 22))
        return read(*args, **kwargs)

    monkeypatch.setattr(import_module, "read_list_file", read_while_another_imports)
    older = write(tmp_path, "0612345678\n", "older.txt")
    with pytest.raises(ListImportError) as caught:
        do_import(db, older, date(2026, 11, 20))
    assert str(caught.value) == (
        f"{older}: the active Bloctel list is dated 2026-11-22; a list dated 2026-11-20 is "
        "older and cannot replace it; nothing imported"
    )
    assert active_list(db, "bloctel").list_date == date(2026, 11, 22)  # type: ignore[union-attr]
    assert stored(db) == [33781234567]
    assert [i.list_date.day for i in list_history(db, "bloctel")] == [22]


def test_concurrent_imports_leave_one_list_the_newest(store: StoreTarget, tmp_path: Path) -> None:
    """Four imports of one list's name at once, from four connections (threads): each
    either replaces the list or is refused as older, none fails on the one-active-list
    index, and the newest stays in force."""
    files = [write(tmp_path, f"06123456{n:02d}\n", f"{n}.txt") for n in range(4)]
    outcomes: list[object] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def run(n: int) -> None:
        db = store.open()
        start.wait(10)
        try:
            do_import(db, files[n], date(2026, 11, 10 + n))
            outcome: object = "imported"
        except ListImportError as exc:
            outcome = "older" if "is older and cannot replace it" in str(exc) else exc
        except Exception as exc:  # what the test is for: none of these
            outcome = exc
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert {str(o) for o in outcomes} <= {"imported", "older"}, outcomes
    assert len(outcomes) == 4 and "imported" in outcomes
    check = store.open()
    assert active_list(check, "bloctel").list_date == date(2026, 11, 13)  # type: ignore[union-attr]
    assert stored(check) == [33612345603]


def test_lists_of_other_names_are_independent(db: Db, tmp_path: Path) -> None:
    do_import(db, write(tmp_path, "0612345678\n", "fr.txt"))
    do_import(
        db,
        write(tmp_path, "612 34 56 78\n+34 912 345 678\n", "es.txt"),
        name="robinson",
        jurisdiction="es",
        default_region="ES",
    )
    assert stored(db, "bloctel") == [33612345678]
    assert stored(db, "robinson") == [34612345678, 34912345678]
    assert active_list(db, "robinson").jurisdiction == "ES"  # type: ignore[union-attr]


def test_a_failed_import_leaves_the_active_list(
    db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = do_import(db, write(tmp_path, "0612345678\n", "a.txt"))

    def boom(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit_log, "append", boom)
    with pytest.raises(RuntimeError):
        do_import(db, write(tmp_path, "0781234567\n", "b.txt"), date(2026, 11, 22))
    assert active_list(db, "bloctel") == first.info
    assert stored(db) == [33612345678]


# -- screening ------------------------------------------------------------------------------


def phone_purpose(max_age: int | None = 30, lists_: tuple[str, ...] = ("bloctel",)) -> Purpose:
    return Purpose(
        name="b2b_phone",
        channel="phone",
        audience="b2b",
        legal_basis="legitimate_interest",
        fields=("name", "phone"),
        opposition_max_age_days=max_age,
        opposition_lists=lists_,
    )


def test_screen_lookups(db: Db, tmp_path: Path) -> None:
    screen = OppositionScreen(db, ("bloctel",))
    assert "+33612345678" not in screen  # nothing imported yet
    do_import(db, write(tmp_path, "0612345678\n0692123456\n", "a.txt"))
    assert "+33612345678" in screen
    assert "+262692123456" in screen
    assert "+33781234567" not in screen
    # a list replaced while a crawl runs is seen at once
    do_import(db, write(tmp_path, "0781234567\n", "b.txt"), date(2026, 11, 22))
    assert "+33612345678" not in screen
    assert "+33781234567" in screen


@pytest.mark.parametrize("value", ["0612345678", "33612345678", "+33 6 12 34 56 78", 33612345678])
def test_screen_takes_only_e164(db: Db, value: object) -> None:
    with pytest.raises(ValueError, match=r"E\.164"):
        _ = value in OppositionScreen(db)


def test_screen_for_purpose(db: Db, tmp_path: Path) -> None:
    do_import(db, write(tmp_path, "0612345678\n", "fr.txt"))
    do_import(db, write(tmp_path, "+34612345678\n", "es.txt"), name="robinson", jurisdiction="ES")
    both = OppositionScreen.for_purpose(db, phone_purpose(lists_=("bloctel", "robinson")))
    only_es = OppositionScreen.for_purpose(db, phone_purpose(lists_=("robinson",)))
    assert both is not None and only_es is not None
    assert ("+33612345678" in both, "+34612345678" in both) == (True, True)
    assert ("+33612345678" in only_es, "+34612345678" in only_es) == (False, True)
    # every purpose is screened: a listed number is never stored, whatever the channel
    email = Purpose("mail", "email", "b2b", "legitimate_interest", ("email",))
    screen = OppositionScreen.for_purpose(db, email)
    assert screen is not None and "+33612345678" in screen
    none = Purpose("mail", "email", "b2b", "legitimate_interest", ("email",), None, ())
    assert OppositionScreen.for_purpose(db, none) is None


# Well-formed numbers in ranges phonenumbers' metadata does not allocate, new mobile ranges,
# and overseas numbers (issue 9 item 2): every one is a number the list must keep.
POSSIBLE_LINES = (
    "+33 7 00 00 00 00",  # the example: unallocated mobile range
    "07 00 12 34 56",
    "0691 00 00 00",  # national form of a range no plan allocates yet
    "+590 691 00 00 00",  # the same digits under Guadeloupe's code
    "06 00 00 00 00",  # an allocated mobile range
    "0692 12 34 56",  # Réunion, national form
    "0639 01 23 45",  # Mayotte
    "+262 262 00 00 00",
    "+590 590 99 99 99",
    "+594 594 00 00 00",
    "+596 596 00 00 00",
    "+269 123 45 67",  # Comoros, unallocated
    "+687 12 34 56",  # New Caledonia, unallocated
    "+689 40 12 34 56",  # French Polynesia, unallocated
    "+508 41 12 34",  # Saint-Pierre-et-Miquelon
    "+681 72 12 34",  # Wallis-et-Futuna
)


def test_possible_numbers_are_imported_and_screened(db: Db, tmp_path: Path) -> None:
    """An opposition list loses nothing: no line above is invalid, each one is screened."""
    report = do_import(db, write(tmp_path, "\n".join(POSSIBLE_LINES)))
    assert (report.invalid_count, report.info.count) == (0, len(POSSIBLE_LINES))
    assert 33700000000 in stored(db) and 2691234567 in stored(db)
    screen = OppositionScreen(db)
    for line in POSSIBLE_LINES:
        e164 = normalise_phone(line, "FR").e164
        assert e164 is not None and e164 in screen, line


def test_a_metadata_update_cannot_unlist_a_number(db: Db, tmp_path: Path) -> None:
    """ "0691 00 00 00" is +33 691 today; if a phonenumbers release gives 0691 to Guadeloupe,
    the crawl reads +590 691: the screen still finds the line, and the other way round."""
    do_import(db, write(tmp_path, "0691 00 00 00\n+596 696 99 99 99\n"))
    assert stored(db) == [33691000000, 596696999999]
    screen = OppositionScreen(db)
    for e164 in ("+33691000000", "+590691000000", "+262691000000", "+594691000000"):
        assert e164 in screen, e164
    assert "+33696999999" in screen  # the Martinique line under the French code
    assert "+33696999998" not in screen
    assert "+44691000000" not in screen  # not the shared plan: no equivalent


def test_only_lines_that_are_not_numbers_are_invalid(db: Db, tmp_path: Path) -> None:
    lines = [
        "+33 7 00 00 00 00",
        "abc",
        "00 00 00 00 00",
        "06 12",
        "+33 0 12 34 56 78",
        "0700000000",
    ]
    with pytest.raises(InvalidLinesError) as caught:
        do_import(db, write(tmp_path, "\n".join(lines)))
    assert caught.value.lines == (2, 3, 4, 5)
    report = do_import(db, write(tmp_path, "\n".join(lines), "b.txt"), skip_invalid=True)
    assert (report.invalid_count, stored(db)) == (4, [33700000000])


# -- the start-up check ---------------------------------------------------------------------


def test_no_list_imported(db: Db) -> None:
    with pytest.raises(ComplianceConfigError) as caught:
        check_lists_fresh(db, phone_purpose(), TODAY)
    assert str(caught.value) == (
        "no Bloctel list imported: purpose 'b2b_phone' needs one no older than 30 days (R7); "
        "import one with `compliant-scraper bloctel import FILE --date YYYY-MM-DD`"
    )


def test_no_list_of_another_name(db: Db) -> None:
    with pytest.raises(ComplianceConfigError) as caught:
        check_lists_fresh(db, phone_purpose(1, ("robinson",)), TODAY)
    assert str(caught.value) == (
        "no Lista Robinson list imported: purpose 'b2b_phone' needs one no older than 1 day "
        "(R7); import one with "
        "`compliant-scraper bloctel import FILE --date YYYY-MM-DD --name robinson`"
    )


def test_stale_list(db: Db, tmp_path: Path) -> None:
    do_import(db, write(tmp_path, "0612345678\n"), date(2026, 9, 1))
    with pytest.raises(ComplianceConfigError) as caught:
        check_lists_fresh(db, phone_purpose(), TODAY)
    assert str(caught.value) == (
        "the active Bloctel list is dated 2026-09-01 (83 days old); purpose 'b2b_phone' "
        "accepts at most 30 days: not screened is not clean (R7)"
    )


@pytest.mark.parametrize(
    ("list_date", "purpose"),
    [
        (date(2026, 10, 24), phone_purpose(30)),  # exactly 30 days old
        (date(2026, 11, 23), phone_purpose(0)),
        (date(2026, 1, 1), phone_purpose(None)),  # no freshness rule
        (date(2026, 1, 1), Purpose("post", "post", "b2c", "legitimate_interest", ("name",), 30)),
    ],
)
def test_fresh_enough_or_not_required(
    db: Db, tmp_path: Path, list_date: date, purpose: Purpose
) -> None:
    do_import(db, write(tmp_path, "0612345678\n"), list_date)
    check_lists_fresh(db, purpose, TODAY)


def _ready(db: Db, tmp_path: Path, purpose: Purpose) -> Screening:
    """The crawl's start-up check (``open_screening``), as the context runs it."""
    return open_screening(db, purpose, TODAY, tmp_path / "c.db.key", "FR")


def test_check_opposition_ready_returns_the_screening(db: Db, tmp_path: Path) -> None:
    do_import(db, write(tmp_path, "0612345678\n"), date(2026, 11, 20))
    screening = _ready(db, tmp_path, phone_purpose())
    assert screening.opposition is not None and "+33612345678" in screening.opposition
    assert isinstance(screening.suppression, SuppressionList)
    assert (tmp_path / "c.db.key").is_file()


def test_check_opposition_ready_needs_the_suppression_key(db: Db, tmp_path: Path) -> None:
    do_import(db, write(tmp_path, "0612345678\n"), date(2026, 11, 20))
    _ready(db, tmp_path, phone_purpose()).suppression.add("email", "jean@acme.fr", "objection")
    (tmp_path / "c.db.key").unlink()
    with pytest.raises(
        SuppressionKeyError, match="is missing but the suppression list has 1 entry"
    ):
        _ready(db, tmp_path, phone_purpose())


def test_check_opposition_ready_stale_list_fails_first(db: Db, tmp_path: Path) -> None:
    do_import(db, write(tmp_path, "0612345678\n"), date(2026, 9, 1))
    with pytest.raises(ComplianceConfigError, match="not screened is not clean"):
        _ready(db, tmp_path, phone_purpose())
