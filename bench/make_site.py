"""A deterministic directory site for the crawl benchmark: ``python -m bench.make_site DIR``.

``DIR/<host>/`` gets, for N pages in all:

- ``index.html``: links to every listing page (so the crawl's frontier fills at once);
- ``annuaire/page-K.html``: listing pages of ``PER_LISTING`` entries, with pagination;
- ``fiche/NNNNN.html``: one professional each, as JSON-LD (even numbers) or microdata (odd),
  with a name, job title, organization, a phone in one of the French formats, an email
  (personal or generic), a postal address, a free-text bio and "see also" links;
- ``mentions-legales.html`` (a ``mailto:`` link), ``robots.txt`` (disallows ``/admin/``,
  which every page links to, so both crawls refuse it once).

The same ``seed`` and N give the same bytes. Phone numbers come from ``site_phone``, so the
Bloctel generator can put a known share of them on the opposition list.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

HOST: Final = "bench-annuaire.test"
DEFAULT_PAGES: Final = 5000
PER_LISTING: Final = 50
SEE_ALSO: Final = 3
SEED: Final = 20261123
VERSION: Final = 3  # bump when the pages change: a cached site is rebuilt


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


GIVEN: Final = _words(
    "Camille Nicolas Julie Thomas Léa Antoine Manon Julien Chloé Pierre Sarah Hugo Inès Louis "
    "Emma Mathieu Clara Maxime Anaïs Romain Océane Lucas Élodie Quentin Pauline Théo Margaux "
    "Sébastien Aurélie François Hélène Benoît Céline Jérôme Sandrine Grégoire Noémie Yannick"
)
FAMILY: Final = _words(
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefebvre "
    "Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc "
    "Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez"
)
# Mostly the trades the benchmark's purpose (b2b_phone_prospecting) calls, so most items take
# the keep path; one in five is not (unrelated_to_offer, R6), as on a general directory.
JOBS: Final = (
    "Architecte DPLG",
    "Architecte d'intérieur",
    "Menuisier-ébéniste",
    "Électricien",
    "Plombier-chauffagiste",
    "Maçon",
    "Charpentier couvreur",
    "Artisan peintre",
    "Gérante, entreprise d'électricité générale",
    "Architecte associée",
    "Artisan carreleur",
    "Couvreur-zingueur",
    "Expert-comptable",
    "Directeur commercial",
    "Notaire",
)
ORG_KINDS: Final = ("Cabinet", "Atelier", "Groupe", "Société", "Agence", "Études", "Conseil")
ORG_NAMES: Final = _words(
    "Horizon Lumière Azur Boréal Cèdre Ardoise Vauban Colbert Méridien Alizé Galilée "
    "Rivoli Opale Granit Sequoia Estuaire Prisme Zénith Orion Tamaris"
)
BUSINESS_TYPES: Final = ("LocalBusiness", "ProfessionalService", "AccountingService", "Attorney")
CITIES: Final = (
    ("Paris", "75008"),
    ("Lyon", "69002"),
    ("Marseille", "13001"),
    ("Toulouse", "31000"),
    ("Nantes", "44000"),
    ("Bordeaux", "33000"),
    ("Lille", "59000"),
    ("Rennes", "35000"),
    ("Strasbourg", "67000"),
    ("Montpellier", "34000"),
    ("Grenoble", "38000"),
    ("Dijon", "21000"),
)
STREETS: Final = (
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "place du Marché",
    "rue des Lilas",
    "quai de la Loire",
    "allée des Tilleuls",
    "rue Pasteur",
)
BIO_SENTENCES: Final = (
    "{given} accompagne les PME de la région depuis {years} ans.",
    "Spécialisé{e} dans le conseil aux entreprises familiales, {given} intervient aussi en "
    "formation continue.",
    "Après un parcours dans un grand groupe, {given} a rejoint {org} en {year}.",
    "Ses domaines : fiscalité, transmission d'entreprise et accompagnement à la création.",
    "Membre de la chambre de commerce locale, {given} anime des ateliers mensuels.",
    "Passionné{e} de randonnée et de photographie, {given} aime les projets au long cours.",
    "Disponible en semaine, rendez-vous sur place ou en visioconférence.",
    "Interventions en français et en anglais ; devis gratuit sous 48 heures.",
)
FEMININE: Final = frozenset(
    _words(
        "Camille Julie Léa Manon Chloé Sarah Inès Emma Clara Anaïs Océane Élodie Pauline "
        "Margaux Aurélie Hélène Céline Sandrine Noémie"
    )
)


# -- phone numbers ------------------------------------------------------------------------

# 9-digit national significant numbers: mobile (6, 7) or geographic (1-5) or 9, avoiding the
# heads that are overseas departments' numbers in the French plan (0262, 0590, 0594, 0639,
# 069x) or unassigned (040x, 070x-072x): bench.bloctel checks every head against the product.
EXCLUDED_HEADS: Final = frozenset(
    ["262", "590", "594", "639", "690", "691", "692", "693", "694", "696", "697"]
    + [f"40{d}" for d in range(10)]
    + [f"7{d}{e}" for d in range(3) for e in range(10)]
)


def site_nsn(index: int) -> str:
    """The national significant number of contact ``index`` (deterministic, valid in FR)."""
    rng = random.Random(SEED * 1_000_003 + index)
    while True:
        nsn = f"{rng.choice('612345796')}{rng.randrange(10**8):08d}"
        if nsn[:3] not in EXCLUDED_HEADS:
            return nsn


def site_phone(index: int) -> int:
    """The E.164 digits (``33612345678``) of contact ``index``'s phone."""
    return 33 * 10**9 + int(site_nsn(index))


