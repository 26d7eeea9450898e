"""Political opinions (Art. 9): parties, opinions, membership, activism.

Data only, written against the normalised value (see ``lexicon/__init__.py``)."""

from __future__ import annotations

from typing import Final

from ._build import Cue, alt, wgap

CATEGORY: Final = "political_opinion"


POLITICAL_PARTIES: Final = (
    r"(?:la )?france insoumise",
    r"rassemblement national",
    r"front national",
    r"(?-i:(?:[Ll]es|des|aux) R[Ee]publicains)",
    r"parti (?:socialiste|communiste(?: francais)?|radical(?: de gauche)?|animaliste|de gauche"
    r"|pirate|ouvrier|du travail)",
    r"europe ecologie(?: les verts)?",
    r"les ecologistes",
    r"mouvement democrate",
    r"(?-i:MoDem|LFI|EELV|PCF|NUPES|LREM|LaREM|UKIP|SNP|DUP|AfD|GOP)",
    r"(?:democratic|republican) (?:national|congressional|senatorial) committee",
    r"la republique en marche",
    r"lutte ouvriere",
    r"nouveau parti anticapitaliste",
    r"debout la france",
    r"les patriotes",
    r"nouveau front populaire",
    r"(?:scottish |british |welsh )?national party",
    r"(?:labour|conservative|green|republican|democratic|liberal|libertarian|communist|socialist"
    r"|brexit|independence) party",
    r"liberal democrats?",
    r"lib ?dems?",
    r"reform uk",
    r"plaid cymru",
    r"sinn fein",
    r"tory(?! burch)",
    r"tories",
    r"democratic socialists of america",
    r"extinction rebellion",
    # v4 (holdout3): political movements named, as parties are.
    r"gilets? jaunes?(?! (?:de securite|fluo|reflechissants?))",
    r"nuit debout",
    r"manif(?:estation)? pour tous",
    r"soulevements de la terre",
    r"generation identitaire",
    r"jeunes (?:avec macron|republicains|socialistes|communistes|ecologistes|insoumis"
    r"|populaires|patriotes)",
    r"young (?:conservatives|labour|republicans|democrats|liberals|greens)",
    r"black lives matter",
    r"occupy (?:wall street|london)",
    r"tea party (?:supporter|member|activist|movement|patriots?|caucus|republican)",
    r"just stop oil",
    r"fridays for future",
    r"sunrise movement",
    r"dernier(?:e)? renovation",
    r"attac",
    r"(?-i:Momentum) (?:group|branch|activist|member|organi[sz]er|campaigner)",
    r"comite de soutien (?:a|de|d') (?:\w+ ){0,2}?(?:macron|melenchon|le pen|zemmour|bardella"
    r"|trump|biden|harris)",
)

_PARTY_AMBIGUOUS = alt(
    r"(?-i:RN|PS|LR|FN|LO|NPA|UDI|NFP|DLF|UPR)",
    r"renaissance",
    r"horizons",
    r"reconquete",
    r"les verts",
    r"labour",
    r"conservatives?",
    r"democrats?",
    r"republicans?",
    r"liberals?",
    r"greens?",
)
_POLITICAL_ROLE = alt(
    r"membre",
    r"adherente?",
    r"militante?",
    r"sympathisante?",
    r"encartee?",
    r"elue?",
    r"candidate?",
    r"deputee?",
    r"senat(?:eur|rice)",
    r"conseill(?:er|ere)",
    r"maire",
    r"adjointe?",
    r"porte-parole",
    r"secretaire",
    r"tresori(?:er|ere)",
    r"tete de liste",
    r"colistiere?",
    r"federation",
    r"section",
    r"votes?",
    r"voted",
    r"voting",
    r"voter",
    r"electeur",
    r"electrice",
    r"soutien",
    r"supporter",
    r"sympathiser",
    r"activist",
    r"member",
    r"candidate",
    r"council+or",
    r"mp",
    r"mep",
    r"senator",
    r"mayor",
    r"volunteer",
    r"canvasser",
    r"campaigner",
    r"lifelong",
    r"life-long",
    r"registered",
    r"staunch",
    r"ancien(?:ne)? (?:membre|adherente?|militante?)",
    r"former",
)
_POLITICAL_ROLE_AFTER = alt(
    r"member",
    r"council+or",
    r"mp",
    r"mep",
    r"candidate",
    r"activist",
    r"supporter",
    r"voter",
    r"senator",
    r"mayor",
    r"politician",
)
POLITICAL_PARTY_IN_CONTEXT: Final = (
    _POLITICAL_ROLE + wgap(5) + _PARTY_AMBIGUOUS,
    _PARTY_AMBIGUOUS + wgap(2) + _POLITICAL_ROLE_AFTER,
    r"\((?-i:RN|PS|LR|FN|LO|NPA|UDI|NFP|DLF|UPR)\)",
    r"proud " + _PARTY_AMBIGUOUS,
)

