"""The generated persons of the demo history: the story persons (demo records) looked up,
the others drawn from the names and profiles of the Ambito's population."""

from .names import (
    BIRTHPLACE_LABELS,
    FOREIGN,
    ITALIAN_BIRTHPLACES,
    ITALIAN_FEMALE,
    ITALIAN_LAST,
    ITALIAN_MALE,
    ITALIAN_PLACES,
    MUNICIPALITY_WEIGHTS,
    STREETS,
    ascii_name,
)
from .profiles import FOREIGN_PROFILES, ITALIAN_PROFILES, PROFILES

# The story persons of demo/social_person_demo.xml (xmlid person_<key>_demo), whose stories
# are demo records (demo/social_story_demo.xml): the volume leaves them alone.
STORIES = ["giovanna", "giuseppe", "ibrahima", "rosa", "samira", "constantin", "mario"]


class PersonsMixin:
    def person_vals(self, first, last, gender, birth, place, country, profile, municipality,
                    status="resident", languages=("it",), birth_country=None, **extra):  # fmt: skip
        """Values of a person born in `place` (an Italian municipality or a foreign country as
        the codice fiscale knows it), citizen of `country` (xmlid, False when stateless)."""
        if not birth_country:
            birth_country = "base.it" if place in ITALIAN_PLACES else country
        vals = {
            "first_name": first,
            "last_name": last,
            "gender": gender,
            "birth_date": birth,
            "birthplace": BIRTHPLACE_LABELS.get(place, place),
            "birth_country_id": self.env.ref(birth_country).id,
            "citizenship_id": self.env.ref(country).id if country else False,
            "legal_status": status,
            "residence_municipality_id": self.municipalities[municipality].id,
            "language_ids": [(6, 0, [self.langs[c].id for c in languages if self.langs.get(c)])],
            "company_id": self.company.id,
        }
        if status != "stp":
            vals["fiscal_code"] = self.fiscal_code(last, first, gender, birth, place)
        vals.update(extra)
        vals["_profile"] = profile
        vals["_municipality"] = municipality
        return vals

    def story_persons(self):
        """How many story persons there are (demo/social_person_demo.xml); their codici
        fiscali are taken, so no generated person gets one of them."""
        for key in STORIES:
            self.used_codes.add(self.ref(f"person_{key}_demo").fiscal_code)
        return len(STORIES)

    def create_random_persons(self, count):
        rng = self.rng
        specs = []
        # fixed quotas of the rarer legal statuses, the rest decided by origin
        special = [
            ("asylum_seeker", "Gambia", "base.gm", ["Lamin", "Ebrima"], ["Fatoumata"], ["Jallow", "Ceesay", "Touray"], ("en",)),
            ("asylum_seeker", "Guinea", "base.gn", ["Alpha", "Sekou"], ["Mariama"], ["Bah", "Barry", "Camara"], ("fr",)),
            ("refugee", "Afghanistan", "base.af", ["Ahmad", "Farid"], ["Zahra"], ["Rahimi", "Ahmadi", "Karimi"], ("en",)),
            ("refugee", "Siria", "base.sy", ["Omar", "Khaled"], ["Rania"], ["Al Hassan", "Haddad", "Najjar"], ("ar", "en")),
            ("stateless", "Bosnia-Erzegovina", False, ["Senad", "Dragan"], ["Sabina", "Mirsada"], ["Hadžić", "Jovanović", "Halilović"], ("it",)),
            ("stp", "Peru", "base.pe", ["Luis"], ["Gladys", "Maribel"], ["Quispe", "Mamani"], ("es",)),
            ("stp", "Marocco", "base.ma", ["Rachid", "Hassan"], ["Naima"], ["Bouzid", "Chakir"], ("ar", "fr")),
        ]  # fmt: skip
        for status, place, country, males, females, lasts, languages in special[:count]:
            gender = rng.choice(["male", "male", "female"])
            first = rng.choice(males if gender == "male" else females)
            age = rng.randint(19, 45)
            extra = {
                "needs_interpreter": status in ("asylum_seeker", "refugee") and rng.random() < 0.6
            }
            if status == "stp":
                extra["stp_code"] = "STP030321%07d" % rng.randint(0, 9999999)
            extra["birth_country"] = "base.ba" if status == "stateless" else country
            if rng.random() < 0.8:
                extra["mobile"] = self.phone_number()
            municipality = self.pick(MUNICIPALITY_WEIGHTS)
            profile = (
                "migrant"
                if status != "stateless"
                else self.pick([("family_poverty", 1), ("paperwork", 1)])
            )
            specs.append(
                self.person_vals(
                    first,
                    rng.choice(lasts),
                    gender,
                    self.birth_date(age),
                    place,
                    country,
                    profile,
                    municipality,
                    status=status,
                    languages=languages,
                    **extra,
                )
            )
        # a few profiles every demo should show, then chance decides
        forced = ["homeless", "homeless", "disability", "addiction", "youth", "elderly"]
        while len(specs) < count:
            profile = forced.pop(0) if forced else None
            italian = bool(profile) or rng.random() < 0.72
            gender = rng.choice(["male", "female"])
            if italian:
                profile = profile or self.pick(ITALIAN_PROFILES)
                first = rng.choice(ITALIAN_MALE if gender == "male" else ITALIAN_FEMALE)
                last = rng.choice(ITALIAN_LAST)
                country, languages = "base.it", ("it",)
            else:
                origin = self.pick([(key, value[6]) for key, value in FOREIGN.items()])
                country, place, males, females, lasts, languages, _w = FOREIGN[origin]
                profile = self.pick(FOREIGN_PROFILES)
                first = rng.choice(males if gender == "male" else females)
                last = rng.choice(lasts)
            if profile == "violence":
                gender = "female"
                first = rng.choice(ITALIAN_FEMALE if italian else FOREIGN[origin][3])
            age = rng.randint(*PROFILES[profile][1])
            if italian:
                place = (
                    self.pick(ITALIAN_BIRTHPLACES)
                    if age > 30
                    else self.pick(ITALIAN_BIRTHPLACES[:7])
                )
            elif age < 25 and rng.random() < 0.5:
                place = self.pick(ITALIAN_BIRTHPLACES[:7])  # born in Italy of foreign parents
            status = "resident" if italian or rng.random() < 0.75 else "entitled"
            municipality = self.pick(MUNICIPALITY_WEIGHTS)
            extra = {}
            if profile == "homeless":
                extra["is_homeless"] = True
                extra["address"] = "Senza fissa dimora"
            else:
                extra["address"] = "%s %d, %s" % (
                    rng.choice(STREETS[municipality]),
                    rng.randint(1, 120),
                    self.municipalities[municipality].name,
                )
            if age >= 75 and rng.random() < 0.6:
                extra["phone"] = self.phone_number(mobile=False)
            elif rng.random() < 0.9:
                extra["mobile"] = self.phone_number()
            if age < 65 and rng.random() < 0.45:
                extra["email"] = "%s.%s%02d@%s" % (
                    ascii_name(first),
                    ascii_name(last),
                    rng.randint(1, 99),
                    rng.choice(["example.com", "example.org", "example.net"]),
                )
            if not italian:
                extra["needs_interpreter"] = status == "entitled" and "it" not in languages
            if profile == "family_poverty":
                extra["household_notes"] = rng.choice([
                    "Coppia con tre figli minori, un solo reddito.",
                    "Madre sola con un figlio di 5 anni.",
                    "Nucleo di quattro persone; il padre lavora a chiamata.",
                    "Vive con la madre anziana e due figli adolescenti.",
                ])  # fmt: skip
            vals = self.person_vals(
                first,
                last,
                gender,
                self.birth_date(age),
                place,
                country,
                profile,
                municipality,
                status=status,
                languages=languages,
                **extra,
            )
            if vals.get("fiscal_code") is False:
                continue  # the same code twice: draw another person
            specs.append(vals)
        return self.create_persons(specs)

    def create_persons(self, specs):
        meta = [(vals.pop("_profile"), vals.pop("_municipality")) for vals in specs]
        persons = self.env["social.person"].with_context(**self.QUIET).create(specs)
        for person, (profile, municipality) in zip(persons, meta, strict=True):
            self.register(person, profile, municipality)
        return persons

    def register(self, person, profile, municipality):
        home = municipality if municipality in self.desks else "pioltello"
        self.person_info[person.id] = {
            "profile": profile,
            "home": home,
            "municipality": self.municipalities.get(municipality),
            "first": None,
        }

    # ------------------------------------------------------------
    # Planning sessions
    # ------------------------------------------------------------