def phone_text(nsn: str, style: int) -> str:
    """A French way of writing the number (national and international forms)."""
    pairs = " ".join(nsn[i : i + 2] for i in range(1, 9, 2))
    national = "0" + nsn
    if style == 0:
        return f"0{nsn[0]} {pairs}"
    if style == 1:
        return ".".join(national[i : i + 2] for i in range(0, 10, 2))
    if style == 2:
        return f"+33 {nsn[0]} {pairs}"
    if style == 3:
        return "+33" + nsn
    if style == 4:
        return f"+33 (0){nsn[0]} {pairs}"
    if style == 5:
        return "0033" + nsn
    return national


# -- contacts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    index: int
    given: str
    family: str
    job: str
    org: str
    business_type: str
    phone: str
    email: str
    street: str
    city: str
    postal_code: str
    bio: str

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"


def _ascii(text: str) -> str:
    table = str.maketrans("àâäéèêëîïôöùûüçÉÈ", "aaaeeeeiioouuucEE")
    return text.translate(table).lower().replace(" ", "").replace("'", "")


def contact(index: int) -> Contact:
    rng = random.Random(SEED * 7919 + index)
    given = rng.choice(GIVEN)
    family = rng.choice(FAMILY)
    org = f"{rng.choice(ORG_KINDS)} {rng.choice(ORG_NAMES)} {rng.choice(FAMILY)}"
    domain = _ascii(org.split(" ", 1)[1]).replace(" ", "-") + ".fr"
    email = (
        f"{_ascii(given)}.{_ascii(family)}@{domain}"
        if rng.random() < 0.7
        else f"{rng.choice(('contact', 'accueil', 'secretariat', 'info'))}@{domain}"
    )
    city, postal = rng.choice(CITIES)
    feminine = given in FEMININE
    sentences = rng.sample(BIO_SENTENCES, rng.randrange(2, 5))
    bio = " ".join(
        s.format(
            given=given,
            org=org,
            years=rng.randrange(3, 30),
            year=rng.randrange(1995, 2025),
            e="e" if feminine else "",
        )
        for s in sentences
    )
    return Contact(
        index=index,
        given=given,
        family=family,
        job=rng.choice(JOBS),
        org=org,
        business_type=rng.choice(BUSINESS_TYPES),
        phone=phone_text(site_nsn(index), rng.randrange(7)),
        email=email,
        street=f"{rng.randrange(1, 180)} {rng.choice(STREETS)}",
        city=city,
        postal_code=postal,
        bio=bio,
    )


# -- pages ----------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _page(title: str, body: str, extra_head: str = "") -> str:
    page = _PAGE.replace("{title}", _e(title)).replace("{extra_head}", extra_head)
    return page.replace("{body}", body)