POLITICAL_TERMS: Final = (
    r"insoumise?",
    r"communiste",
    r"communist",
    r"(?<!realisme )socialiste",
    r"socialist(?! realism)",
    r"anarchiste",
    r"anarchist",
    r"trotsk(?:y)?iste",
    r"trotskyist",
    r"marxiste",
    r"marxist",
    r"maoiste",
    r"maoist",
    r"leniniste",
    r"gaulliste",
    r"royaliste",
    r"monarchiste",
    r"monarchist",
    r"nationaliste",
    r"nationalist",
    r"libertarian",
    r"libertarien(?:ne)?",
    r"ecologiste",
    r"d'extreme[- ](?:droite|gauche)",
    r"(?:far|hard|alt)[- ](?:right|left)",
    r"antifa",
    r"anti-?fascist(?:e)?",
    r"antifasciste",
    r"pro-(?:life|choice|vie)",
    r"anti-(?:abortion|avortement)",
    r"zionist",
    r"sioniste",
    r"antisioniste",
    r"anti-zionist",
    r"altermondialiste",
    r"souverainiste",
    r"eurosceptique",
    r"eurosceptic",
    r"feministe",
    r"feminist",
    r"encartee?(?! (?:a la |au |a )(?-i:CGT|CFDT|FO|CFTC|UNSA|FSU|SUD|CNT|CFE))",
    r"(?:membre|adherente?|militante?|encartee?|member) (?:du|au|of the|of a) (?:parti|party)"
    r"(?! (?:pris|planner|planning|wall|supplies)(?![\w-]))",
    r"party member",
    r"engagee? a (?:gauche|droite)",
    r"(?:je )?milite (?:a|au|aux|chez|pour|dans|depuis)",
    r"je suis de (?:gauche|droite)",
    r"(?:homme|femme) de (?:gauche|droite)",
    r"macroniste",
    r"melenchoniste",
    r"lepeniste",
    r"zemmouriste",
    r"sarkozyste",
    r"chiraquien(?:ne)?",
    r"mitterrandien(?:ne)?",
    r"trumpist",
    r"(?-i:MAGA)",
    r"corbyn(?:ista|ite)",
    r"blairite",
    r"thatcherite",
    r"chaviste",
    r"zadiste",
    r"(?:liste |candidate? |elue? )?divers (?:gauche|droite)",
    r"anti-?monarch(?:y|ist|iste)",
    r"identitaire (?:et|depuis|convaincue?|assumee?)",
    r"(?:proud |convinced )?brexiteer",
    r"(?:proud |angry )?remainer",
    r"voted (?:leave|remain|for (?:brexit|trump|biden|labour|the tories|reform))",
    r"(?:je vote|j'ai vote|votant) (?:ecolo|vert|a gauche|a droite|(?-i:RN|LFI|PS|LR)|macron"
    r"|melenchon|le pen|zemmour)",
    r"(?:i vote|i voted) (?:labour|tory|conservative|green|democrat|republican|reform)",
    r"pro-?palestin(?:e|ian|ien(?:ne)?)(?! (?:studies|history))",
    r"pro-?israel(?:i)?(?! (?:studies|history))",
    r"(?:supporter|soutien|partisan(?:e)?) (?:de |d'|of |du |a |au |to )(?:la )?(?:\w+ )?"
    r"(?:macron|melenchon"
    r"|le pen|zemmour|trump|biden|sanders|corbyn|farage|starmer|sunak|obama|harris)",
    r"(?:macron|melenchon|le pen|zemmour|trump|biden|sanders|corbyn|farage|starmer|obama"
    r"|harris) (?:supporter|voter|fan|campaigner|volunteer)",
    # v6 (holdout5: "Campaigned for Bernie in 2016 and 2020"): campaigning for a politician
    r"(?:campaigned|campaigning|canvassed|canvassing|volunteered|door-?knocked|phone-?banked"
    r"|fait campagne|milite|milite) (?:for|pour) (?:\w+ )?(?:bernie|hillary|kamala|obama|trump"
    r"|biden|sanders|clinton|corbyn|farage|starmer|sunak|boris|macron|melenchon|le pen|zemmour"
    r"|harris|aoc)",
)

POLITICAL_FALLBACK: Final = (
    r"militante?(?! (?:associati(?:f|ve)|syndicale?)(?![\w-]))",
    r"activiste",
    r"activist(?! (?:investor|investing|fund|shareholder|hedge)(?![\w-]))",
    r"sympathisante?",
)

# -- the category's cues (kind, fixed description, patterns) ---------------------------------

CUES: Final = (
    Cue("member", "political_opinion: party named", POLITICAL_PARTIES),
    Cue(
        "member",
        "political_opinion: party acronym with an office or membership",
        POLITICAL_PARTY_IN_CONTEXT,
    ),
    Cue("term", "political_opinion: opinion term", POLITICAL_TERMS),
    Cue("fallback", "political_opinion: activism", POLITICAL_FALLBACK),
)
