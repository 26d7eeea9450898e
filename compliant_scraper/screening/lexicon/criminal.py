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
    r"(?<!extrait de )(?<!extraits de )casier judiciaire",
    r"extraits? de casier judiciaire (?:vierge|mentionnant|portant)",
    r"detention provisoire",
    r"controle judiciaire",
    r"bracelet electronique",
)

CRIMINAL_TERMS: Final = (
    r"condamnee?(?! a (?:l'excellence|reussir|innover|gagner|s'entendre|vivre ensemble)(?![\w-]))",
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
    r"(?:ex-)?taulard(?:e)?s?",
)

# v4 (holdout3): a conviction written as a prison term or a sentence served. A statement
# about the person, so a prison's name in it ("Sortie de la maison d'arrêt") does not hide it.
CRIMINAL_SERVED: Final = (
    r"served (?:\w+ ){0,3}?(?:years?|months?) (?:at|in) (?-i:HMP|HM Prison)",
    r"served (?:a |an )?(?:\w+[- ])?(?:year|month)s?[- ](?:sentence|term|stretch)",
    r"(?:did|done|doing|spent) (?:\w+ ){0,2}?(?:years?|months?) (?:inside|behind bars|in prison"
    r"|in jail|at (?-i:[A-Z])\w+)",
    r"(?:did|done|doing) a stretch",
    # v6, statements (holdout5: "J'ai un casier pour vol.", "Currently on bail awaiting trial")
    r"(?:j'ai|il a|elle a|avec|ai) un casier(?= (?:pour|judiciaire|charge|long))",
    r"casier (?:charge|pour (?:vol|fraude|violences?|trafic|escroquerie|agression))",
    r"(?:currently|now|still|i'm|i am|was|been|out|released|freed) on bail",
    r"granted bail",
    r"awaiting (?:my |his |her )?(?:trial|sentencing)(?! (?:approval|results|data|phase|sites?))",
    # v6 (holdout5: "Did three years for fraud and rebuilt my life.")
    r"(?:did|done|doing|served|spent|got) (?:\w+ ){0,2}?(?:years?|months?) for (?:\w+ )?(?:fraud"
    r"|theft|robbery|burglary|assault|drugs?|dealing|possession|manslaughter|murder|arson"
    r"|embezzlement|tax evasion|shoplifting|armed robbery|gbh|abh)",
    r"(?:fait|pris|ecope de|ecopee de|purge) (?:\w+ ){0,2}?(?:ans|mois) pour (?:\w+ )?(?:vol"
    r"|fraude|escroquerie|trafic|agression|violences?|braquage|recel|stupefiants)",
    r"released (?:in \d{4} )?(?:after|from) (?:a |an )?(?:\w+[- ])?(?:year|month)s?[- ]sentence",
    r"(?:year|month)s?[- ]sentence",
    r"suspended sentence",
    r"community service (?:for|order)",
    r"banned from driving",
    r"(?:was |got )?tagged for",
    r"(?:\d+|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix) (?:ans|mois) (?:ferme|de prison"
    r"|de reclusion|derriere les barreaux|de detention)",
    r"(?:ans|mois) ferme",
    r"(?:sortie?|liberee?) (?:de (?:la |l')?(?:maison d'arret|prison|centrale|detention)"
    r"|en \d{4} apres)",
    r"(?:apres|suite a) (?:une |ma )?peine (?:de|d')",
    r"peine de (?:\w+ )?(?:ans|mois)",
    r"reclusion criminelle",
    r"(?:months?|years?) in (?:a )?(?:young offender institution|prison|jail|juvie|detention"
    r"|custody)",
    r"fined for (?:drink[- ]driving|drunk driving|dui|possession|shoplifting|assault|fraud"
    r"|speeding)",
    r"on licence after (?:release|prison|my release)",
    r"released on licence",
    r"derriere les murs",
    r"derriere les barreaux",
    r"(?:passee?|fait|purge) (?:\w+ ){0,2}?(?:ans|mois) (?:a|en) (?:prison|detention"
    r"|(?-i:[A-Z])\w[\w-]*)",
)

# An association of former prisoners: membership reveals a conviction.
CRIMINAL_GROUPS: Final = (
    r"amicale des anciens detenus",
    # v6 (holdout5: "Amicale des anciens taulards de Lyon")
    r"(?:amicale|association|collectif|reseau|club|federation) (?:des |d')(?:anciens |ex-)?"
    r"(?:detenus|detenues|taulards|prisonniers)",
    r"former prisoners'? (?:network|association|group)",
    r"anciens detenus",
    r"ex-?offenders'? (?:network|group|association|forum|club)",
)

# -- the category's cues (kind, fixed description, patterns) ---------------------------------

CUES: Final = (
    Cue("member", "criminal: association of former prisoners", CRIMINAL_GROUPS),
    Cue("personal", "criminal: sentence served", CRIMINAL_SERVED),
    Cue("term", "criminal: custody or justice measure", CRIMINAL_NOUNS),
    Cue("term", "criminal: conviction, offence or sentence", CRIMINAL_TERMS),
)
