from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.social_secretariat.tests.common import SocialCase

YEAR = [("date", ">=", "2019-01-01"), ("date", "<=", "2019-12-31")]


@tagged("post_install", "-at_install")
class TestReportPerson(SocialCase):
    """Known totals on a small data set of 2019 (before any demo history), and what the
    observatory can read of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Report = cls.env["social.report.person"]
        cls.observatory = new_test_user(
            cls.env,
            "obs_persons",
            groups="social_secretariat_reports.group_social_observatory,base.group_allow_export",
        )
        cls.lucia = cls.env["social.person"].create(
            {
                "first_name": "Lucia",
                "last_name": "Bianchi",
                "birth_date": "1990-06-01",
                "gender": "female",
                "residence_municipality_id": cls.segrate.id,
            }
        )
        # Mario (residing in Pioltello): twice in March at two desks, once in April
        for desk, when in (
            (cls.desk_a, datetime(2019, 3, 4, 9)),
            (cls.desk_b, datetime(2019, 3, 20, 9)),
            (cls.desk_a, datetime(2019, 4, 8, 9)),
        ):
            cls.make_session(person=cls.person, desk=desk, date=when)
        # Lucia: in April only; an anonymous contact in April: no person to count
        cls.make_session(person=cls.lucia, desk=cls.desk_b, date=datetime(2019, 4, 15, 9))
        cls.make_session(desk=cls.desk_b, date=datetime(2019, 4, 15, 10), anon_gender="male")
        cls.env["social.municipality.population"].create(
            [
                {
                    "municipality_id": cls.pioltello.id,
                    "reference_date": "2019-01-01",
                    "residents": 4000,
                },
                {
                    "municipality_id": cls.segrate.id,
                    "reference_date": "2019-01-01",
                    "residents": 2000,
                },
            ]
        )

    def figures(self, groupby, measures=("persons", "new_persons", "returning_persons"), user=None):
        """{group values: measures}, months as their first day, records as ids."""
        Report = self.Report.with_user(user or self.coordinator)
        domain = YEAR + [("desk_id", "in", (self.desk_a | self.desk_b).ids)]
        aggregates = [f"{measure}:sum" for measure in measures]
        return {
            tuple(getattr(value, "id", value) for value in row[: len(groupby)]): row[len(groupby) :]
            for row in Report._read_group(domain, groupby, aggregates)
        }

    def test_known_totals(self):
        # the year: two persons, both new in it
        self.assertEqual(self.figures([]), {(): (2, 2, 0)})
        # by month: Mario new in March, returning in April; Lucia new in April
        self.assertEqual(
            self.figures(["date:month"]),
            {(date(2019, 3, 1),): (1, 1, 0), (date(2019, 4, 1),): (2, 1, 1)},
        )
        # by desk: Mario at both, Lucia at desk B
        self.assertEqual(
            self.figures(["desk_id"], ("persons",)),
            {(self.desk_a.id,): (1,), (self.desk_b.id,): (2,)},
        )
        march = self.Report.with_user(self.coordinator).read_group(
            [("date", "=", "2019-03-01")], ["persons", "sessions"], [], lazy=False
        )
        self.assertEqual((march[0]["persons"], march[0]["sessions"]), (1, 2))
        # by profile: the file's
        self.assertEqual(
            self.figures(["gender"], ("persons",)), {("male",): (1,), ("female",): (1,)}
        )
        # Mario 38-39 (born 1980), Lucia 28 (born 1990)
        self.assertEqual(
            self.figures(["age_band"], ("persons",)), {("30_44",): (1,), ("18_29",): (1,)}
        )

    def test_an_earlier_session_moves_new(self):
        self.make_session(person=self.person, desk=self.desk_b, date=datetime(2019, 2, 25, 9))
        self.assertEqual(
            self.figures(["date:month"]),
            {
                (date(2019, 2, 1),): (1, 1, 0),
                (date(2019, 3, 1),): (1, 0, 1),
                (date(2019, 4, 1),): (2, 1, 1),
            },
        )
        # seen before the year: returning all the year
        self.make_session(person=self.person, date=datetime(2018, 12, 3, 9))
        self.assertEqual(self.figures([]), {(): (2, 1, 1)})

    def test_by_municipality_and_month_without_distinct(self):
        # Mario at a second desk of Pioltello in March: one person there in the month
        desk_c = self.env["social.desk"].create(
            {
                "name": "Sportello Pioltello 2 (test)",
                "municipality_id": self.pioltello.id,
                "resource_calendar_id": self.calendar.id,
                "operator_ids": [Command.set(self.operator_a.ids)],
            }
        )
        self.make_session(person=self.person, desk=desk_c, date=datetime(2019, 3, 25, 9))
        Report = self.Report.with_user(self.observatory)
        groupby = ["municipality_id", "date:month"]
        aggregates = ["persons:sum", "new_persons:sum", "returning_persons:sum", "__count"]
        self.assertEqual(Report._flag_for(YEAR, groupby), "first_in_municipality")
        fast = Report._read_group(YEAR, groupby, aggregates)
        # a condition on the profile that all rows meet: the COUNT(DISTINCT ...) path
        slow_domain = YEAR + [("age_band", "!=", "no such band")]
        self.assertIsNone(Report._flag_for(slow_domain, groupby))
        self.assertEqual(Report._read_group(slow_domain, groupby, aggregates), fast)
        # with the contacts too: the flags on the person rows, not the municipality table
        with_sessions = aggregates + ["sessions:sum"]
        self.assertEqual(
            [row[:-1] for row in Report._read_group(YEAR, groupby, with_sessions)], fast
        )
        figures = {(row[0].id, row[1]): row[2:] for row in fast}
        self.assertEqual(
            figures,
            {
                (self.pioltello.id, date(2019, 3, 1)): (1, 1, 0, 2),
                (self.segrate.id, date(2019, 3, 1)): (1, 1, 0, 1),
                (self.pioltello.id, date(2019, 4, 1)): (1, 0, 1, 1),
                (self.segrate.id, date(2019, 4, 1)): (1, 1, 0, 1),
            },
        )
        # by month and new or returning: the other flag, the same figures
        groupby = ["date:month", "visitor"]
        self.assertEqual(Report._flag_for(YEAR, groupby), "first_in_month")
        by_month = Report._read_group(YEAR, groupby, aggregates)
        self.assertEqual(Report._read_group(slow_domain, groupby, aggregates), by_month)
        self.assertEqual(
            [row[:2] + row[2:5] for row in by_month],
            [
                (date(2019, 3, 1), "new", 1, 1, 0),
                (date(2019, 4, 1), "new", 1, 1, 0),
                (date(2019, 4, 1), "returning", 1, 0, 1),
            ],
        )
        # what the flags cannot answer
        for domain, spec in (
            (YEAR + [("desk_id", "=", desk_c.id)], ["municipality_id", "date:month"]),
            (YEAR + [("municipality_id", "=", self.pioltello.id)], ["date:month"]),
            (YEAR, ["municipality_id", "date:year"]),
            (YEAR, ["municipality_id"]),
            (YEAR, ["municipality_id", "date:month", "gender"]),
            (YEAR, ["date:month", "desk_id"]),
        ):
            self.assertIsNone(Report._flag_for(domain, spec))
        # over every Ambito (the superuser) only with the Ambito as a group
        self.assertIsNone(self.Report._flag_for(YEAR, ["date:month"]))
        self.assertEqual(
            self.Report._flag_for(YEAR, ["date:month", "company_id"]), "first_in_month"
        )

    def test_persons_per_thousand_residents(self):
        rates = self.figures(["residence_municipality_id"], ("persons", "persons_per_thousand"))
        # Mario of Pioltello (4,000 residents), Lucia of Segrate (2,000)
        self.assertEqual(rates, {(self.pioltello.id,): (1, 0.25), (self.segrate.id,): (1, 0.5)})
        # by the desk's municipality and month: the figure of the month
        by_desk = self.figures(
            ["municipality_id", "date:month"], ("persons", "persons_per_thousand")
        )
        self.assertEqual(by_desk[self.segrate.id, date(2019, 4, 1)], (1, 0.5))
        # no municipality, no rate; a municipality without population, no rate
        self.assertFalse(self.figures([], ("persons_per_thousand",))[()][0])
        self.env["social.municipality.population"].search(
            [("municipality_id", "=", self.segrate.id)]
        ).unlink()
        self.assertFalse(
            self.figures(["residence_municipality_id"], ("persons_per_thousand",))[
                (self.segrate.id,)
            ][0]
        )

    def test_observatory_reads_counts_only(self):
        Report = self.Report.with_user(self.observatory)
        self.assertEqual(self.figures([], user=self.observatory), {(): (2, 2, 0)})
        self.assertNotIn("person_key", Report.fields_get())
        rows = Report.search(YEAR)
        self.assertTrue(rows)
        for attempt in (
            lambda: rows.read(["date", "gender"]),
            lambda: Report.search_read(YEAR, ["gender"]),
            lambda: Report.web_search_read(YEAR, {"gender": {}}),
            lambda: rows.export_data(["gender"]),
            lambda: Report.read_group(YEAR, ["persons"], ["id"]),
        ):
            with self.assertRaises(AccessError):
                attempt()
        with self.assertRaises(ValueError):
            Report._read_group(YEAR, [], ["person_key:max"])
        with self.assertRaises(ValueError):
            Report.search([("person_key", "=", self.person.id)])
        # a row's id says nothing of the person: the ids of the groups' rows are not persons'
        groups = Report.read_group(YEAR, ["persons"], ["desk_id"], lazy=False)
        self.assertTrue(
            all(set(group) <= {"desk_id", "persons", "__count", "__domain"} for group in groups)
        )
        # operators see nothing; the coordinator counts too
        with self.assertRaises(AccessError):
            self.Report.with_user(self.operator_a).read_group(YEAR, ["persons"], [])
        self.assertTrue(self.Report.with_user(self.coordinator).read_group(YEAR, ["persons"], []))

    def test_bench_function(self):
        timings = self.Report.with_user(self.coordinator)._bench(date.today().year)
        self.assertEqual(set(timings), {"persons_by_municipality_month", "new_returning_by_month"})


@tagged("post_install", "-at_install")
class TestReportPersonRpc(HttpCase):
    def test_json_rpc(self):
        """Over JSON-RPC as the real observatory user: counts, never the rows (the person
        key, no field, is refused with a ValueError: tested with with_user above, which does
        not log the server's error)."""
        new_test_user(
            self.env, "obs_rpc_p", groups="social_secretariat_reports.group_social_observatory"
        )
        self.authenticate("obs_rpc_p", "obs_rpc_p")

        def call(method, args, kwargs=None):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/social.report.person/{method}",
                {"model": "social.report.person", "method": method, "args": args,
                 "kwargs": kwargs or {}},
            )  # fmt: skip

        groups = call(
            "read_group",
            [[], ["persons", "new_persons"], ["municipality_id", "date:month"]],
            {"lazy": False},
        )
        expected = self.env["social.report.person"].read_group(
            [], ["persons", "new_persons"], ["municipality_id", "date:month"], lazy=False
        )
        self.assertEqual(
            [(g["persons"], g["new_persons"]) for g in groups],
            [(g["persons"], g["new_persons"]) for g in expected],
        )
        self.assertTrue(groups)
        for method, args, kwargs in (
            ("web_search_read", [[]], {"specification": {"gender": {}, "age_band": {}}}),
            ("search_read", [[], ["gender"]], {}),
            ("read_group", [[], ["persons"], ["id"]], {}),
        ):
            with self.assertRaises(JsonRpcException, msg=method):
                call(method, args, kwargs)
