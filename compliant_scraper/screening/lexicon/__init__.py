"""Lexicon of the special-category scan (R4: GDPR Art. 9 and Art. 10), French and English.

Data only: one module per category (``health``, ``religion``, ``sexual_orientation``,
``political_opinion``, ``trade_union``, ``ethnic_origin``, ``genetic_biometric``,
``criminal``), the neutralising contexts in ``contexts``, and the building blocks in
``_build``. Importing it compiles nothing: the engine (``screening/sensitive.py``) compiles
the patterns on its first scan. The approach is documented in ``docs/sensitive-data.md``.

Every pattern is written against the *normalised* value: accents stripped (NFKD), ``œ`` →
``oe``, typographic apostrophes → ``'``, dashes → ``-``, spaces collapsed, original case
kept. Patterns are compiled case-insensitively; ``(?-i:...)`` marks the case-sensitive parts
(acronyms such as ``RN``, ``PS``, ``SUD``). The engine adds word boundaries that also refuse
hyphenated compounds (``Gay-Lussac`` never matches ``gay``). A pattern has no capturing group.

Kinds, and what may neutralise them (see ``sensitive.py``):

- ``member``: a party or union named. Reveals membership wherever it appears, even inside an
  organisation name (``Fédération CGT de la santé``); only a company legal form
  (``CGT Ingénierie SAS``), a saint's name or a counterpart ("avocat de la CGT", "covering
  the Labour Party conference") neutralises it. Not in name/address fields.
- ``personal``: a possessive or a tie to a place of worship ("my epilepsy surgery",
  "fidèle de la paroisse"): only a company or a saint's name neutralises it.
- ``family``: a family member's health (``mère de deux enfants autistes``).
- ``strong``: a self-contained attributive statement (``atteinte de``, ``en arrêt maladie``,
  ``converti à l'islam``); fires in every field, names included.
- ``term``: a category word (``diabétique``, ``musulman``, ``syndiqué``); fires in free-text
  fields only, and not inside an institution name, an expertise phrase (``spécialiste du
  diabète``) or a clientele phrase (``yoga pour femmes enceintes``).
- ``fallback``: a generic cue (``militant``), used only when no specific cue matched.

A cue description never contains text from the value: it is a fixed string from these modules.
"""

from __future__ import annotations

from typing import Final

from . import (
    criminal,
    ethnic_origin,
    genetic_biometric,
    health,
    political_opinion,
    religion,
    sexual_orientation,
    trade_union,
)
from ._build import KINDS, Cue

CATEGORY_MODULES: Final = (
    health,
    religion,
    sexual_orientation,
    political_opinion,
    trade_union,
    ethnic_origin,
    genetic_biometric,
    criminal,
)
CATEGORIES: Final[tuple[str, ...]] = tuple(module.CATEGORY for module in CATEGORY_MODULES)
# (category, cue), in the order candidates are tried where two can start at one position: by
# kind (KINDS), then by category as listed above, then as each module lists them.
CUES: Final[tuple[tuple[str, Cue], ...]] = tuple(
    (module.CATEGORY, cue)
    for kind in KINDS
    for module in CATEGORY_MODULES
    for cue in module.CUES
    if cue.kind == kind
)

__all__ = ["CATEGORIES", "CATEGORY_MODULES", "CUES", "KINDS", "Cue"]
