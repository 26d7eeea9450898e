"""Trade-union membership (Art. 9): unions named, mandates, membership.

Data only, written against the normalised value (see ``lexicon/__init__.py``)."""

from __future__ import annotations

from typing import Final

from ._build import Cue, alt, wgap

CATEGORY: Final = "trade_union"


UNION_NAMES: Final = (
    r"(?-i:CGT|CFDT|CFTC|CFE-CGC|UNSA|FSU|SNES(?:-FSU)?|SNUIPP|SNUipp|SGEN(?:-CFDT)?|UNEF"
    r"|UNISON|GMB|RMT|NEU|UCU|NASUWT|USDAW|CWU|FBU|ASLEF|SEIU|UAW|AFL-CIO|IBEW|UFCW|USW|NUT)",
    r"force ouvriere",
    r"union nationale des syndicats autonomes",
    r"union syndicale solidaires",
    r"(?-i:SUD)[- ](?:rail|ptt|sante|education|solidaires|industrie|chimie|commerce|culture"
    r"|travail|aerien|energie|poste|telecom|collectivites territoriales)",
    r"unite the union",
    r"teamsters?",
    r"confederation generale du travail",
    r"confederation francaise (?:democratique )?du travail",
    r"trades? union congress",
    # v4 (holdout3): unions named only by their name.
    r"(?-i:SNJ(?:-CGT)?|SNPL|SNPDEN|SNALC|SNUEP|Unison|Usdaw|AFSCME|SAG-AFTRA|IWW|NUJ)"
    r"(?! (?:Bank|Kingdom|States|Nations|Airlines?)(?![\w-]))",
    r"national union of (?:journalists|teachers|students|mineworkers|rail\w*)",
    r"writers guild(?: of america)?",
    r"screen actors guild",
    r"united (?:steelworkers|auto workers|food and commercial workers|mine workers)",
    r"industrial workers of the world",
    r"(?:royal college of nursing|british medical association) (?:member|rep|steward)",
)

_UNION_AMBIGUOUS = alt(
    r"(?-i:FO|CNT|SUD|UD|UL|UNITE|NEA|AFT|PCS|BMA|RCN|GMB|Equity|Unite|EIS|NASUWT|UCU)",
    r"solidaires",
)
_UNION_ROLE = alt(
    r"syndiquee?",
    r"syndicale?",
    r"syndicaliste",
    r"syndicat",
    r"deleguee?",
    r"representante?",
    r"elue?",
    r"secretaire",
    r"adherente?",
    r"membre",
    r"militante?",
    r"section",
    r"liste",
    r"federation",
    r"confederation",
    r"union",
    r"member",
    r"rep",
    r"representative",
    r"steward",
    r"branch",
    r"organi[sz]er",
)
UNION_IN_CONTEXT: Final = (
    _UNION_ROLE + wgap(4) + _UNION_AMBIGUOUS,
    _UNION_AMBIGUOUS
    + wgap(1)
    + r"(?:member|members|rep|steward|branch|union|delegate|activist|local|organi[sz]er)",
)

UNION_STRONG: Final = (
    r"(?:deleguee?|representante?|militante?|responsable|elue?|mandat|section|secretaire)"
    r" syndicale?",
    r"trade unionist",
    r"shop steward",
    r"union (?:member|rep|representative|steward|organi[sz]er|official|delegate|activist)",
    # v6 (holdout5: "Local union president at the plant"): a union's officers
    r"(?<!student )(?<!students )(?<!students' )(?<!student's )(?<!credit )(?<!mothers' )"
    r"(?<!european )(?:local |branch )?union (?:president|vice-president"
    r"|chair(?:man|woman|person)?|secretary|treasurer|leader|convenor)",
    r"joined the (?!(?:european|student|students|credit|african|soviet)(?![\w-]))(?:\w+ )?union"
    r"(?! (?:square|station|street|bank|jack)(?![\w-]))",
)

UNION_PERSONAL: Final = (
    r"(?:adherente?|membre|member) (?:a |au |d'un |du |de |a un |of a |of the )?(?:syndicat|union)"
    r"(?! (?:de |des |d'|du )?(?:copro\w*|initiative|mixte|intercommunal|eaux|proprietaires))",
)

UNION_TERMS: Final = (
    r"syndiquee?",
    r"syndicalisee?",
    r"syndicaliste",
    r"non[- ]syndiquee?",
    r"(?<!conseil )(?<!chambre )syndicale?",
    r"trade unionist",
    r"trade union (?:member|rep|representative|official|activist|delegate)",
    r"union (?:member|rep|representative|steward|organi[sz]er|official|delegate|activist"
    r"|card|membership|dues)",
    r"shop steward",
    r"member of the (?:\w+ ){1,3}union",
    r"labou?r union member",
    r"(?:i'm|i am) in the union",
    r"(?:je suis|suis) au syndicat",
)

# -- the category's cues (kind, fixed description, patterns) ---------------------------------

CUES: Final = (
    Cue("member", "trade_union: organisation named", UNION_NAMES),
    Cue("member", "trade_union: acronym with a mandate", UNION_IN_CONTEXT),
    Cue("personal", "trade_union: membership statement", UNION_PERSONAL),
    Cue("strong", "trade_union: union mandate", UNION_STRONG),
    Cue("term", "trade_union: membership or mandate", UNION_TERMS),
)
