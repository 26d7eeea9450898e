"""Criminal convictions and offences (Art. 10): sentences, custody, procedure.

Data only, written against the normalised value (see ``lexicon/__init__.py``)."""

from __future__ import annotations

from typing import Final

from ._build import Cue

CATEGORY: Final = "criminal"


CRIMINAL_NOUNS: Final = (
    r"prison",
    r"jail",
    r"garde a vue",
    r"casier judiciaire",
    r"detention provisoire",
    r"controle judiciaire",
    r"bracelet electronique",
)

CRIMINAL_TERMS: Final = (
    r"condamnee?",
    r"ex-detenue?",
    r"ancien(?:ne)? detenue?",
    r"detenue?(?! (?:par|a \d|en propre|majoritairement|a hauteur|au capital)(?![\w-]))",
    r"incarceree?",
    r"incarcerated",
    r"emprisonnee?",
    r"imprisoned",
    r"jailed",
    r"prison sentence",
    r"peine de prison",
    r"prison ferme",
    r"behind bars",
    r"derriere les barreaux",
    r"purgee? (?:une|sa|ma|\w+) peine",
    r"served (?:time|a (?:\w+ ){0,2}?sentence)",
    r"electronic (?:tag|tagging|monitoring)",
    r"ankle monitor",
    r"mise? en examen",
    r"liberee? sous (?:condition|conditionnelle|controle judiciaire)",
    r"liberation conditionnelle",
    r"en conditionnelle",
    r"on parole",
    r"paroled",
    r"parolee",
    r"avec sursis",
    r"sursis probatoire",
    r"recidiviste",
    r"delinquante?",
    r"ex-?offender",
    r"ex-?con",
    r"ex-?convict",
    r"former (?:inmate|prisoner|offender|convict)",
    r"inmate",
    r"prisoner(?! of war)",
    r"felon",
    r"felony",
    r"misdemeanou?r",
    r"convicted",
    r"conviction (?:for|of|in \d)",
    r"(?:criminal|prior|previous|spent|felony|drink[- ]driving|dui|drug) convictions?",
    r"criminal (?:record|past|history)",
    r"(?-i:DUI|DWI)",
    r"sex offender",
    r"arrested",
    r"pleaded guilty",
    r"plaide coupable",
    r"guilty plea",
    r"found guilty",
    r"reconnue? coupable",
    r"on remand",
    r"sentenced",
    r"prisonniere?",
    r"on probation",
    r"inculpee?",
    r"indicted",
    r"ecrouee?",
    r"mise? en cause (?:dans|pour)",
    r"prevenue? (?:dans|pour) (?:une|l'|la|le)",
    r"poursuivie? (?:pour|en justice)",
    r"charged with (?:a |an )?(?:\w+ )?(?:offen[cs]e|crime|fraud|theft|assault|murder|manslaughter"
    r"|dui|drink|possession|burglary|robbery)",
    r"(?:did|doing|done) time",
    r"fait de la prison",
    r"(?:sortie?|liberee?) de detention",
    r"en detention",
    r"condamnations? (?:pour|a|penales?|judiciaires?)",
    r"(?:ex-)?taulard(?:e)?",
)

# -- the category's cues (kind, fixed description, patterns) ---------------------------------

CUES: Final = (
    Cue("term", "criminal: custody or justice measure", CRIMINAL_NOUNS),
    Cue("term", "criminal: conviction, offence or sentence", CRIMINAL_TERMS),
)
