"""The special-category scan (R4: GDPR Art. 9 and Art. 10): compliant_scraper.screening.sensitive.

(a) hand-written must-drop / must-keep tables, (b) precision and recall floors on the labelled
set (tests/data/sensitive_labelled.tsv; floors justified below and in docs/sensitive-data.md),
(c) a hit never carries the value it judged.
"""

from __future__ import annotations

import csv
import dataclasses
import random
import re
import subprocess
import sys
import threading
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from compliant_scraper.screening import sensitive
from compliant_scraper.screening._dispatch import _FOLD, Dispatch
from compliant_scraper.screening.lexicon import CUES
from compliant_scraper.screening.sensitive import (
    CATEGORIES,
    CUE_DESCRIPTIONS,
    SensitiveHit,
    scan,
)

DATA = Path(__file__).parent / "data" / "sensitive_labelled.tsv"


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()

# -- (a) hand-written tables -------------------------------------------------------------------

MUST_KEEP = [
    # the examples of issue 4: professions and organisations in a sensitive field
    ("job_title", "Cardiologue"),
    ("job_title", "Dr. Jeanne Martin, cardiologist"),
    ("job_title", "Avocate en droit de la santé"),
    ("job_title", "Lawyer, health law"),
    ("organization", "École Saint-Joseph"),
    ("organization", "Clinique Sainte-Anne"),
    ("organization", "Hôpital Necker"),
    ("organization", "Syndicat des eaux du Val de Marne"),
    ("organization", "CGT Ingénierie SAS"),
    ("organization", "Église Saint-Pierre"),
    ("street_address", "Église Saint-Pierre"),
    ("job_title", "Psychologue clinicienne"),
    ("organization", "Centre de dépistage"),
    ("organization", "Association des paralysés de France"),
    ("street_address", "12 rue de la Paix"),
    ("organization", "Pharmacie du Centre"),
    ("street_address", "Boulevard Saint-Michel"),
    ("organization", "Service oncologie"),
    ("job_title", "Gynécologue-obstétricien"),
    ("job_title", "Délégué commercial"),
    ("organization", "Parti pris Design"),
    ("name", "Marie Dieu"),
    ("name", "Jean Catholique"),
    ("organization", "Mosquée de Paris"),
    ("job_title", "Directeur, Fédération Française de Cardiologie"),
    # more look-alikes
    ("job_title", "Spécialiste du diabète"),
    ("job_title", "Cancer researcher"),
    ("job_title", "Professeur de yoga pour femmes enceintes"),
    ("job_title", "Président du conseil syndical de copropriété"),
    ("job_title", "Responsable grands comptes, région SUD"),
    ("job_title", "Enseignant en prison"),
    ("job_title", "Prison officer"),
    ("organization", "Muslim Council of Britain"),
    ("organization", "Ligue contre le cancer"),
    ("street_address", "3 rue Gay-Lussac"),
    ("family_name", "Gay"),
    ("given_name", "Christian"),
    ("name", "Jean Chrétien"),
    ("name", "CGT"),  # an organisation item's own name is not data about a person
    ("description", "L'innovation est dans notre ADN."),
    ("description", "Objectifs atteints à 120 % en 2023."),
    ("description", "Nous accompagnons les personnes handicapées vers l'emploi."),
    ("job_title", "Avocat de la CGT"),
    ("description", "Covering the Labour Party conference for the BBC."),
    ("email", "contact@gay-lussac-lycee.fr"),
    ("job_title", ""),
    ("job_title", "   "),
    (None, "Ingénieur logiciel"),
    # issue 9 item 16: the three professions an independent set saw dropped, and look-alikes
    ("job_title", "Architecte d'intérieur"),
    ("job_title", "Directrice d'école maternelle"),
    ("job_title", "Cardiologue à l'hôpital Saint-Joseph"),
    ("job_title", "Nurse practitioner, Baptist Health"),
    ("job_title", "Père Noël de centre commercial"),
    ("description", "Contact: John Bishop, Head of Sales"),
    ("description", "Marc Prêtre, notaire associé"),
    ("job_title", "Socialist realism art historian"),
    ("organization", "Tory Burch"),
    ("organization", "Unite Students"),
    ("description", "Négociateur face à FO et à la CFDT"),
    ("description", "Nous recrutons des profils en situation de handicap."),
    ("description", "Extrait de casier judiciaire demandé à l'embauche."),
    # issue 10 item 10: organisations that employ people, not groups of people with a condition
    ("organization", "Association pour la recherche sur le cancer"),
    ("organization", "Institut national des jeunes sourds de Paris"),
    ("organization", "Alcoholics Anonymous World Services"),
    ("organization", "Jewish Care"),
    ("organization", "Franco-British Council"),
    # v6 (tuned on holdout5): false drops of v5, and look-alikes of the v6 cues
    ("job_title", "Prison librarian"),
    ("description", "Contactez Julie Chanoine pour toute demande de devis."),
    ("description", "Je suis malade à l'idée de rater un match du PSG !"),
    ("description", "Je suis en rémission de ma flemme du lundi."),
    ("job_title", "Students' Union President"),
    ("description", "Solicitor advising on bail applications"),
    ("description", "Production en arrêt depuis mars pour travaux"),
    ("description", "New drug awaiting trial approval"),
    ("description", "I have cancer research experience"),
    ("description", "Joined the European Union delegation"),
    ("description", "Le samedi je vais au temple du rock"),
    ("description", "Campaigned for better bike lanes"),
]