_ASIDE: Final = "".join(
    f'<li><a href="/annuaire/page-{k + 1}.html">{_e(city)} ({code[:2]})</a></li>\n'
    for k, (city, code) in enumerate(CITIES)
)
_PAGE_TEMPLATE: Final = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>{title} · Annuaire des professionnels</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Annuaire des professionnels">
<link rel="stylesheet" href="/static/site.css">
{extra_head}</head>
<body>
<header><nav><a href="/">Accueil</a> · <a href="/annuaire/page-1.html">Annuaire</a> ·
<a href="/mentions-legales.html">Mentions légales</a> · <a href="/admin/">Espace pro</a></nav>
</header>
<main>
{body}
</main>
<aside><h2>Rechercher par ville</h2>
<ul>{ASIDE}</ul>
<p>Les informations publiées dans cet annuaire sont fournies par les professionnels
eux-mêmes. Pour toute demande de rectification, écrivez-nous via la page des mentions
légales. Les coordonnées sont publiées à des fins de contact professionnel uniquement.</p>
</aside>
<footer><p>Annuaire des professionnels, édition de démonstration pour les mesures de
performance. Les fiches sont fictives. <a href="/mentions-legales.html">Mentions légales</a>
· <a href="/static/plaquette.pdf">Plaquette (PDF)</a></p></footer>
</body>
</html>
"""
_PAGE: Final = _PAGE_TEMPLATE.replace("{ASIDE}", _ASIDE)


def _json_ld(c: Contact) -> str:
    node = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": c.name,
        "givenName": c.given,
        "familyName": c.family,
        "jobTitle": c.job,
        "telephone": c.phone,
        "email": f"mailto:{c.email}",
        "description": c.bio,
        "worksFor": {"@type": c.business_type, "name": c.org},
        "address": {
            "@type": "PostalAddress",
            "streetAddress": c.street,
            "postalCode": c.postal_code,
            "addressLocality": c.city,
            "addressCountry": "FR",
        },
    }
    block = json.dumps(node, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{block}\n</script>\n'


def _visible(c: Contact) -> str:
    return f"""<h1>{_e(c.name)}</h1>
<p class="job">{_e(c.job)}, {_e(c.org)}</p>
<p class="address">{_e(c.street)}<br>{_e(c.postal_code)} {_e(c.city)}</p>
<p class="phone">Tél. : {_e(c.phone)}</p>
<p class="bio">{_e(c.bio)}</p>
"""


def _microdata(c: Contact) -> str:
    return f"""<article itemscope itemtype="https://schema.org/Person">
<h1 itemprop="name">{_e(c.name)}</h1>
<meta itemprop="givenName" content="{_e(c.given)}">
<meta itemprop="familyName" content="{_e(c.family)}">
<p><span itemprop="jobTitle">{_e(c.job)}</span>,
<span itemprop="worksFor" itemscope itemtype="https://schema.org/{c.business_type}">
<span itemprop="name">{_e(c.org)}</span></span></p>
<p itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
<span itemprop="streetAddress">{_e(c.street)}</span><br>
<span itemprop="postalCode">{_e(c.postal_code)}</span>
<span itemprop="addressLocality">{_e(c.city)}</span>
<meta itemprop="addressCountry" content="FR"></p>
<p>Tél. : <span itemprop="telephone">{_e(c.phone)}</span></p>
<p>Courriel : <a itemprop="email" href="mailto:{_e(c.email)}">{_e(c.email)}</a></p>
<p itemprop="description">{_e(c.bio)}</p>
</article>
"""


def detail_page(c: Contact, details: int) -> str:
    rng = random.Random(SEED + c.index)
    others = sorted({rng.randrange(details) for _ in range(SEE_ALSO)} - {c.index})
    see_also = "\n".join(
        f'<li><a href="/fiche/{o:05d}.html">Fiche {o:05d}</a></li>' for o in others
    )
    listing = c.index // PER_LISTING + 1
    nav = f'<p><a href="/annuaire/page-{listing}.html">Retour à la liste</a></p>'
    if c.index % 2 == 0:
        head, body = _json_ld(c), _visible(c)
    else:
        head, body = "", _microdata(c)
    return _page(c.name, f"{body}{nav}\n<h2>Voir aussi</h2>\n<ul>\n{see_also}\n</ul>", head)


def listing_page(number: int, listings: int, details: int) -> str:
    first = (number - 1) * PER_LISTING
    rows = []
    for index in range(first, min(first + PER_LISTING, details)):
        c = contact(index)
        rows.append(
            f'<li><a href="/fiche/{index:05d}.html">{_e(c.name)}</a> — {_e(c.job)}, '
            f"{_e(c.city)}</li>"
        )
    links = []
    if number > 1:
        links.append(f'<a href="/annuaire/page-{number - 1}.html" rel="prev">Précédente</a>')
    if number < listings:
        links.append(f'<a href="/annuaire/page-{number + 1}.html" rel="next">Suivante</a>')
    links.append(f'<a href="/annuaire/page-{listings}.html">Dernière</a>')
    body = (
        f"<h1>Annuaire, page {number} sur {listings}</h1>\n<ul>\n"
        + "\n".join(rows)
        + f"\n</ul>\n<p>{' · '.join(links)}</p>"
    )
    return _page(f"Annuaire, page {number}", body)


def index_page(listings: int) -> str:
    items = "\n".join(
        f'<li><a href="/annuaire/page-{k}.html">Page {k}</a></li>' for k in range(1, listings + 1)
    )
    return _page("Accueil", f"<h1>Annuaire des professionnels</h1>\n<ul>\n{items}\n</ul>")


LEGAL_PAGE: Final = _page(
    "Mentions légales",
    "<h1>Mentions légales</h1>\n<p>Éditeur : Annuaire de démonstration. Contact : "
    '<a href="mailto:contact@bench-annuaire.test">contact@bench-annuaire.test</a></p>',
)
ROBOTS_TXT: Final = f"""# Benchmark directory
User-agent: *
Disallow: /admin/
Allow: /

