"""The demo school's fictional pupils: ordinary British names of varied
backgrounds, Years 7–11, families of siblings, SEND, and full register details
for the pupils the DSL knows best.

Everything is drawn from a seeded :class:`random.Random`, so two demo stores hold
the same pupils. Addresses use the made-up town of Larkfield and the ``LF``
postcode area (which does not exist); phone numbers use Ofcom's range for drama
(01632 960xxx); NHS numbers the 999 range, which is never issued.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sgdesk.models.errors import InvalidInput
from sgdesk.models.pupils import (
    Address,
    AgencyInvolved,
    HouseholdMember,
    KeyAdult,
    Pupil,
    validate_nhs_number,
    validate_upn,
)

PUPILS_PER_YEAR = 20
YEAR_GROUPS = (7, 8, 9, 10, 11)

#: Full names the name lists could produce that belong to well-known people (or
#: characters), so the demo never uses them.
AVOIDED_NAMES = frozenset({"Callum Turner", "Jack Dawson", "Lily Allen", "Ellie Price",
                           "Megan Barker", "Jade Ward"})


@dataclass(frozen=True)
class Background:
    """Names and census details that go together, so a pupil reads as one person."""

    ethnicity: str
    weight: int
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]
    religions: tuple[str, ...]
    languages: tuple[str, ...] = ("English",)


BACKGROUNDS = (
    Background("White British", 50,
               ("Amelia", "Isla", "Poppy", "Freya", "Ruby", "Evie", "Millie", "Daisy", "Lily",
                "Megan", "Hannah", "Bethany", "Courtney", "Jade", "Kayla", "Ellie", "Cerys",
                "Eilidh", "Niamh"),
               ("Oliver", "Jack", "Alfie", "Oscar", "Finley", "George", "Archie", "Theo",
                "Callum", "Reece", "Bradley", "Tyler", "Dylan", "Lewis", "Nathan", "Ethan",
                "Rhys", "Ciaran"),
               ("Bailey", "Bennett", "Clarke", "Dawson", "Fletcher", "Hughes", "Jenkins",
                "Lloyd", "Mitchell", "Parry", "Price", "Robinson", "Sutton", "Turner", "Ward",
                "Webb", "Whitfield", "Wright", "Hale", "Abbott", "Marsh", "Holloway", "Barker",
                "Pearce", "Brennan", "Gallagher", "Quinn", "Doyle", "Fraser", "Kerr"),
               ("No religion", "No religion", "Christian")),
    Background("Asian or Asian British – Pakistani", 9,
               ("Aisha", "Maryam", "Hafsa", "Zara", "Inaya", "Amira"),
               ("Ibrahim", "Yusuf", "Ayaan", "Zain", "Bilal", "Rayyan"),
               ("Ahmed", "Hussain", "Iqbal", "Akhtar", "Mahmood", "Rashid"),
               ("Muslim",), ("English", "English", "Urdu")),
    Background("Asian or Asian British – Bangladeshi", 5,
               ("Sumaiya", "Tahmina", "Nusrat", "Safa"),
               ("Arif", "Sahil", "Rafi", "Tanvir"),
               ("Chowdhury", "Rahman", "Miah", "Uddin"),
               ("Muslim",), ("English", "Bengali")),
    Background("Asian or Asian British – Indian", 7,
               ("Anaya", "Simran", "Jaspreet", "Diya", "Riya"),
               ("Arjun", "Rohan", "Kiran", "Dev", "Aarav"),
               ("Patel", "Shah", "Bhatt", "Sandhu", "Gill", "Mistry"),
               ("Hindu", "Sikh", "No religion"), ("English", "English", "Gujarati", "Punjabi")),
    Background("Black or Black British – African", 8,
               ("Chidera", "Precious", "Ama", "Adaeze", "Tolu", "Abena"),
               ("Kofi", "Tobi", "Emeka", "Kwame", "Femi", "Daniel"),
               ("Mensah", "Osei", "Okonkwo", "Adeyemi", "Nwosu", "Boateng", "Asante"),
               ("Christian",), ("English", "English", "Yoruba", "Twi")),
    Background("Black or Black British – Caribbean", 5,
               ("Shanice", "Jada", "Tia", "Keisha"),
               ("Jayden", "Kai", "Malachi", "Jordan"),
               ("Campbell", "Grant", "Reid", "Morgan", "Francis"),
               ("Christian", "No religion")),
    Background("Mixed – White and Black Caribbean", 5,
               ("Maya", "Leah", "Imani", "Skye"),
               ("Isaac", "Elijah", "Tyrese", "Noah"),
               ("Campbell", "Grant", "Reid", "Morgan", "Bailey", "Clarke"),
               ("No religion", "Christian")),
    Background("White – Polish", 7,
               ("Zofia", "Oliwia", "Maja", "Julia", "Hanna"),
               ("Kacper", "Jakub", "Szymon", "Filip", "Antoni"),
               ("Nowak", "Wojcik", "Mazur", "Krawczyk", "Kaczmarek"),
               ("Christian", "No religion"), ("Polish", "English")),
    Background("White – Romanian", 4,
               ("Ioana", "Bianca", "Daria"),
               ("Andrei", "Luca", "Matei"),
               ("Popescu", "Ionescu", "Stan", "Dumitru"),
               ("Christian",), ("Romanian", "English")),
)

#: The names some boys go by, for the pupil whose preferred name differs.
SHORT_NAMES = {"Oliver": "Ollie", "Nathan": "Nate", "Daniel": "Danny", "Jakub": "Kuba",
               "Bradley": "Brad", "Finley": "Finn", "Callum": "Cal", "Andrei": "Andy",
               "Elijah": "Eli", "Alfie": "Alf", "Archie": "Arch", "Theo": "Teddy",
               "Ibrahim": "Ibby", "Lewis": "Lew", "Tyler": "Ty"}

_GROWN_UP_NAMES = {
    "White British": (("Kerry", "Lisa", "Gemma", "Sarah"), ("Lee", "Craig", "Darren", "Mark")),
    "Asian or Asian British – Pakistani": (("Nasreen", "Saima"), ("Tariq", "Imran")),
    "Asian or Asian British – Bangladeshi": (("Rubina", "Shirin"), ("Abdul", "Jamal")),
    "Asian or Asian British – Indian": (("Meena", "Harjit"), ("Sanjay", "Jaswinder")),
    "Black or Black British – African": (("Grace", "Funmi"), ("Samuel", "Kwesi")),
    "Black or Black British – Caribbean": (("Marcia", "Donna"), ("Winston", "Carl")),
    "Mixed – White and Black Caribbean": (("Stacey", "Claire"), ("Andre", "Dean")),
    "White – Polish": (("Agnieszka", "Kasia"), ("Piotr", "Marek")),
    "White – Romanian": (("Elena", "Mihaela"), ("Florin", "Adrian")),
}

_STREETS = ("Mill Lane", "Church Road", "Orchard Close", "Station Road", "Beech Avenue",
            "Canal Street", "Hollins Way", "Queen's Terrace", "Ashgrove", "Kingfisher Court",
            "Bridge Street", "Foundry Row")
_GPS = ("Larkfield Health Centre", "Brook Street Surgery", "Canalside Medical Practice")


@dataclass
class Cohort:
    """The demo pupils, with the ones the storylines need picked out by role."""

    everyone: list[Pupil] = field(default_factory=list)
    families: list[list[Pupil]] = field(default_factory=list)
    leavers: list[Pupil] = field(default_factory=list)

    def replace(self, pupil: Pupil) -> Pupil:
        """Swap in an updated pupil everywhere it appears; returns it."""
        self.everyone = [pupil if p.id == pupil.id else p for p in self.everyone]
        self.families = [[pupil if p.id == pupil.id else p for p in f] for f in self.families]
        self.leavers = [pupil if p.id == pupil.id else p for p in self.leavers]
        return pupil

    def current(self, pupil_id: str) -> Pupil:
        """The pupil as the cohort holds them now (storylines add details as they go)."""
        return next(p for p in self.everyone if p.id == pupil_id)

    def in_year(self, year: int) -> list[Pupil]:
        """Pupils on roll in ``year`` now (leavers left from an earlier year)."""
        gone = {p.id for p in self.leavers}
        return [p for p in self.everyone if p.year_group == str(year) and p.id not in gone]


class PupilMaker:
    """Draws pupils from one seeded generator. ``school_year`` is the calendar year
    the current school year started in (September)."""

    def __init__(self, rng: random.Random, school_year: int) -> None:
        self.rng = rng
        self.school_year = school_year
        self._used_names: set[str] = set()
        #: Surnames of the families of siblings, kept for them so a pupil who shares
        #: one never looks like an unlinked sibling.
        self.family_surnames: set[str] = set()
        self._serial = 0

    # -- one pupil -----------------------------------------------------------------
    def pupil(self, year: int, background: Background | None = None, surname: str = "",
              gender: str = "") -> Pupil:
        rng = self.rng
        background = background or rng.choices(BACKGROUNDS, [b.weight for b in BACKGROUNDS])[0]
        gender = gender or rng.choice(("Female", "Male"))
        names = background.girls if gender == "Female" else background.boys
        while True:
            forename = rng.choice(names)
            family_name = surname or rng.choice(background.surnames)
            if not surname and family_name in self.family_surnames:
                continue
            full = f"{forename} {family_name}"
            if full not in self._used_names and full not in AVOIDED_NAMES:
                break
        self._used_names.add(full)
        born = self.birthday(year)
        return Pupil(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            legal_forename=forename, legal_surname=family_name, date_of_birth=born,
            gender=gender, ethnicity=background.ethnicity,
            religion=rng.choice(background.religions),
            first_language=rng.choice(background.languages),
            upn=self._upn(), year_group=str(year), form=f"{year}{rng.choice('LAKR')}",
        )

    def birthday(self, year: int) -> date:
        """A date of birth that puts a child in ``year`` this school year."""
        first = date(self.school_year - year - 5, 9, 1)
        return first + timedelta(days=self.rng.randrange(365))

    def _upn(self) -> str:
        """A valid UPN for local authority 999 (not a real one), school 4001."""
        self._serial += 1
        body = f"9994001{self.school_year % 100:02d}{self._serial:03d}"
        for letter in "ABCDEFGHJKLMNPQRTUVWXYZ":
            try:
                return validate_upn(letter + body)
            except InvalidInput:
                continue
        raise AssertionError("one check letter always fits")

    def nhs_number(self) -> str:
        """A valid NHS number in the 999 range, which is never issued."""
        while True:
            stem = "999" + "".join(str(self.rng.randrange(10)) for _ in range(6))
            for check in range(10):
                try:
                    return validate_nhs_number(stem + str(check))
                except InvalidInput:
                    continue

    # -- register details ----------------------------------------------------------
    def address(self) -> Address:
        rng = self.rng
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = (f"LF{rng.randrange(1, 9)} {rng.randrange(1, 9)}{rng.choice(letters)}"
                    f"{rng.choice(letters)}")
        return Address(f"{rng.randrange(2, 120)} {rng.choice(_STREETS)}, Larkfield {postcode}",
                       moved_in=date(self.school_year - rng.randrange(2, 9), rng.randrange(1, 13),
                                     1))

    def with_details(self, pupil: Pupil, household: tuple[HouseholdMember, ...] = (),
                     address: Address | None = None) -> Pupil:
        """Fill in the register details the DSL keeps for a pupil they know well."""
        rng = self.rng
        household = household or self.household(pupil)
        current = address or self.address()
        addresses: tuple[Address, ...] = (current,)
        if rng.random() < 0.3 and current.moved_in:
            earlier = self.address()
            addresses = (replace(earlier, moved_in=None, moved_out=current.moved_in), current)
        return replace(
            pupil, addresses=addresses, nhs_number=self.nhs_number(), gp=rng.choice(_GPS),
            household=household, key_adults=self.key_adults(pupil), key_adults_known=True,
        )

    def household(self, pupil: Pupil) -> tuple[HouseholdMember, ...]:
        rng = self.rng
        mums, dads = _GROWN_UP_NAMES[pupil.ethnicity]
        surname = pupil.legal_surname
        mum = HouseholdMember(f"{rng.choice(mums)} {surname}", "Mother",
                              date(self.school_year - rng.randrange(32, 48), rng.randrange(1, 13),
                                   rng.randrange(1, 28)), parental_responsibility=True)
        shape = rng.random()
        if shape < 0.5:
            dad = HouseholdMember(f"{rng.choice(dads)} {surname}", "Father",
                                  parental_responsibility=True)
            return (mum, dad)
        if shape < 0.75:
            partner = HouseholdMember(f"{rng.choice(dads)} {rng.choice(BACKGROUNDS[0].surnames)}",
                                      "Mother's partner")
            father = HouseholdMember(f"{rng.choice(dads)} {surname}", "Father",
                                     lives_with_child=False, parental_responsibility=True,
                                     regular_visitor=True)
            return (mum, partner, father)
        nan = HouseholdMember(f"{rng.choice(mums)} {rng.choice(BACKGROUNDS[0].surnames)}",
                              "Grandmother (maternal)", lives_with_child=False,
                              regular_visitor=True)
        return (mum, nan)

    def key_adults(self, pupil: Pupil) -> tuple[KeyAdult, ...]:
        rng = self.rng
        mums, dads = _GROWN_UP_NAMES[pupil.ethnicity]
        choices = (
            KeyAdult(f"{rng.choice(mums)} {pupil.legal_surname}", "Aunt",
                     f"01632 960{rng.randrange(100, 999)}"),
            KeyAdult(f"{rng.choice(dads)} {rng.choice(BACKGROUNDS[0].surnames)}",
                     "Football coach, Larkfield Juniors"),
            KeyAdult(f"{rng.choice(mums)} {rng.choice(BACKGROUNDS[0].surnames)}",
                     "Youth worker, Canalside youth club"),
        )
        return tuple(rng.sample(choices, rng.randrange(1, 3)))


#: Agencies working with demo families; the first of each pair leads.
EARLY_HELP = AgencyInvolved("Larkfield Early Help team",
                            "Family support worker: Dana Whitcombe, 01632 960412", True)
SOCIAL_CARE = AgencyInvolved("Children's social care, Larkfield safeguarding team",
                             "Social worker: Jess Ambrose, 01632 960377", True)
CAMHS = AgencyInvolved("CAMHS (child and adolescent mental health)",
                       "Clinician: Dr Ola Brandt, 01632 960251")
YOUNG_CARERS = AgencyInvolved("Larkfield Young Carers", "Support worker: Nia Powell, "
                              "01632 960518")
YOUTH_JUSTICE = AgencyInvolved("Youth Justice Service", "Case worker: Sean Mulroy, "
                               "01632 960699")
DISABLED_CHILDREN = AgencyInvolved("Disabled children's team",
                                   "Social worker: Amrit Dhaliwal, 01632 960144", True)

NON_VERBAL_NEEDS = (
    "Non-verbal (autism). Communicates with symbols: a PECS book and a communication board "
    "on the desk. To raise a worry, hands any adult the red worry card kept on the board, "
    "or points to the 'sad' or 'hurt' symbol; staff then use the choice board to find out "
    "more. Allow time, offer open choices, never a string of yes/no questions."
)
EHCP_SECTION_D = (
    "Social care needs: the family needs regular short breaks; {name} needs a familiar "
    "adult for personal care and cannot yet tell others when something is wrong without "
    "symbols."
)
EHCP_SECTION_H = (
    "Social care provision (under section 2 of the Chronically Sick and Disabled Persons "
    "Act 1970): one overnight short break a month at Willow House; after-school club two "
    "days a week funded by the disabled children's team."
)


def make_cohort(rng: random.Random, school_year: int) -> Cohort:
    """About a hundred pupils in Years 7–11, five families of siblings, two leavers."""
    maker = PupilMaker(rng, school_year)
    cohort = Cohort()
    for years in ((11, 9, 8), (10, 8), (11, 7), (9, 7), (10, 8)):
        background = rng.choices(BACKGROUNDS, [b.weight for b in BACKGROUNDS])[0]
        first = maker.pupil(years[0], background)
        maker.family_surnames.add(first.legal_surname)
        address = maker.address()
        household = maker.household(first)
        family = [maker.with_details(first, household, address)]
        for year in years[1:]:
            sibling = maker.pupil(year, background, surname=first.legal_surname)
            family.append(maker.with_details(sibling, household, address))
        cohort.families.append(family)
        cohort.everyone.extend(family)
    for year in YEAR_GROUPS:
        while len(cohort.in_year(year)) < PUPILS_PER_YEAR:
            cohort.everyone.append(maker.pupil(year))
    for year in (9, 10):  # the year they were in when they left last school year
        leaver = maker.with_details(replace(maker.pupil(year + 1), year_group=str(year),
                                            form=f"{year}L"))
        cohort.leavers.append(leaver)
        cohort.everyone.append(leaver)
    return cohort