MUST_DROP = [
    ("description", "Atteinte d'une sclérose en plaques depuis 2015", "health"),
    ("job_title", "Comptable en arrêt maladie", "health"),
    ("job_title", "Professeure de mathématiques, enceinte", "health"),
    ("description", "Living with HIV since 2005", "health"),
    ("job_title", "Deaf UX designer", "health"),
    ("description", "Mère de deux enfants autistes", "health"),
    ("description", "Musulmane pratiquante", "religion"),
    ("description", "Devout Catholic, father of four", "religion"),
    ("job_title", "Imam de la mosquée de Lyon", "religion"),
    ("name", "Abbé Pierre Martin", "religion"),
    ("description", "Athée convaincu", "religion"),
    ("description", "Lesbienne, en couple avec ma femme", "sexual_orientation"),
    ("description", "Openly gay CEO", "sexual_orientation"),
    ("description", "Homosexuel assumé", "sexual_orientation"),
    ("description", "Adhérent du Parti socialiste depuis 1995", "political_opinion"),
    ("job_title", "Conseiller municipal RN", "political_opinion"),
    ("description", "Labour Party member", "political_opinion"),
    ("organization", "Rassemblement national", "political_opinion"),
    ("job_title", "Délégué syndical CGT", "trade_union"),
    ("description", "Syndiquée à la CFDT", "trade_union"),
    ("job_title", "Shop steward, GMB", "trade_union"),
    ("organization", "Fédération CGT de la santé", "trade_union"),
    ("description", "D'origine maghrébine", "ethnic_origin"),
    ("description", "Black woman in tech", "ethnic_origin"),
    ("description", "Porteuse de la mutation BRCA1", "genetic_biometric"),
    ("description", "Fingerprint template: a81f", "genetic_biometric"),
    ("description", "Casier judiciaire vierge", "criminal"),
    ("description", "Ex-détenue, je témoigne dans les écoles", "criminal"),
    ("description", "Convicted of fraud in 2012", "criminal"),
    # accent- and case-insensitive
    ("job_title", "DÉLÉGUÉ SYNDICAL CGT", "trade_union"),
    ("job_title", "delegue syndical cgt", "trade_union"),
    ("description", "ENCEINTE DE 7 MOIS", "health"),
    ("description", "Séropositif", "health"),
    ("description", "Seropositif", "health"),
    ("description", "Je suis chrétienne", "religion"),
    (None, "Je suis diabétique", "health"),
    # issue 9 item 16: what a second independent set found missed
    ("description", "I get around with a white cane and a good sense of humour.", "health"),
    ("description", "Cochlear implant since age four.", "health"),
    ("description", "Gilet jaune de la première heure", "political_opinion"),
    ("description", "Just Stop Oil supporter", "political_opinion"),
    ("description", "Member of Unite since 2009", "trade_union"),
    ("description", "Encarté à la CGT", "trade_union"),
    ("description", "British-Nigerian founder", "ethnic_origin"),
    ("description", "Franco-Algérienne, née à Lyon", "ethnic_origin"),
    ("description", "Served 5 years at HMP Wandsworth", "criminal"),
    ("description", "J'ai fait 3 ans ferme.", "criminal"),
    # issue 10 item 10: an organisation of people with a condition, a faith or an origin,
    # as the person's organisation, reveals it (as a party or a union does)
    ("organization", "Association des malades de Crohn du Rhône", "health"),
    ("organization", "Alcooliques anonymes, groupe de Nantes", "health"),
    ("organization", "Stroke Survivors Club of Leeds", "health"),
    ("organization", "Muslim Students' Association", "religion"),
    ("organization", "Gay Men's Chorus of Los Angeles", "sexual_orientation"),
    ("organization", "Nigerian Women's Association of Houston", "ethnic_origin"),
    ("organization", "Amicale des anciens détenus", "criminal"),
    ("organization", "Jeunes avec Macron", "political_opinion"),
    ("job_title", "Présidente de l'Association des malades de Crohn du Rhône", "health"),
    # v6: what v5 missed on holdout5, in other words than the rows themselves
    ("description", "Enceinte de notre premier enfant", "health"),
    ("description", "Actuellement en arrêt suite à une chute", "health"),
    ("description", "I've had MS since 2010.", "health"),
    ("description", "Off work with a broken back", "health"),
    ("organization", "Guide Dog Users Group of Devon", "health"),
    ("description", "Le dimanche, je me rends à la synagogue.", "religion"),
    ("organization", "Jeunes musulmans de Roubaix", "religion"),
    ("organization", "Sikh Students Club", "religion"),
    ("description", "Canvassed for Hillary in 2016", "political_opinion"),
    ("description", "Union treasurer at the depot", "trade_union"),
    ("description", "Nos grands-parents étaient marocains", "ethnic_origin"),
    ("description", "I am half Jamaican.", "ethnic_origin"),
    ("job_title", "Korean-Canadian architect", "ethnic_origin"),
    ("description", "My facial recognition enrolled at the gym", "genetic_biometric"),
    ("description", "I carry a thalassemia trait.", "genetic_biometric"),
    ("description", "Elle a un casier pour fraude.", "criminal"),
    ("organization", "Collectif des ex-détenus de Marseille", "criminal"),
    ("description", "Served two years for burglary", "criminal"),
    ("description", "Released on bail last month", "criminal"),
]


