from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.social_secretariat.tests.common import SocialCase

YEAR_2024 = [("date", ">=", "2024-01-01"), ("date", "<=", "2024-12-31")]


class ContactData(SocialCase):
    """2024 at the test desks (Rome time): a person twice on 5 February at the Pioltello desk
    and once at the Segrate one, an anonymous session, a cancelled one, another person in
    March at Segrate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.observatory = new_test_user(
            cls.env, "obs_contact", groups="social_secretariat_reports.group_social_observatory"
        )
        Person = cls.env["social.person"]
        cls.person_2 = Person.create({"first_name": "Lucia", "last_name": "Verdi"})
        session = cls.make_session
        session(person=cls.person, date=datetime(2024, 2, 5, 9), channel="phone")
        session(person=cls.person, date=datetime(2024, 2, 5, 14), interlocutor_relation="family")
        session(date=datetime(2024, 2, 20, 10), sent_by="health", anon_gender="female")
        session(date=datetime(2024, 3, 1, 9)).action_cancel()
        session(person=cls.person, desk=cls.desk_b, date=datetime(2024, 2, 5, 15))
        session(person=cls.person_2, desk=cls.desk_b, date=datetime(2024, 3, 10, 11))
        cls.desks = [("desk_id", "in", (cls.desk_a | cls.desk_b).ids)]
        Population = cls.env["social.municipality.population"]
        for reference, residents in (("2023-01-01", 19000), ("2024-01-01", 20000)):
            Population.create(
                {"municipality_id": cls.segrate.id, "reference_date": reference,
                 "residents": residents}
            )  # fmt: skip
        Population.create(
            {"municipality_id": cls.segrate.id, "reference_date": "2024-03-01", "residents": 25000}
        )


@tagged("post_install", "-at_install")
class TestReportContact(ContactData):
    def groups(self, groupby, aggregates=("sessions:sum", "contacts:sum"), user=None, domain=()):
        Report = self.env["social.report.contact"].with_user(user or self.observatory)
        return Report._read_group(YEAR_2024 + self.desks + list(domain), groupby, aggregates)

    def test_known_totals(self):
        self.assertEqual(
            self.groups(["municipality_id"]), [(self.pioltello, 3, 2), (self.segrate, 2, 2)]
        )
        self.assertEqual(
            self.groups(["desk_id", "date:month"]),
            [
                (self.desk_a, date(2024, 2, 1), 3, 2),
                (self.desk_b, date(2024, 2, 1), 1, 1),
                (self.desk_b, date(2024, 3, 1), 1, 1),
            ],
        )
        # the contact of the person on 5 February goes with their first session (the phone
        # call, the person themselves): the family member's visit later is a session only
        self.assertEqual(self.groups(["relation"]), [("family", 1, 0), ("person", 4, 4)])
        self.assertEqual(self.groups(["sent_by"]), [("health", 1, 1), (False, 4, 3)])
        self.assertEqual(self.groups(["channel"]), [("in_person", 4, 3), ("phone", 1, 1)])
        self.assertEqual(
            dict(self.groups(["gender"], ["contacts:sum"])),
            {"female": 1, "male": 2, "unknown": 1},
        )

    def test_labels_are_the_sessions(self):
        Report = self.env["social.report.contact"].with_context(lang="en_US")
        relation = dict(Report._fields["relation"]._description_selection(Report.env))
        session = self.env["social.listening.session"]._fields
        for value, label in session["interlocutor_relation"]._description_selection(Report.env):
            self.assertEqual(relation[value], label)
        self.assertEqual(relation["person"], "The person")
        self.assertEqual(
            Report._fields["sent_by"]._description_selection(Report.env),
            session["sent_by"]._description_selection(Report.env),
        )

    def test_the_monthly_table_answers_the_same(self):
        Report = self.env["social.report.contact"]
        groupby = ["municipality_id", "date:month"]
        aggregates = ["sessions:sum", "contacts:sum", "__count"]
        self.assertTrue(Report._month_grain_fits(YEAR_2024, groupby, aggregates, [], None))
        by_month = Report._read_group(YEAR_2024, groupby, aggregates)
        daily_domain = YEAR_2024 + [("gender", "!=", "no such gender")]
        self.assertFalse(Report._month_grain_fits(daily_domain, groupby, aggregates, [], None))
        self.assertEqual(Report._read_group(daily_domain, groupby, aggregates), by_month)
        for domain, group in (
            ([("date", ">=", "2024-01-15")], groupby),
            (YEAR_2024, ["date:day"]),
            (YEAR_2024, ["relation"]),
        ):
            self.assertFalse(Report._month_grain_fits(domain, group, aggregates, [], None))

    def test_rate_per_1000_residents(self):
        rate = ["contacts:sum", "contacts_per_1000:avg"]
        # the year: the residents on 1 January; Pioltello has no figure, so no rate
        self.assertEqual(
            self.groups(["municipality_id"], rate),
            [(self.pioltello, 2, None), (self.segrate, 2, 2 * 1000 / 20000)],
        )
        # each month with the residents at its start
        self.assertEqual(
            self.groups(["municipality_id", "date:month"], ["contacts_per_1000:avg"]),
            [
                (self.pioltello, date(2024, 2, 1), None),
                (self.segrate, date(2024, 2, 1), 1000 / 20000),
                (self.segrate, date(2024, 3, 1), 1000 / 25000),
            ],
        )
        # no municipality or Ambito in the grouping: no rate
        self.assertEqual(self.groups(["desk_id"], ["contacts_per_1000:avg"])[0][1], None)
        # the pivot's public call
        groups = (
            self.env["social.report.contact"]
            .with_user(self.observatory)
            .read_group(
                YEAR_2024 + self.desks,
                ["contacts", "contacts_per_1000"],
                ["municipality_id"],
                lazy=False,
            )
        )
        self.assertEqual(
            [(group["municipality_id"][0], group["contacts_per_1000"]) for group in groups],
            [(self.pioltello.id, None), (self.segrate.id, 0.1)],
        )

    def test_rate_of_an_ambito(self):
        Report = self.env["social.report.contact"].with_user(self.observatory)
        aggregates = ["contacts:sum", "contacts_per_1000:avg"]
        # one of its municipalities without a figure: no rate for the Ambito
        [(company, contacts, rate)] = Report._read_group(
            YEAR_2024 + [("company_id", "=", self.company.id)], ["company_id"], aggregates
        )
        self.assertIsNone(rate)
        municipalities = self.env["social.municipality"].search(
            [("company_id", "=", self.company.id)]
        )
        Population = self.env["social.municipality.population"]
        for municipality in municipalities:
            if not municipality.population_ids:
                Population.create(
                    {"municipality_id": municipality.id, "reference_date": "2024-01-01",
                     "residents": 1000}
                )  # fmt: skip
        residents = sum(Population._residents_at(municipalities, date(2024, 1, 1)).values())
        [(company, contacts, rate)] = Report._read_group(
            YEAR_2024 + [("company_id", "=", self.company.id)], ["company_id"], aggregates
        )
        self.assertEqual(company, self.company)
        self.assertAlmostEqual(rate, contacts * 1000 / residents)
        # a choice of desks is not the Ambito's population
        [(company, contacts, rate)] = Report._read_group(
            YEAR_2024 + self.desks, ["company_id"], aggregates
        )
        self.assertIsNone(rate)

    def test_access(self):
        Report = self.env["social.report.contact"]
        self.assertTrue(self.groups(["municipality_id"], user=self.coordinator))
        rows = Report.with_user(self.observatory).search_read(self.desks, [])
        self.assertEqual(len(rows), 5)
        self.assertFalse({"person_id", "session_id"} & set(rows[0]))
        with self.assertRaises(AccessError):
            Report.with_user(self.operator_a).read_group([], ["contacts"], ["municipality_id"])
        menu = self.env.ref("social_secretariat_reports.social_report_contact_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertNotIn(menu.id, Menu.with_user(self.operator_a)._visible_menu_ids())
        self.assertIn(menu.id, Menu.with_user(self.observatory)._visible_menu_ids())


@tagged("post_install", "-at_install")
class TestReportContactRpc(HttpCase):
    def test_json_rpc(self):
        new_test_user(
            self.env, "obs_rpc", groups="social_secretariat_reports.group_social_observatory"
        )
        new_test_user(self.env, "op_rpc", groups="social_secretariat.group_social_operator")
        params = {
            "model": "social.report.contact",
            "method": "read_group",
            "args": [[], ["contacts", "contacts_per_1000"], ["municipality_id", "date:year"]],
            "kwargs": {"lazy": False},
        }
        route = "/web/dataset/call_kw/social.report.contact/read_group"
        self.authenticate("obs_rpc", "obs_rpc")
        groups = self.make_jsonrpc_request(route, params)
        expected = self.env["social.report.contact"].read_group(
            [], ["contacts", "contacts_per_1000"], ["municipality_id", "date:year"], lazy=False
        )
        self.assertEqual(
            [(g["municipality_id"], g["contacts"]) for g in groups],
            [
                (g["municipality_id"] and list(g["municipality_id"]), g["contacts"])
                for g in expected
            ],
        )
        self.assertTrue(groups)
        self.authenticate("op_rpc", "op_rpc")
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(route, params)
