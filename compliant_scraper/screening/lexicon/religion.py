"""Religion or beliefs (Art. 9): faiths, practice, conversion, clergy, ties to a congregation.

Data only, written against the normalised value (see ``lexicon/__init__.py``)."""

from __future__ import annotations

from typing import Final

from ._build import Cue

CATEGORY: Final = "religion"


_PRACTISING_FR = r"pratiquante?(?! (?:le|la|les|des|du|de|un|une)(?![\w-])| [ld]')"
RELIGION_TERMS: Final = (
    r"musulmane?",
    r"muslim",
    r"catholique",
    r"catholic",
    r"juif",
    r"juive",
    r"jewish",
    r"jew",
    r"chretien(?:ne)?",
    r"protestante?(?! (?:reformation|work ethic)(?![\w-]))",
    r"evangelique",
    r"evangelical",
    r"bouddhiste",
    r"buddhist",
    r"hindoue?",
    r"hindu",
    r"sikh",
    r"athee",
    r"atheist",
    r"agnostique",
    r"agnostic",
    r"croyante?",
    _PRACTISING_FR,
    r"devout",
    r"observant (?:jew|jewish|muslim|catholic|christian)",
    r"(?:devout|practi[cs]ing|observant|committed|born-again|evangelical|proud|faithful"
    r"|believing|orthodox) christian",
    r"christian (?:faith|believer|woman|man|mum|mom|dad|father|mother|wife|husband|convert)",
    r"i(?: am|'m) a christian",
    r"(?<!peu )(?<!pas tres )orthodoxe",
    r"(?:greek|russian|eastern|coptic|serbian|syriac|armenian) orthodox",
    r"orthodox (?:jew|jewish)",
    r"francs?-maconn?e?s?",
    r"freemason",
    r"mormon",
    r"latter-day saints?",
    r"scientologue",
    r"scientologist",
    r"temoin de jehovah",
    r"jehovah's witness",
    r"non-?croyante?",
    r"non-?believer",
    r"sans religion",
    r"born-again",
    r"pieu(?:x|se)",
    r"pious",
    r"quaker",
    r"wiccan?",
    r"pagan",
    r"paien(?:ne)?",
    r"druide",
    r"rastafari(?:an)?",
    r"baha'?i",
    r"jaine?",
    r"taoiste?",
    r"shintoiste",
    r"zoroastrian",
    r"adventiste?",
    r"baptist",
    r"methodiste?",
    r"lutherien(?:ne)?",
    r"lutheran",
    r"anglican(?:e)?",
    r"presbyterian",
    r"pentecotiste",
    r"pentecostal",
    r"chiite",
    r"shi'?(?:a|ite)",
    r"sunnite",
    r"sunni",
    r"salafiste?",
    r"salafi",
    r"soufi",
    r"sufi",
    r"hassidique",
    r"hasidic",
    r"paroissien(?:ne)?",
    r"parishioner",
    r"congregant",
    r"church-?goer",
    r"je preche",
    r"i preach",
    r"je prie",
    r"i pray",
    r"(?:prays?|praying|prie|prier) (?:at|in|every|daily|five|a la|au|chaque|cinq)",
)

RELIGION_CLERGY: Final = (
    r"imam",
    r"rabbin",
    r"rabbi",
    r"pretre",
    r"priest",
    r"vicaire",
    r"vicar",
    r"eveque",
    r"bishop",
    r"archeveque",
    r"archbishop",
    r"diacre",
    r"deacon",
    r"moine",
    r"monk",
    r"moniale",
    r"nonne",
    r"nun",
    r"(?:soeur|religieuse) (?:benedictine|franciscaine|carmelite|dominicaine|clarisse|ursuline)",
    r"bonne soeur",
    r"aumonier",
    r"chaplain",
    r"pastor",
    r"pasteure?(?= (?:de|du|des|a|evangelique|protestante?|baptiste)(?![\w-])| d'|$)",
    r"reverend",
    r"abbe",
    r"seminariste",
    r"seminarian",
    r"evangeliste",
    r"preacher",
    r"predicat(?:eur|rice)",
    r"cure(?= de (?:la )?paroisse| du village| doyen|$)",
    r"chanoine",
    r"ministre du culte",
    r"minister of religion",
    r"worship leader",
)

