"""Which schema.org types are contacts, and of which kind (person or organization).

A type is an organization when it is in :data:`ORGANIZATION_TYPES` or its name ends with one of
:data:`ORGANIZATION_SUFFIXES` (``DentalBusiness``, ``SportsOrganization``, ``PetStore``…), so a
subtype missing from the table is still read. ``Service`` is not a suffix: ``Service`` itself
and most ``…Service`` types (``TaxiService``, ``BroadcastService``) are offers, not
organizations; the organizations among them (``LegalService``, ``FinancialService``,
``ProfessionalService``, ``EmergencyService``…) are in the table.

:data:`EXCLUDED_TYPES` are never extracted: a ``Patient`` record reveals health data by its
type alone (GDPR Art. 9).
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlsplit

PERSON: Final = "person"
ORGANIZATION: Final = "organization"

# IndividualPhysician is an Organization subtype in schema.org but describes one doctor.
PERSON_TYPES: Final = frozenset({"Person", "IndividualPhysician"})

EXCLUDED_TYPES: Final = frozenset({"Patient"})

ORGANIZATION_SUFFIXES: Final = ("Organization", "Business", "Store", "Agency", "Establishment")

ORGANIZATION_TYPES: Final = frozenset(
    {
        # Organization and its direct subtypes
        "Organization", "Airline", "Consortium", "Cooperative", "Corporation", "FundingScheme",
        "GovernmentOrganization", "LibrarySystem", "LocalBusiness", "MedicalOrganization", "NGO",
        "NewsMediaOrganization", "OnlineBusiness", "PerformingGroup", "DanceGroup", "MusicGroup",
        "TheaterGroup", "PoliticalParty", "Project", "FundingAgency", "ResearchProject",
        "ResearchOrganization", "SearchRescueOrganization", "SportsOrganization", "SportsTeam",
        "WorkersUnion",
        # education
        "EducationalOrganization", "CollegeOrUniversity", "ElementarySchool", "HighSchool",
        "MiddleSchool", "Preschool", "School",
        # health
        "Dentist", "DiagnosticLab", "Hospital", "MedicalClinic", "Pharmacy", "Physician",
        "VeterinaryCare", "MedicalBusiness", "CommunityHealth", "Dermatology", "DietNutrition",
        "Emergency", "Geriatric", "Gynecologic", "Midwifery", "Nursing", "Obstetric",
        "Oncologic", "Optician", "Optometric", "Otolaryngologic", "Pediatric", "Physiotherapy",
        "PlasticSurgery", "Podiatric", "PrimaryCare", "Psychiatric", "PublicHealth",
        # legal, finance, professional services
        "LegalService", "Attorney", "Notary", "ProfessionalService", "FinancialService",
        "AccountingService", "AutomatedTeller", "BankOrCreditUnion", "InsuranceAgency",
        "RealEstateAgent", "EmploymentAgency", "TravelAgency",
        # other LocalBusiness subtypes
        "AnimalShelter", "ArchiveOrganization", "ChildCare", "DryCleaningOrLaundry",
        "EmergencyService", "FireStation", "PoliceStation", "GovernmentOffice", "PostOffice",
        "InternetCafe", "Library", "RadioStation", "TelevisionStation", "RecyclingCenter",
        "SelfStorage", "ShoppingCenter", "TouristInformationCenter",
        "AutomotiveBusiness", "AutoBodyShop", "AutoDealer", "AutoRental", "AutoRepair",
        "AutoWash", "GasStation", "MotorcycleDealer", "MotorcycleRepair",
        "EntertainmentBusiness", "AdultEntertainment", "AmusementPark", "ArtGallery", "Casino",
        "ComedyClub", "MovieTheater", "NightClub",
        "FoodEstablishment", "Bakery", "BarOrPub", "Brewery", "CafeOrCoffeeShop", "Distillery",
        "FastFoodRestaurant", "IceCreamShop", "Restaurant", "Winery",
        "HealthAndBeautyBusiness", "BeautySalon", "DaySpa", "HairSalon", "HealthClub",
        "NailSalon", "TattooParlor",
        "HomeAndConstructionBusiness", "Electrician", "GeneralContractor", "HVACBusiness",
        "HousePainter", "Locksmith", "MovingCompany", "Plumber", "RoofingContractor",
        "LodgingBusiness", "BedAndBreakfast", "Campground", "Hostel", "Hotel", "Motel", "Resort",
        "VacationRental",
        "SportsActivityLocation", "BowlingAlley", "ExerciseGym", "GolfCourse",
        "PublicSwimmingPool", "SkiResort", "SportsClub", "StadiumOrArena", "TennisComplex",
        "Store", "Florist", "PawnShop", "OnlineStore",
    }
)  # fmt: skip

_SCHEMA_HOSTS: Final = frozenset({"schema.org", "www.schema.org"})
_SCHEMA_PREFIXES: Final = frozenset({"schema", "sdo"})
_GENERIC: Final = frozenset({"Person", "Organization", "LocalBusiness"})


def schema_name(value: str) -> str | None:
    """The schema.org type name of ``Person``, ``schema:Person``, ``https://schema.org/Person``.

    ``None`` for another vocabulary (``http://xmlns.com/foaf/0.1/Person``, ``foaf:Person``).
    """
    value = value.strip()
    if "://" in value:
        parts = urlsplit(value)
        if (parts.hostname or "") not in _SCHEMA_HOSTS:
            return None
        value = (parts.fragment or parts.path).strip("/").rpartition("/")[2]
    elif ":" in value:
        prefix, _, value = value.partition(":")
        if prefix.lower() not in _SCHEMA_PREFIXES:
            return None
    return value or None


def kind_of(name: str) -> str | None:
    """``"person"``, ``"organization"`` or ``None`` for one schema.org type name."""
    if name in PERSON_TYPES:
        return PERSON
    if name in ORGANIZATION_TYPES or name.endswith(ORGANIZATION_SUFFIXES):
        return ORGANIZATION
    return None


def contact_type(types: Any) -> tuple[str, str] | None:
    """``(schema_type, kind)`` of a node's ``@type`` (a string or a list), or ``None``.

    With several types the most specific contact type wins (``Dentist`` over
    ``LocalBusiness``); any excluded type excludes the node.
    """
    names = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    found: tuple[str, str] | None = None
    for raw in names:
        name = schema_name(raw) if isinstance(raw, str) else None
        if name is None:
            continue
        if name in EXCLUDED_TYPES:
            return None
        kind = kind_of(name)
        if kind is not None and (found is None or found[0] in _GENERIC):
            found = (name, kind)
    return found