Sitemap: http://{HOST}/sitemap.xml
"""


def layout(pages: int) -> tuple[int, int]:
    """(listing pages, detail pages) for ``pages`` HTML pages in all (index, legal included)."""
    if pages < 4:
        raise ValueError("a site needs at least 4 pages")
    details = pages - 2
    while details + -(-details // PER_LISTING) > pages - 2:
        details -= 1
    return -(-details // PER_LISTING), details


@dataclass(frozen=True)
class Site:
    root: Path  # the directory holding <host>/
    host: str
    pages: int
    listings: int
    details: int

    @property
    def docroot(self) -> Path:
        return self.root / self.host

    @property
    def start_url(self) -> str:
        return f"http://{self.host}/"


def make_site(root: Path, pages: int = DEFAULT_PAGES, host: str = HOST) -> Site:
    """Write the site under ``root/host`` (reused when a complete one is already there)."""
    listings, details = layout(pages)
    site = Site(root, host, pages, listings, details)
    docroot = site.docroot
    stamp = docroot / ".complete"
    if stamp.exists() and stamp.read_text() == f"{pages} v{VERSION}":
        return site
    if docroot.exists():
        shutil.rmtree(docroot)
    for folder in (docroot / "annuaire", docroot / "fiche"):
        folder.mkdir(parents=True, exist_ok=True)
    (docroot / "robots.txt").write_text(ROBOTS_TXT, encoding="utf-8")
    (docroot / "index.html").write_text(index_page(listings), encoding="utf-8")
    (docroot / "mentions-legales.html").write_text(LEGAL_PAGE, encoding="utf-8")
    for number in range(1, listings + 1):
        page = listing_page(number, listings, details)
        (docroot / "annuaire" / f"page-{number}.html").write_text(page, encoding="utf-8")
    for index in range(details):
        page = detail_page(contact(index), details)
        (docroot / "fiche" / f"{index:05d}.html").write_text(page, encoding="utf-8")
    stamp.write_text(f"{pages} v{VERSION}")
    return site


def urls(site: Site) -> list[str]:
    """Every page's path, for load tests."""
    paths = ["/", "/mentions-legales.html", "/robots.txt"]
    paths += [f"/annuaire/page-{k}.html" for k in range(1, site.listings + 1)]
    paths += [f"/fiche/{i:05d}.html" for i in range(site.details)]
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES)
    parser.add_argument("--host", default=HOST)
    args = parser.parse_args(argv)
    site = make_site(args.root, args.pages, args.host)
    print(f"{site.docroot}: {site.listings} listing pages, {site.details} detail pages")


if __name__ == "__main__":
    main()