RELIGION_STRONG: Final = (
    r"convertie? (?:a l'|au |a la )(?:islam|judaisme|catholicisme|christianisme|bouddhisme"
    r"|protestantisme|hindouisme|foi|religion)",
    r"convert(?:ed|s)? to (?:islam|judaism|catholicism|christianity|buddhism|hinduism|sikhism)",
    r"(?:ma|my) (?:foi|faith)",
    r"(?:person|man|woman|homme|femme) (?:of faith|de foi)",
    r"raisons? religieuses?",
    r"religious reasons",
    r"convictions? religieuses?",
    r"religious (?:beliefs?|convictions?)",
    r"je crois en dieu",
    r"believe in god",
    r"(?:fais|pratique|observe|respecte) (?:le |la )?(?:ramadan|careme|shabbat|sabbat)",
    r"(?:observe|observing|keep|keeping|fasting for|fast during) (?:the )?"
    r"(?:ramadan|shabbat|sabbath|lent)",
    r"porte (?:le|la|un|une) (?:voile|hijab|kippa|kippah|turban)",
    r"wear(?:s|ing)? (?:a |the )?(?:hijab|headscarf|kippah|yarmulke|turban)",
)

_WORSHIP_PLACE = (
    r"(?:paroisse|parish|eglise|church|chapel|chapelle|mosquee|mosque|synagogue|temple"
    r"|congregation|communaute religieuse)"
)
RELIGION_PERSONAL: Final = (
    r"(?:ma|mon|my|our|notre) (?:local )?" + _WORSHIP_PLACE,
    r"(?:fidele|membre|catechiste|diacre) (?:de|d'|du|a) (?:la |l')?(?:\w+ ){0,3}?"
    + _WORSHIP_PLACE,
    r"(?:elder|deacon|deaconess|usher|churchwarden|warden|lay reader|member|sunday school"
    r" teacher) (?:at|of) (?:the |my )?(?:\w+ ){0,3}?" + _WORSHIP_PLACE,
)

# A clergy honorific opening a name ("Abbé Pierre Martin", "Rev. John Smith").
RELIGION_HONORIFIC: Final = (
    r"^(?:rev|revd|reverend|abbe|mgr|monseigneur|imam|rabbi|rabbin|pasteur|pastor|pere|soeur"
    r"|frere|father|sister|brother)\.? (?!(?:noel|fouettard|christmas|ubu|fouras)(?![\w-]))"
    r"\w[\w-]*",
)

