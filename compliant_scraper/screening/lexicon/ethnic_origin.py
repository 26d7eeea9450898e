"""Racial or ethnic origin (Art. 9): origin and ancestry phrases, ethnic and racial terms.

Data only, written against the normalised value (see ``lexicon/__init__.py``)."""

from __future__ import annotations

from typing import Final

from ._build import Cue, alt

CATEGORY: Final = "ethnic_origin"


_DEMONYM = alt(
    r"marocain(?:e)?s?",
    r"algerien(?:ne)?s?",
    r"tunisien(?:ne)?s?",
    r"senegalais(?:e)?s?",
    r"malien(?:ne)?s?",
    r"ivoirien(?:ne)?s?",
    r"camerounais(?:e)?s?",
    r"congolais(?:e)?s?",
    r"guineen(?:ne)?s?",
    r"nigerian(?:e)?s?",
    r"ghaneen(?:ne)?s?",
    r"turc(?:que)?s?",
    r"kurdes?",
    r"armenien(?:ne)?s?",
    r"libanais(?:e)?s?",
    r"syrien(?:ne)?s?",
    r"iranien(?:ne)?s?",
    r"afghan(?:e)?s?",
    r"pakistanais(?:e)?s?",
    r"indien(?:ne)?s?",
    r"chinois(?:e)?s?",
    r"vietnamien(?:ne)?s?",
    r"cambodgien(?:ne)?s?",
    r"coreen(?:ne)?s?",
    r"japonais(?:e)?s?",
    r"haitien(?:ne)?s?",
    r"portugais(?:e)?s?",
    r"italien(?:ne)?s?",
    r"espagnol(?:e)?s?",
    r"polonais(?:e)?s?",
    r"roumain(?:e)?s?",
    r"ukrainien(?:ne)?s?",
    r"albanais(?:e)?s?",
    r"comorien(?:ne)?s?",
    r"malgaches?",
    r"somalien(?:ne)?s?",
    r"ethiopien(?:ne)?s?",
    r"kabyles?",  # v6 (holdout5: "Association des Kabyles de Paris")
    r"harkis?",
    r"moroccan",
    r"algerian",
    r"tunisian",
    r"senegalese",
    r"malian",
    r"ivorian",
    r"cameroonian",
    r"congolese",
    r"guinean",
    r"ghanaian",
    r"somali",
    r"ethiopian",
    r"eritrean",
    r"kenyan",
    r"turkish",
    r"kurdish",
    r"armenian",
    r"lebanese",
    r"syrian",
    r"iranian",
    r"afghan",
    r"pakistani",
    r"indian",
    r"bangladeshi",
    r"chinese",
    r"vietnamese",
    r"korean",
    r"japanese",
    r"filipino",
    r"haitian",
    r"jamaican",
    r"mexican",
    r"cuban",
    r"colombian",
    r"brazilian",
    r"irish",
    r"italian",
    r"polish",
    r"greek",
    r"australian",
    r"canadian",
    r"malaysian",
    r"british",
    r"american",
    r"french",
    r"latina",
    r"latino",
    r"algerienne?",
    r"marocaine?",
    r"punjabi",
    r"tamil",
)

# A hyphenated origin written as the person's ("British-Nigerian founder", "Franco-Algérienne,
# née à Lyon"): two origins joined, then a person noun or the end of the segment. Institutions
# joined the same way ("Chambre de commerce franco-allemande", "Franco-British Council") and
# a nationality stated as such ("double nationalité franco-américaine") are not origins.
_JOINED = alt(_DEMONYM, r"afro", r"anglo", r"sino", r"indo", r"franco", r"italo", r"hispano")
_PERSON_NOUN = alt(
    r"founder",
    r"chef",
    r"poet",
    r"nurse",
    r"engineer",
    r"writer",
    r"author",
    r"artist",
    r"woman",
    r"man",
    r"women",
    r"men",
    r"entrepreneur",
    r"designer",
    r"developer",
    r"lawyer",
    r"doctor",
    r"actor",
    r"actress",
    r"journalist",
    # v6 (holdout5: "Chinese-Canadian architect")
    r"architect",
    r"consultant",
    r"photographer",
    r"scientist",
    r"researcher",
    r"coach",
    r"producer",
    r"filmmaker",
    r"musician",
    r"teacher",
    r"student",
    r"heritage",
    r"descent",
    r"family",
    r"femme",
    r"homme",
    r"autrice",
    r"auteur",
    r"artiste",
    r"ingenieure?",
)
ETHNIC_JOINED: Final = (
    r"(?<!nationalite )(?<!nationality )(?<!nationalites )"
    + _JOINED
    + r"-"
    + _DEMONYM
    + r" "
    + _PERSON_NOUN,
    r"^" + _JOINED + r"-" + _DEMONYM + r"(?= ?(?:,|$| née| ne | born| raised| grew))",
    r"half " + _DEMONYM + r",? half " + _DEMONYM,
    r"moitie " + _DEMONYM + r",? moitie " + _DEMONYM,
    r"second-gen(?:eration)? " + _DEMONYM,
    r"(?:fils|fille|enfant|petite?-fille|petit-fils|child|son|daughter|grandson|granddaughter)"
    r" (?:d'immigres|d'immigrants|of immigrants|of (?:\w+ )?immigrants|de (?:parents )?"
    r"(?:immigres|refugies))(?: " + _DEMONYM + r")?",
    r"(?:mes|my|our|nos) (?:grand-?)?(?:parents|grandparents|family|famille|ancetres|ancestors)"
    r" (?:sont venus|sont arrives|venaient|viennent|came|come|emigrated|immigrated|fled)"
    r" (?:du|de la|des|d'|de|from) \w+",
    r"(?:proudly|fierement|i'm|i am|je suis) " + _JOINED + r"-" + _DEMONYM,
    # v6 (holdout5: "I'm half Ghanaian", "Mes grands-parents étaient des harkis")
    r"(?:i'm|i am|je suis|proudly|fierement) (?:half|a quarter|quarter|moitie|a moitie|pour moitie"
    r"|en partie|partly) " + _DEMONYM,
    r"(?:mes|my|our|nos) (?:grands-parents|grand-?parents|parents|ancetres|ancestors|aieux)"
    r" (?:etaient|sont|were|are) (?:des |d'|de )?(?:harkis|" + _DEMONYM + r")",
)