@pytest.mark.parametrize(("field", "value"), MUST_KEEP)
def test_keeps_professions_organisations_and_look_alikes(field: str | None, value: str) -> None:
    assert scan(value, field) is None


@pytest.mark.parametrize(("field", "value", "category"), MUST_DROP)
def test_drops_special_categories(field: str | None, value: str, category: str) -> None:
    hit = scan(value, field)
    assert hit is not None
    assert hit.category == category
    assert hit.rule == "R4"


@pytest.mark.parametrize(
    ("value", "kept_in", "dropped_in"),
    [
        ("Gay", "family_name", "job_title"),  # a surname, or a self-description
        ("Catholique", "name", "description"),
        ("CGT", "name", "organization"),  # an organisation item's name, or a person's union
        ("Imam", "family_name", "job_title"),
    ],
)
def test_the_field_is_a_signal(value: str, kept_in: str, dropped_in: str) -> None:
    assert scan(value, kept_in) is None
    assert scan(value, dropped_in) is not None


# -- (b) precision and recall on the labelled set ----------------------------------------------
#
# The floors sit at the first one-shot measurement on unseen rows (v2 on holdout2: drop
# precision 0.964, recall 0.906), rounded down: a change that takes any held-out split below
# what the scan achieved on data it had never seen is a regression. dev was tuned on, so its
# floor is higher. Exact category: a dropped value should also be filed under the right one.
FLOORS = {
    "dev": (0.98, 0.97),
    "test": (0.95, 0.90),
    "holdout1": (0.95, 0.90),
    "holdout2": (0.95, 0.90),
    # Measured once (v3: P 0.548, R 0.144), then tuned on (v4): a regression floor only.
    "holdout3": (0.95, 0.95),
    # Measured once (v4: P 0.957, R 0.750), then tuned on (v5): a regression floor only.
    "holdout4": (0.95, 0.95),
    # Measured once (v5: P 0.944, R 0.764), then tuned on (v6): a regression floor only.
    "holdout5": (0.95, 0.95),
    # Measured once (v6: P 0.958, R 0.812) and not tuned on: its measured level, rounded down.
    "holdout6": (0.95, 0.81),
}


def _predict(row: dict[str, str]) -> str:
    hit = scan(row["value"], row["field"])
    return hit.category if hit else "none"


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_precision_and_recall_floors(split: str) -> None:
    rows = [row for row in ROWS if row["split"] == split]
    pairs = [(row["expected"], _predict(row)) for row in rows]
    tp = sum(1 for exp, got in pairs if exp != "none" and got != "none")
    fp = sum(1 for exp, got in pairs if exp == "none" and got != "none")
    fn = sum(1 for exp, got in pairs if exp != "none" and got == "none")
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    min_precision, min_recall = FLOORS[split]
    assert precision >= min_precision, f"{split}: precision {precision:.3f}"
    assert recall >= min_recall, f"{split}: recall {recall:.3f}"