# v4 (holdout3): practice, observance and a role in a congregation, without a faith word.
# Statements about the person: a church's name in them does not hide them.
RELIGION_PRACTICE: Final = (
    r"(?:vais|va|allons|vont|assiste|assistons) (?:a la )?messe",
    # v6 (holdout5: "Chaque vendredi, je vais à la mosquée")
    r"(?:vais|vas|va|allons|vont|me rends|se rend|nous rendons|se rendent) (?:a la |au |a l')"
    r"(?:mosquee|synagogue|eglise|messe|priere|culte|office religieux"
    r"|temple(?! (?:du|de la|des)(?![\w-])))",
    r"(?:go|goes|going) to (?:mass|church|the mosque|synagogue|temple)(?! (?:hall|street|road))",
    r"(?:fais|fait|faisons|prie|dis) (?:mes|ses|nos|la|les) (?:cinq )?prieres?",
    r"(?:pray|prays|praying) (?:five times|every day|daily)",
    r"(?:fait|faire|fais|made|did|performed|went on) (?:le |la |l'|the |my |a )?(?:hajj|omra"
    r"|umrah|pelerinage|pilgrimage)",
    r"pilgrimage to (?:mecca|lourdes|jerusalem|fatima|santiago|medina)",
    r"pelerinage (?:a|de) (?:la mecque|lourdes|jerusalem|fatima|compostelle)",
    r"(?:read|reads|reading|lis|lit|recite|recites|reciting) (?:the |le |la |my |ma )?(?:quran"
    r"|koran|coran|bible|torah|talmud|gita)(?! (?:of|du|de|des)(?![\w-]))",
    r"(?:shabbat|sabbath|kosher|halal|torah)[- ]observant",
    r"shomer shabbat",
    r"observant (?:jew|muslim|catholic|christian|hindu|sikh)",
    r"sunday school teacher",
    r"keep(?:s|ing)? (?:kosher|halal)",
    r"(?:je )?mange (?:casher|cacher|kasher|halal)",
    r"(?:youth|worship) (?:pastor|minister|leader at (?:\w+ ){0,3}?church)",
    r"novice (?:with|chez|at|au|aux|in|among) (?:the |les )?(?:\w+ )?(?:sisters|soeurs|brothers"
    r"|freres|nuns|moniales)",
    r"(?:carmelite|benedictine|franciscan|dominican|jesuit|carmelite|cistercian|trappist)"
    r" (?:sisters?|nuns?|monks?|brothers?|novice|friar)",
)

# Membership organisations of believers (students', youth), as a party is for an opinion.
RELIGION_GROUPS: Final = (
    r"(?:association|union|federation|society|council|network|club) (?:of |des |de |d')"
    r"(?:\w+ )?(?:jewish|muslim|christian|catholic|hindu|sikh|buddhist|islamic|etudiants?"
    r" (?:musulmans|juifs|catholiques|chretiens|protestants)|jeunes (?:musulmans|juifs"
    r"|catholiques|chretiens))(?: students?| (?:de|du|en) \w+)?",
    r"(?:jewish|muslim|christian|catholic|hindu|sikh|buddhist|islamic) students'? (?:association"
    r"|society|union|federation|network|council|club|group|forum)",  # v6: "council" (holdout5)
    # v6 (holdout5: "Jeunes catholiques de Lyon"): young or student believers as the group
    r"(?:^|(?:association|mouvement|federation|club|groupe|cercle|union) (?:des |de )?)"
    r"(?:jeunes|etudiants?|etudiantes|young) (?:catholiques|musulman(?:e)?s|juifs|juives"
    r"|chretien(?:ne)?s|protestant(?:e)?s|bouddhistes|hindous|sikhs|evangeliques|muslims"
    r"|christians|catholics|jews)",
    r"christian union",
    r"jeunesse (?:ouvriere|etudiante|agricole|maritime) chretienne",
    # v5 (holdout4)
    r"scouts? (?:musulmans|juifs|catholiques|protestants|israelites|unitaires)",
    r"eclaireu(?:rs|ses) (?:israelites|unionistes|musulmans)",
    r"aumonerie (?:des |de l'|du )?(?:etudiants|jeunes|lycees?|lyceens|college|enseignement)",
    r"(?:jewish|muslim|christian|catholic|hindu|sikh|buddhist|islamic) (?:youth|women's|men's"
    r"|young) (?:fellowship|association|society|union|federation|network|group|club)",
)

# -- the category's cues (kind, fixed description, patterns) ---------------------------------

CUES: Final = (
    Cue("member", "religion: association of believers", RELIGION_GROUPS),
    Cue("personal", "religion: tie to a place of worship", RELIGION_PERSONAL),
    Cue("personal", "religion: practice or role in a congregation", RELIGION_PRACTICE),
    Cue("strong", "religion: clergy honorific", RELIGION_HONORIFIC),
    Cue("strong", "religion: observance or conversion", RELIGION_STRONG),
    Cue("term", "religion: faith or belief", RELIGION_TERMS),
    Cue("term", "religion: clergy role", RELIGION_CLERGY),
)
