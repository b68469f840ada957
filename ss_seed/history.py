"""A year of activity of the demo Ambito, with the ORM: persons, listening sessions,
consents and referrals in every state, created through the models' own methods and
actions, then dated back over the last twelve months. Deterministic for a given seed.

Not part of the addon: `scripts/run.sh` runs it once after the first installation (and
`scripts/test.sh` on the test database), through `python -m ss_seed history`. It needs the
addon's demo records (users, desks, services); the stories of the story persons are demo
records of the addon (demo/social_story_demo.xml), around which this draws the volume."""

import random
from datetime import datetime, time, timedelta

import pytz

from odoo import fields

from . import facilitation
from .names import phone_number, real_fiscal_code
from .persons import PersonsMixin
from .planning import PlanningMixin
from .records import RecordsMixin

ROME = pytz.timezone("Europe/Rome")
XMLID = "social_secretariat.%s"
MARKER = "ss_seed.demo_history"  # ir.config_parameter: when the history was generated


def generate(env, persons=60, sessions=300, referrals=40, seed=42):
    """Create `persons` persons, `sessions` listening sessions and `referrals` referrals (in
    every state) spread over the last twelve months, as the superuser. Runs once: returns
    False without doing anything when it ran before, when the demo data is not installed,
    or when the demo Ambito already has sessions besides the demo stories'."""
    # sudo (here and below): a generator run by the developer on their own database
    params = env["ir.config_parameter"].sudo()
    company = env.ref("base.main_company")
    if params.get_param(MARKER) or not env.ref(
        XMLID % "desk_pioltello_demo", raise_if_not_found=False
    ):
        return False
    # the demo stories (demo/social_story_demo.xml) are part of the history's volume
    story_data = (
        env["ir.model.data"]
        .sudo()  # sudo: a generator script, not a user
        .search(
            [
                ("module", "=", "social_secretariat"),
                ("model", "in", ("social.listening.session", "social.referral")),
            ]
        )
    )
    stories = story_data.filtered(lambda d: d.model == "social.listening.session").mapped("res_id")
    story_referrals = len(story_data) - len(stories)
    if (
        env["social.listening.session"]
        .sudo()  # sudo: a generator script, not a user
        .search_count([("company_id", "=", company.id), ("id", "not in", stories)], limit=1)
    ):
        params.set_param(MARKER, "already had sessions")  # a history of its own: keep it
        return False
    env = env["res.company"].sudo().with_company(company).env  # sudo: a generator script
    gen = HistoryGenerator(env, random.Random(seed), company)
    gen.run(persons, max(sessions - len(stories), 0), max(referrals - story_referrals, 0))
    if "social.digital.assistance" in env:  # the network addon is installed
        facilitation.generate(env, random.Random(seed), gen.today)
    params.set_param(MARKER, fields.Datetime.to_string(gen.now))
    return True


class HistoryGenerator(PersonsMixin, PlanningMixin, RecordsMixin):
    """Holds the state of one generation; all records are created as the superuser, with
    the demo staff as their authors."""

    QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}

    def __init__(self, env, rng, company):
        self.env = env
        self.rng = rng
        self.company = company
        self.now = fields.Datetime.now().replace(microsecond=0)
        self.today = self.now.date()
        self.ref = lambda name: env.ref(XMLID % name)
        self.users = {
            key: self.ref(f"user_{key}_demo")
            for key in ("operator", "educator", "worker", "coordinator")
        }
        self.desks = {
            key: self.ref(f"desk_{key}_demo")
            for key in ("pioltello", "segrate", "vimodrone", "rodano", "phone", "online")
        }
        self.municipalities = {
            key: self.ref(f"municipality_{key}_demo")
            for key in ("pioltello", "segrate", "vimodrone", "rodano", "cassina_de_pecchi")
        }
        self.needs = {need.code: need for need in env["social.need"].search([])}
        self.services = env["social.service"].search(
            [("company_id", "=", company.id), ("is_published", "=", True)]
        )
        self.service = lambda slug: self.ref(f"service_{slug}_demo")
        self.langs = {
            code: env.ref(f"base.lang_{code}", raise_if_not_found=False)
            for code in ("it", "en", "fr", "ar", "es", "ro", "ru", "zh_CN", "uk_UA", "sq_AL")
        }
        self.caritas = self.ref("partner_caritas_demo")
        self.slots = {
            key: [
                (int(a.dayofweek), a.hour_from, a.hour_to)
                for a in desk.resource_calendar_id.attendance_ids
            ]
            for key, desk in self.desks.items()
        }
        self.used_codes = set()
        self.person_info = {}  # person id -> dict(profile, home desk, age, municipality key)
        self.session_specs = []
        self.referral_specs = []
        self.consents = {}  # (person id, purpose) -> consent

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def pick(self, weighted):
        items, weights = zip(*weighted, strict=True)
        return self.rng.choices(items, weights=weights)[0]

    def to_utc(self, local_dt):
        return ROME.localize(local_dt).astimezone(pytz.utc).replace(tzinfo=None)

    def slot(self, desk_key, max_ago, min_ago=0):
        """A moment in the opening hours of the desk between max_ago and min_ago days ago."""
        rng = self.rng
        local_today = pytz.utc.localize(self.now).astimezone(ROME).date()
        lo, hi = sorted((min_ago, max_ago))
        for _attempt in range(60):
            day = local_today - timedelta(days=rng.randint(lo, hi))
            if (day.month == 8 and 8 <= day.day <= 21) or (day.month, day.day) in (
                (12, 25),
                (12, 26),
                (1, 1),
            ):
                continue  # summer closure and holidays
            hours = [s for s in self.slots[desk_key] if s[0] == day.weekday()]
            if not hours:
                continue
            _dow, start, end = rng.choice(hours)
            start_h = start + rng.random() * max(end - start - 0.5, 0)
            minutes = int(start_h * 60) // 5 * 5
            moment = self.to_utc(datetime.combine(day, time()) + timedelta(minutes=minutes))
            if moment <= self.now - timedelta(minutes=15):
                return moment
            hi = max(hi, lo + 7)  # today's slot not reached yet: widen the window
        return self.now - timedelta(days=lo, hours=2)

    def phone_number(self, mobile=True):
        return phone_number(self.rng, mobile)

    def birth_date(self, age):
        day = self.today - timedelta(days=int(age * 365.25) + self.rng.randint(0, 360))
        if 1900 <= day.year <= 1926:  # two-digit years of a codice fiscale: keep them unambiguous
            day = day.replace(year=1927)
        return day

    def fiscal_code(self, last, first, gender, birth, place):
        code = real_fiscal_code(last, first, gender == "female", birth, place)
        if not code or code in self.used_codes:
            return False
        self.used_codes.add(code)
        return code

    # ------------------------------------------------------------
    # Run
    # ------------------------------------------------------------

    def run(self, n_persons, n_sessions, n_referrals):
        stories = self.story_persons()
        others = self.create_random_persons(max(n_persons - stories, 0))
        self.plan_referral_sessions(others, n_referrals)
        anonymous = sum(1 for spec in self.session_specs if not spec["vals"]["person_id"])
        self.plan_random_sessions(
            others, n_sessions - len(self.session_specs), round(n_sessions * 0.15) - anonymous
        )
        self.create_sessions()
        self.create_consents()
        self.create_referrals()
        self.finish()