def test_dropped_values_are_filed_under_the_right_category() -> None:
    pairs = [(row["expected"], _predict(row)) for row in ROWS if row["expected"] != "none"]
    dropped = [(exp, got) for exp, got in pairs if got != "none"]
    exact = sum(1 for exp, got in dropped if exp == got) / len(dropped)
    assert exact >= 0.97, f"exact category {exact:.3f}"


def test_the_labelled_set_is_what_the_docs_say() -> None:
    assert len(ROWS) >= 300
    assert len({row["value"] for row in ROWS}) == len(ROWS), "duplicate values"
    assert {row["expected"] for row in ROWS} == {*CATEGORIES, "none"}
    assert {row["split"] for row in ROWS} == set(FLOORS)
    per_language = Counter((row["expected"], row["lang"]) for row in ROWS)
    for category in (*CATEGORIES, "none"):
        for lang in ("fr", "en"):
            assert per_language[(category, lang)] >= 3, (category, lang)


# -- (c) a hit never carries the value --------------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def test_a_hit_never_contains_the_value() -> None:
    cases = [(row["field"], row["value"]) for row in ROWS] + [(f, v) for f, v, _ in MUST_DROP]
    hits = [(value, hit) for field, value in cases if (hit := scan(value, field)) is not None]
    assert len(hits) >= 500  # the check below must actually see hits
    for value, hit in hits:
        assert hit.cue in CUE_DESCRIPTIONS  # a fixed description, never built from the value
        assert hit.category in CATEGORIES
        assert _fold(value) not in _fold(hit.cue), value
        assert _fold(value) not in _fold(repr(hit)), value
        assert {f.name for f in dataclasses.fields(hit)} == {"category", "cue", "rule"}


def test_cue_descriptions_name_their_category_and_no_trigger_word() -> None:
    for cue in CUE_DESCRIPTIONS:
        category, _, description = cue.partition(": ")
        assert category in CATEGORIES
        assert scan(description, "description") is None, cue


def test_hit_is_frozen() -> None:
    hit = SensitiveHit(category="health", cue="health: attributive phrase")
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.category = "religion"  # type: ignore[misc]


@pytest.mark.parametrize(
    "value",
    ["Ingénieur 工程师 Ελλάδα", "x" * 20_000, "(((((((", "\u200b\u00a0", "rue " * 500],
)
def test_untrusted_text_never_crashes(value: str) -> None:
    assert scan(value, "description") is None


# -- (d) the fast path is the plain pattern, and nothing compiles at import --------------------


def _variants(value: str) -> list[str]:
    # Characters re.IGNORECASE folds onto ASCII letters, typographic marks, case changes.
    return [value, value.upper().replace("I", "\u0131").replace("K", "\u212a")]


def _generated_texts() -> list[str]:
    rng = random.Random(20261203)
    words = sorted({w for row in ROWS for w in row["value"].split()})
    glue = [" ", " ", " ", ", ", " - ", "-", "'", " (", ") ", ": ", "/", " ex-", ". "]
    texts = []
    for _ in range(1000):
        parts = rng.sample(words, rng.randint(1, 9))
        texts.append("".join(p + rng.choice(glue) for p in parts).strip())
    return texts


def test_the_dispatched_patterns_decide_as_the_plain_ones() -> None:
    plain = sensitive._Compiled(plain=True)
    fast = sensitive._compiled()
    fields = ("job_title", "organization", "name", "email")
    values = [v for row in ROWS for v in _variants(row["value"])] + _generated_texts()
    checked = 0
    for value in values:
        for field in fields:
            assert sensitive._scan(fast, value, field) == sensitive._scan(plain, value, field), (
                value,
                field,
            )
            checked += 1
    assert checked >= 15_000


def test_every_context_is_computed_as_the_plain_pattern_computes_it() -> None:
    plain = sensitive._Compiled(plain=True)
    fast = sensitive._compiled()
    texts = [sensitive._normalise(row["value"]) for row in ROWS] + _generated_texts()
    masks = ("org", "expertise", "counterpart", "clientele", "street", "saint", "company")
    nonempty = Counter[str]()
    for text in texts:
        fast_masks, plain_masks = sensitive._Masks(text, fast), sensitive._Masks(text, plain)
        for mask in masks:
            spans = fast_masks._get(mask)
            assert spans == plain_masks._get(mask), (text, mask)
            nonempty[mask] += bool(spans)
    assert all(nonempty[mask] >= 10 for mask in masks), nonempty