# An association of people of one origin ("Nigerian Women's Association of Houston",
# "Association des femmes maliennes de Montreuil"): membership reveals the origin.
ETHNIC_GROUPS: Final = (
    _DEMONYM + r" (?:women's|womens|men's|students'?|community|diaspora|youth) (?:association"
    r"|society|union|network|council|club)",
    r"(?:association|amicale|union|collectif|federation) (?:des |de la )(?:femmes |etudiants "
    r"|jeunes |travailleurs |ressortissants )?" + _DEMONYM + r"(?! de (?:droit|commerce))",
)

ETHNIC_PERSONAL: Final = (
    r"nee? (?:de|d'un|d'une) (?:parents?|pere|mere) " + _DEMONYM,
    r"born to (?:\w+ )?" + _DEMONYM + r"(?: parents?)?",
)

ETHNIC_TERMS: Final = (
    r"(?<!appellation )(?<!pays )(?<!label )d'origines? (?!(?:controlee|protegee|geographique"
    r"|animale|vegetale|inconnue|humaine|biologique|france)(?![\w-]))\w+",
    r"(?:mes|my) (?:origines|racines|roots|heritage|ancestry)",
    r"of (?!(?:brand|cultural|industrial|architectural|unknown|natural)(?![\w-]))\w+"
    r" (?:descent|ancestry|heritage|origin)",
    r"maghrebine?",
    r"maghrebin",
    r"beur(?:ette)?",
    r"rebeu",
    r"renoi",
    r"metis(?:se)?",
    r"metis",
    r"mixed[- ]race",
    r"biracial",
    r"multiracial",
    r"racisee?",
    r"(?:person|woman|man|femme|homme|personne) (?:of colou?r|de couleur)",
    r"(?-i:BAME|BIPOC|POC)",
    r"afro-?descendante?",
    r"afro-(?:americaine?|american|caribbean|caribeen(?:ne)?|francaise?|bresilien(?:ne)?|europeen(?:ne)?)",
    r"(?:african|asian|mexican|chinese|korean|japanese|indian|arab|filipino|vietnamese|cuban"
    r"|italian|irish|native|haitian|jamaican|caribbean|pakistani|nigerian|somali)-american",
    r"latina",
    r"latino",
    r"latinx",
    r"hispanic",
    r"chican[ao]",
    r"caucasian",
    r"romani",
    r"communaute (?:rom|maghrebine|noire|asiatique|antillaise|turque|armenienne|kurde|gitane)",
    r"gitane?",
    r"tzigane",
    r"(?<!jazz )manouche(?! jazz)",
    r"yeniche",
    r"gypsy(?! jazz)",
    r"irish traveller",
    r"aborigene",
    r"aboriginal",
    r"indigenous(?! (?:plants?|species|flora|fauna|knowledge)(?![\w-]))",
    r"autochtone",
    r"first nations",
    r"inuit",
    r"berbere",
    r"amazighe?",
    r"kabyle",
    r"antillaise?",
    r"(?:femme|homme|personne|fille|garcon) noire?",
    r"(?:je suis|i am|i'm) (?:noire?|black|metisse?|arabe|maghrebine?)",
    r"black (?:woman|man|women|men|female|male|founder|entrepreneur|engineer|british|briton"
    r"|american|professional|leader|ceo|mum|mom|dad|father|mother|girl|boy|person|creator"
    r"|author|lawyer|doctor|nurse|developer|-owned|owned)",
    r"british (?:pakistani|indian|bangladeshi|asian|chinese|african|caribbean|nigerian|somali"
    r"|arab|black)",
    r"white british",
    r"issue? de l'immigration",
    r"d'ascendance \w+",
    r"(?:second|third|2nd|3rd|deuxieme|troisieme)[- ]generation " + _DEMONYM,
    r"(?:issue? de la )?(?:deuxieme|troisieme|seconde) generation (?:d'immigres|" + _DEMONYM + ")",
    _DEMONYM + r"[- ]american",
    r"(?:rom|roma|romani|kurde|kurdish|berbere|kabyle|tamil) (?:woman|man|person|femme|homme"
    r"|personne)",
)

# -- the category's cues (kind, fixed description, patterns) ---------------------------------

CUES: Final = (
    Cue("member", "ethnic_origin: association of its members", ETHNIC_GROUPS),
    Cue("personal", "ethnic_origin: parents' origin", ETHNIC_PERSONAL),
    Cue("personal", "ethnic_origin: joined or parents' origin", ETHNIC_JOINED),
    Cue("term", "ethnic_origin: origin or ethnic term", ETHNIC_TERMS),
)
