from unittest.mock import patch

from odoo.api import call_kw
from odoo.tests import new_test_user, tagged

from .common import SocialCase


@tagged("post_install", "-at_install")
class TestPersonReadAudit(SocialCase):
    """Every read of a person file by staff, by any path, is in the access log: one row per
    file, user and request, all the rows of a read in one INSERT."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.others = cls.env["social.person"].create(
            [{"first_name": f"Persona{i}", "last_name": "Elenco"} for i in range(5)]
        )
        for person in cls.person | cls.others:
            cls.make_session(person=person, user=cls.operator_a)
        cls.person_b = cls.env["social.person"].create({"first_name": "Bruna", "last_name": "B"})
        cls.make_session(desk=cls.desk_b, person=cls.person_b, user=cls.operator_b)

    def setUp(self):
        super().setUp()
        # what setUpClass did is another request
        self.env.cr.precommit.data.pop("social.person.read_logged", None)
        self.Log = self.env["social.person.access.log"]
        self.before = self.Log.search([], order="id desc", limit=1).id or 0

    def new_logs(self, **where):
        domain = [("id", ">", self.before)]
        domain += [(key, "=", value) for key, value in where.items()]
        return self.Log.search(domain)

    def count_log_inserts(self, func):
        cr = self.env.cr
        inserts = []
        execute = cr.execute

        def spy(query, params=None, log_exceptions=True):
            if "INSERT INTO" in str(query) and "social_person_access_log" in str(query):
                inserts.append(query)
            return execute(query, params, log_exceptions)

        with patch.object(cr, "execute", spy):
            func()
            self.env.flush_all()
        return len(inserts)

    def test_rpc_read_and_search_read_are_logged(self):
        Person = self.env["social.person"].with_user(self.operator_a)
        Person.browse(self.person.id).read(["phone"])
        logs = self.new_logs(event="read")
        self.assertEqual(logs.person_id, self.person)
        self.assertEqual(logs.user_id, self.operator_a)
        # a list: one row per person shown, all in one INSERT
        people = self.person | self.others
        inserts = self.count_log_inserts(
            lambda: Person.search_read([("id", "in", people.ids)], ["name", "fiscal_code"])
        )
        self.assertEqual(inserts, 1)
        self.assertEqual(self.new_logs(event="list").person_id, people)
        self.assertEqual(len(self.new_logs(event="list")), len(people))

    def test_rpc_calls_keep_their_meaning(self):
        # the overrides that mark the reads as writing (the log) stay model methods over RPC
        Person = self.env["social.person"].with_user(self.operator_a)
        found = call_kw(
            Person, "search_read", [[("id", "=", self.person.id)]], {"fields": ["name"]}
        )
        self.assertEqual([values["id"] for values in found], [self.person.id])
        found = call_kw(
            Person, "web_search_read", [[("id", "=", self.person.id)], {"name": {}}], {}
        )
        self.assertEqual([values["id"] for values in found["records"]], [self.person.id])
        read = call_kw(Person, "read", [[self.person.id], ["name"]], {})
        self.assertEqual(read[0]["name"], "Mario Rossi")
        self.assertEqual(self.new_logs(event="read").person_id, self.person)

    def test_one_row_per_file_and_request(self):
        person = self.person.with_user(self.worker)
        person.read(["name", "phone"])
        person.web_read({"name": {}, "fiscal_code": {}})
        person.read(["household_notes"])
        self.assertEqual(len(self.new_logs(person_id=self.person.id, event="read")), 1)
        self.assertEqual(
            self.count_log_inserts(lambda: person.read(["mobile"])), 0, "already logged"
        )
        # the next request (transaction) logs again
        self.env.cr.precommit.data.pop("social.person.read_logged", None)
        person.read(["name"])
        self.assertEqual(len(self.new_logs(person_id=self.person.id, event="read")), 2)

    def test_web_client_paths_are_logged(self):
        Person = self.env["social.person"].with_user(self.operator_a)
        Person.web_search_read([("id", "in", self.others.ids)], {"name": {}, "phone": {}})
        self.assertEqual(self.new_logs(event="list").person_id, self.others)
        Person.browse(self.person.id).web_read({"name": {}, "timeline_html": {}})
        self.assertEqual(self.new_logs(event="read").person_id, self.person)

    def test_export_and_report_are_logged(self):
        Person = self.env["social.person"].with_user(self.worker)
        Person.browse(self.person_b.id).export_data(["name", "fiscal_code"])
        export = self.new_logs(event="export")
        self.assertEqual(export.person_id, self.person_b)
        self.assertEqual(export.details, "name, fiscal_code")
        self.env["ir.ui.view"].create(
            {
                "name": "Scheda persona (test)",
                "type": "qweb",
                "key": "social_secretariat.test_person_sheet",
                "arch": '<t t-name="social_secretariat.test_person_sheet">'
                '<t t-foreach="docs" t-as="o"><p t-out="o.name"/></t></t>',
            }
        )
        report = self.env["ir.actions.report"].create(
            {
                "name": "Scheda persona (test)",
                "model": "social.person",
                "report_type": "qweb-html",
                "report_name": "social_secretariat.test_person_sheet",
            }
        )
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.worker)
            ._render_qweb_html(report.id, (self.person | self.person_b).ids)
        )
        self.assertIn(b"Bruna B", html)
        printed = self.new_logs(event="report")
        self.assertEqual(printed.person_id, self.person | self.person_b)
        self.assertEqual(set(printed.mapped("details")), {"Scheda persona (test)"})

    def test_names_shown_by_other_records_and_internal_code_are_not_logged(self):
        # a list of sessions shows the persons' names (computed by the ORM): not a file read
        sessions = self.env["social.listening.session"].with_user(self.operator_a)
        sessions.search_read([], ["name", "person_id", "date"])
        sessions.web_search_read([], {"person_id": {"fields": {"display_name": {}}}})
        # the display name alone is what any linking field shows
        self.env["social.person"].with_user(self.operator_a).browse(self.person.id).read(
            ["display_name"]
        )
        # superuser code and the citizens reading their own file are not staff reads
        self.person.sudo().read(["name", "phone"])
        citizen = new_test_user(self.env, "citizen_audit", groups="base.group_portal")
        self.person.with_user(citizen)._log_file_read("read")
        self.assertFalse(self.new_logs())

    def test_operator_reads_only_what_the_rules_let_through(self):
        # the rows logged are the files actually read: the other desk's file is not listed
        self.env["social.person"].with_user(self.operator_a).search_read([], ["name"])
        listed = self.new_logs(event="list").person_id
        self.assertIn(self.person, listed)
        self.assertNotIn(self.person_b, listed)