def test_the_dispatch_reads_where_every_cue_starts() -> None:
    # An alternative whose start cannot be read is tried at every word: still exact, but the
    # speed of the scan depends on there being none among the cues.
    for matcher, _ in sensitive._compiled().cues.values():
        assert isinstance(matcher, Dispatch)
        assert matcher.unknown_starts == 0


def test_only_the_listed_characters_fold_onto_ascii_letters() -> None:
    # Dispatch keys a non-ASCII character by _FOLD; any other one re.IGNORECASE matched to an
    # ASCII letter would be a position the dispatch skips while the plain pattern matches.
    everything = "".join(chr(cp) for cp in range(0x80, 0x110000) if not 0xD800 <= cp < 0xE000)
    found = {}
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for m in re.finditer(letter, everything, re.IGNORECASE):
            found[m.group()] = letter
    assert found == _FOLD


def test_no_lexicon_pattern_captures_or_matches_nothing() -> None:
    patterns = [p for _, cue in CUES for p in cue.patterns]
    assert len(patterns) > 500
    for pattern in patterns:
        compiled = re.compile(pattern, re.IGNORECASE)
        assert compiled.groups == 0, pattern
        assert compiled.fullmatch("") is None, pattern


def test_import_compiles_nothing() -> None:
    code = (
        "import re, compliant_scraper.screening.sensitive as s\n"
        "assert s._compiled.cache_info().currsize == 0\n"
        "s.scan('Cardiologue', 'job_title')\n"
        "assert s._compiled.cache_info().currsize == 1\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()


# -- (d) the memo (issue 16 item 2): same verdicts, no value kept, bounded ---------------------


def test_memoised_verdicts_are_the_computed_ones() -> None:
    fast = sensitive._compiled()
    sensitive._memo.clear()
    computed = [sensitive._scan(fast, row["value"], row["field"]) for row in ROWS]
    first = [scan(row["value"], row["field"]) for row in ROWS]
    again = [scan(row["value"], row["field"]) for row in ROWS]
    assert first == computed
    assert again == computed
    assert sensitive._memo.hits >= len(ROWS)


def test_fields_of_one_mode_share_a_verdict_and_others_do_not() -> None:
    sensitive._memo.clear()
    value = "Marie Dieu, musulmane pratiquante"
    assert scan(value, "job_title") == scan(value, "description") is not None
    assert (sensitive._memo.hits, sensitive._memo.misses) == (1, 1)
    assert scan("Gay", "family_name") is None  # identifier mode: a name
    assert scan("Gay", "description") is not None  # free text: another verdict, not shared
    assert sensitive._memo.misses == 3


def test_the_memo_holds_no_value() -> None:
    sensitive._memo.clear()
    values = [row["value"] for row in ROWS if row["expected"] != "none"]
    for value in values:
        scan(value, "description")
    held = repr(sensitive._memo.verdicts)
    assert len(sensitive._memo) == len(set(values))
    assert all(sensitive._normalise(value) not in held and value not in held for value in values)


def test_the_memo_is_bounded_and_long_values_are_not_memoised() -> None:
    memo = sensitive._Memo(4)
    for index in range(10):
        memo.compute((bytes([index]) * 32, "full"), f"Je suis diabétique {index}")
    assert len(memo) == 4
    sensitive._memo.clear()
    long_value = "Je suis diabétique. " + "Commerciale. " * 30
    assert len(long_value) > sensitive.MEMO_MAX_CHARS
    assert scan(long_value, "description") is not None
    assert len(sensitive._memo) == 0


def test_threads_sharing_the_memo_get_each_value_its_own_verdict() -> None:
    fast = sensitive._compiled()
    pairs = [(row["value"], row["field"]) for row in ROWS]
    expected = [sensitive._scan(fast, value, field) for value, field in pairs]
    sensitive._memo.clear()
    results: dict[int, list[SensitiveHit | None]] = {}

    def work(worker: int) -> None:
        order = pairs[worker::4] + pairs  # each thread starts elsewhere, then scans them all
        results[worker] = [scan(value, field) for value, field in order][len(pairs[worker::4]) :]

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [results[worker] for worker in range(4)] == [expected] * 4
