"""Sex life or sexual orientation (Art. 9); gender identity is filed here (docs/sensitive-data.md).

Data only, written against the normalised value (see ``lexicon/__init__.py``)."""

from __future__ import annotations

from typing import Final

from ._build import SP, Cue

CATEGORY: Final = "sexual_orientation"


SEXUAL_TERMS: Final = (
    r"gay",
    r"lesbienne",
    r"lesbian",
    r"homosexuel(?:le)?",
    r"homosexual",
    r"homo(?! (?:sapiens|erectus|habilis|economicus|faber|deus|ludens)(?![\w-]))",
    r"bisexuel(?:le)?",
    r"bisexual",
    r"pansexuel(?:le)?",
    r"pansexual",
    r"asexuel(?:le)?",
    r"asexual(?! reproduction)",
    r"aromantique",
    r"aromantic",
    r"queer(?! (?:cinema|theory|studies|film|films|theatre|art|literature|history)(?![\w-]))",
    r"sapphic(?! (?:poetry|verse|ode|stanzas?|meter|metre)(?![\w-]))",
    r"transgenre",
    r"transgender",
    r"transsexuel(?:le)?",
    r"transsexual",
    r"non-binaire",
    r"non-binary",
    r"genderqueer",
    r"gender-?fluid",
    r"intersexe?",
    r"libertine?",
    r"echangiste",
    r"swinger",
    r"polyamoureu(?:x|se)",
    r"polyamorous",
    r"polyamory",
    r"polyamour",
    r"coming[- ]out",
)

_LGBT = r"lgbt\w*\+*"
SEXUAL_STRONG: Final = (
    r"(?:fiere?|proud|membre de la communaute|member of the|part of the|je suis|i am|i'm"
    r"|as an?|openly|ouvertement)" + SP + r"(?:\w+" + SP + r"){0,2}?" + _LGBT,
    _LGBT + r" (?:and proud|et fiere?|person|personne|woman|man|femme|homme)",
    r"(?:femme|homme|personne|woman|man|person|guy|girl|fille|garcon) trans",
    r"trans (?:woman|man|person|femme|homme|personne|guy|girl)",
    r"(?:je suis|i'm|i am|proud|fiere?|openly|ouvertement) (?:bi|trans)",
    r"bi (?:woman|man|femme|homme|and proud|et fiere?)",
    r"out and proud",
    r"came out(?: as| to| in| at)",
    r"marie (?:a|avec) mon (?:mari|epoux|compagnon)",
    r"pacse (?:avec|a) mon (?:compagnon|mari|conjoint|copain)",
    r"pacsee (?:avec|a) ma (?:compagne|femme|conjointe|copine)",
    r"mariee (?:a|avec) ma (?:femme|epouse|compagne)",
    r"(?:queer|gay|lesbian|bi|bisexual|trans|lgbt\w*\+*)-identif(?:ying|ied)",
    # v4 (holdout3)
    r"ace and aro",
    r"aro and ace",
    r"aro-?ace",
    r"(?:i'm|i am|je suis) (?:ace|aro)(?![\w-])",
    r"transitioned (?:in|at|last|two|three|\d|when|after|at age)",
    r"(?:fait|fais|faire|commence|entame) (?:ma|sa|son) transition(?! (?:ecologique|energetique"
    r"|numerique|professionnelle|de carriere|vers)(?![\w-]))",
    r"my (?:gender )?transition(?! (?:to|from|into|plan)(?![\w-]))",
)

# A membership group of gay, lesbian or LGBT people (a chorus, a sports club, a student
# society): being listed under it reveals the orientation, as a party reveals an opinion.
SEXUAL_GROUPS: Final = (
    r"(?:gay|lesbian|lgbt\w*\+*|queer|bi) (?:men's |women's |mens |womens )?(?:chorus|choir|choeur"
    r"|chorale|rugby club|football club|running club|sports club|swimming club|students'?"
    r" (?:association|society|union|network)|society)",
    r"(?:chorale|choeur|club) (?:\w+ )?(?:gay|lesbienne|lgbt\w*\+*)",
    r"(?:association|reseau|collectif|club) (?:des |de )(?:\w+ )?(?:gays?|lesbiennes|lgbt\w*\+*"
    r"|homosexuel(?:le)?s)",
)

# -- the category's cues (kind, fixed description, patterns) ---------------------------------

CUES: Final = (
    Cue("member", "sexual_orientation: group of its members", SEXUAL_GROUPS),
    Cue("strong", "sexual_orientation: self-identification", SEXUAL_STRONG),
    Cue("term", "sexual_orientation: identity term", SEXUAL_TERMS),
)
