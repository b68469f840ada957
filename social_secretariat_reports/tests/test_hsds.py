import base64
import csv
import io
import os
import tempfile
import zipfile

import frictionless

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.social_secretariat_reports.tools import hsds

FILES = {
    "datapackage.json",
    "organizations.csv",
    "services.csv",
    "locations.csv",
    "service_at_location.csv",
    "schedules.csv",
    "phones.csv",
    "languages.csv",
    "required_documents.csv",
    "addresses.csv",
    "taxonomies.csv",
    "taxonomy_terms.csv",
    "attributes.csv",
}


@tagged("post_install", "-at_install")
class TestHsds(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        cls.coordinator = new_test_user(
            cls.env, "hsds_coordinator", groups="social_secretariat.group_social_coordinator"
        )
        cls.observatory = new_test_user(
            cls.env,
            "hsds_observatory",
            groups="social_secretariat_reports.group_social_observatory",
        )
        cls.operator = new_test_user(
            cls.env, "hsds_operator", groups="social_secretariat.group_social_operator"
        )
        cls.services = cls.env["social.service"].search(
            [("company_id", "=", cls.company.id), ("is_published", "=", True)]
        )

    def export(self, user, company=None):
        company = company or self.company
        wizard = (
            self.env["social.hsds.export"]
            .with_user(user)
            .with_context(allowed_company_ids=[company.id])
            .create({})
        )
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertTrue(wizard.filename.endswith(".zip"))
        return base64.b64decode(wizard.data)

    def import_(self, user, content, company=None):
        company = company or self.company
        return (
            self.env["social.hsds.import"]
            .with_user(user)
            .with_context(allowed_company_ids=[company.id])
            .create({"company_id": company.id, "file": base64.b64encode(content)})
            .action_import()
        )

    @staticmethod
    def files(content):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return {name: archive.read(name).decode() for name in archive.namelist()}

    @staticmethod
    def rows(files, name):
        return list(csv.DictReader(io.StringIO(files[name])))

    @staticmethod
    def zip(files):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, text in files.items():
                archive.writestr(name, text)
        return buffer.getvalue()

    # ------------------------------------------------------------
    # Export
    # ------------------------------------------------------------

    def test_export_is_valid_hsds(self):
        """The zip passes `frictionless validate` against the specification's data package."""
        self.assertTrue(self.services, "the demo catalogue has published services")
        content = self.export(self.coordinator)
        files = self.files(content)
        self.assertLessEqual(FILES, set(files))
        self.assertEqual(files["datapackage.json"].encode(), hsds.datapackage_bytes())
        with tempfile.TemporaryDirectory() as folder:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                archive.extractall(folder)
            report = frictionless.validate(os.path.join(folder, "datapackage.json"))
        errors = report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])
        self.assertTrue(report.valid, "\n".join(map(str, errors[:30])))
        # every table of the catalogue has rows
        for name in FILES - {"datapackage.json"}:
            self.assertTrue(self.rows(files, name), f"{name} is empty")

    def test_export_published_catalogue_of_the_ambito(self):
        other = self.env["res.company"].create({"name": "Ambito HSDS other"})
        provider = self.services.provider_id[:1]
        provider.comment = "<p>Nota interna riservata</p>"
        hidden = self.env["social.service"].create(
            {"name": "Servizio non pubblicato", "company_id": self.company.id}
        )
        elsewhere = self.env["social.service"].create(
            {"name": "Servizio di un altro Ambito", "company_id": other.id, "is_published": True}
        )
        files = self.files(self.export(self.observatory))
        services = self.rows(files, "services.csv")
        self.assertEqual({row["id"] for row in services}, set(self.services.mapped("hsds_id")))
        text = "".join(files.values())
        for absent in (hidden.name, elsewhere.name, "Nota interna", hidden.hsds_id):
            self.assertNotIn(absent, text)
        # Italian as the catalogue is written
        need = self.env.ref("social_secretariat.need_eco_03")
        term = next(r for r in self.rows(files, "taxonomy_terms.csv") if r["code"] == "ECO.03")
        self.assertEqual(term["id"], need.hsds_id)
        self.assertEqual(term["name"], need.with_context(lang="it_IT").name)
        self.assertEqual(term["language"], "it")

    def test_export_ids_are_stable(self):
        first = self.files(self.export(self.coordinator))
        second = self.files(self.export(self.observatory))
        self.assertEqual(first, second)
        desk = self.env.ref("social_secretariat.desk_pioltello_demo")
        location = next(r for r in self.rows(first, "locations.csv") if r["id"] == desk.hsds_id)
        self.assertEqual(location["name"], desk.name)
        self.assertEqual(location["location_type"], "physical")

    def test_export_opening_hours(self):
        desk = self.env.ref("social_secretariat.desk_pioltello_demo")
        files = self.files(self.export(self.coordinator))
        week = sorted(
            (row["byday"], row["opens_at"], row["closes_at"])
            for row in self.rows(files, "schedules.csv")
            if row["location_id"] == desk.hsds_id
        )
        self.assertEqual(
            week,
            [
                ("FR", "09:00:00", "12:30:00"),
                ("MO", "09:00:00", "12:30:00"),
                ("TH", "09:00:00", "12:30:00"),
                ("TU", "09:00:00", "12:30:00"),
                ("WE", "09:00:00", "12:30:00"),
                ("WE", "14:00:00", "17:30:00"),
            ],
        )
        self.assertTrue(
            all(
                row["freq"] == "WEEKLY"
                for row in self.rows(files, "schedules.csv")
                if row["location_id"]
            )
        )
        address = next(
            r for r in self.rows(files, "addresses.csv") if r["location_id"] == desk.hsds_id
        )
        self.assertEqual(
            (address["address_1"], address["city"], address["country"]),
            ("Via Carlo Cattaneo 1", "Pioltello", "IT"),
        )

    # ------------------------------------------------------------
    # Import
    # ------------------------------------------------------------

    def new_ambito(self):
        """An Ambito with the municipalities of the demo one and no catalogue: its own name
        and Open Referral id (both unique among the Ambiti)."""
        company = self.env["res.company"].create(
            {
                "name": "Ambito HSDS import",
                "email": self.company.email,
                "website": self.company.website,
                "vat": self.company.vat,
                "country_id": self.company.country_id.id,
            }
        )
        for municipality in self.env["social.municipality"].search(
            [("company_id", "=", self.company.id)]
        ):
            municipality.copy({"company_id": company.id})
        self.coordinator.company_ids |= company
        return company

    def test_round_trip(self):
        """Export, import into an empty Ambito, export that one: the same files. Only the
        Ambito's own row differs, in its id and its name: each Ambito is an organization of its
        own (two organizations cannot share an id), and two companies cannot share a name."""
        first = self.export(self.coordinator)
        ambito = self.new_ambito()
        self.import_(self.coordinator, first, ambito)
        services = self.env["social.service"].search([("company_id", "=", ambito.id)])
        self.assertEqual(len(services), len(self.services))
        second = self.export(self.coordinator, ambito)

        def same_ambito(text):
            return text.replace(ambito.hsds_id, self.company.hsds_id).replace(
                ambito.name, self.company.name
            )

        expected = self.files(first)
        got = {name: same_ambito(text) for name, text in self.files(second).items()}
        self.assertEqual(set(got), set(expected))
        self.maxDiff = None
        for name in expected:
            if not name.endswith(".csv"):
                self.assertEqual(got[name], expected[name])
                continue
            # rows go by id: the Ambito's row moves with its id
            for row, other in zip(
                sorted(self.rows(got, name), key=lambda row: row["id"]),
                sorted(self.rows(expected, name), key=lambda row: row["id"]),
                strict=True,
            ):
                self.assertEqual(row, other, name)
        self.assertNotEqual(ambito.hsds_id, self.company.hsds_id)

        # a second import of the same file changes nothing
        desks = self.env["social.desk"].search([("company_id", "=", ambito.id)])
        self.import_(self.coordinator, first, ambito)
        self.assertEqual(
            self.env["social.service"].search([("company_id", "=", ambito.id)]), services
        )
        self.assertEqual(self.env["social.desk"].search([("company_id", "=", ambito.id)]), desks)
        self.assertEqual(self.files(self.export(self.coordinator, ambito)), self.files(second))

    def test_import_updates_by_id(self):
        files = self.files(self.export(self.coordinator))
        service = self.services[0]
        rows = self.rows(files, "services.csv")
        for row in rows:
            if row["id"] == service.hsds_id:
                row["name"] = "Nome aggiornato dal file"
        text = io.StringIO()
        writer = csv.DictWriter(text, list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        files["services.csv"] = text.getvalue()
        count = self.env["social.service"].search_count([])
        self.import_(self.coordinator, self.zip(files))
        self.assertEqual(service.with_context(lang="it_IT").name, "Nome aggiornato dal file")
        self.assertEqual(self.env["social.service"].search_count([]), count)

    def test_import_new_records(self):
        """What a file of another catalogue brings: a provider, a need, a desk, a service."""
        keys = ("ambito", "org", "svc", "loc", "need")
        ids = {name: hsds.derived_id("test", name) for name in keys}
        eco = self.env.ref("social_secretariat.need_eco")
        tables = {
            # the Ambito is the organization of the locations
            "organization": [
                {"id": ids["ambito"], "name": "Ambito di origine", "description": "Ambito"},
                {"id": ids["org"], "name": "Associazione Nuova", "description": "Volontari"},
            ],
            "service": [
                {
                    "id": ids["svc"],
                    "organization_id": ids["org"],
                    "name": "Sportello bollette",
                    "status": "active",
                    "fees_description": "Fee — 5 euro",
                    "minimum_age": "18",
                }
            ],
            "location": [
                {
                    "id": ids["loc"],
                    "organization_id": ids["ambito"],
                    "location_type": "virtual",
                    "name": "Linea bollette",
                }
            ],
            "service_at_location": [
                {"id": hsds.derived_id("sal"), "service_id": ids["svc"], "location_id": ids["loc"]}
            ],
            "schedule": [
                {
                    "id": hsds.derived_id("schedule"),
                    "location_id": ids["loc"],
                    "freq": "WEEKLY",
                    "byday": "MO,WE",
                    "opens_at": "10:00:00",
                    "closes_at": "12:30:00",
                }
            ],
            "taxonomy": [{"id": hsds.NEEDS_TAXONOMY_ID, "name": "Bisogni", "description": "x"}],
            "taxonomy_term": [
                {
                    "id": ids["need"],
                    "code": "ECO.HSDS",
                    "name": "Bollette arretrate",
                    "description": "Bollette non pagate",
                    "parent_id": eco.hsds_id,
                    "taxonomy_id": hsds.NEEDS_TAXONOMY_ID,
                },
                {
                    "id": eco.hsds_id,
                    "code": eco.code,
                    "name": eco.with_context(lang="it_IT").name,
                    "description": eco.with_context(lang="it_IT").description,
                    "taxonomy_id": hsds.NEEDS_TAXONOMY_ID,
                },
            ],
            "attribute": [
                {
                    "id": hsds.derived_id("attr"),
                    "link_id": ids["svc"],
                    "taxonomy_term_id": ids["need"],
                    "link_entity": "service",
                }
            ],
            "required_document": [
                {"id": hsds.derived_id("doc"), "service_id": ids["svc"], "document": "ISEE"}
            ],
        }
        files = self.files(hsds.write_package(tables))
        ambito = self.new_ambito()
        self.import_(self.coordinator, self.zip(files), ambito)
        service = self.env["social.service"].search(
            [("company_id", "=", ambito.id), ("hsds_id", "=", ids["svc"])]
        )
        self.assertEqual(service.name, "Sportello bollette")
        self.assertEqual(service.provider_id.name, "Associazione Nuova")
        self.assertEqual(service.provider_id.hsds_id, ids["org"])
        self.assertEqual((service.cost, service.cost_note), ("fee", "5 euro"))
        self.assertEqual(service.min_age, 18)
        self.assertTrue(service.is_published)
        self.assertEqual(service.document_ids.name, "ISEE")
        need = service.need_ids
        self.assertEqual((need.code, need.parent_id, need.hsds_id), ("ECO.HSDS", eco, ids["need"]))
        desk = service.desk_ids
        self.assertEqual(
            (desk.name, desk.kind, desk.company_id), ("Linea bollette", "online", ambito)
        )
        self.assertEqual(
            sorted(
                desk.resource_calendar_id.attendance_ids.mapped(
                    lambda a: (a.dayofweek, a.hour_from, a.hour_to)
                )
            ),
            [("0", 10.0, 12.5), ("2", 10.0, 12.5)],
        )

    def test_import_invalid_file_changes_nothing(self):
        count = self.env["social.service"].search_count([])
        with self.assertRaisesRegex(UserError, "zip"):
            self.import_(self.coordinator, b"not a zip")
        files = self.files(self.export(self.coordinator))
        # a service of an organization that is not in the file, and a bad id
        files["services.csv"] += (
            "not-a-uuid,7c1e0a7e-3f34-4a5b-9a55-0d3f1d1e2b3c,,Nuovo servizio,,,,,active"
            + "," * 14
            + "\r\n"
        )
        with self.assertRaises(UserError) as caught:
            self.import_(self.coordinator, self.zip(files))
        message = str(caught.exception)
        self.assertIn("services.csv", message)
        self.assertIn("not-a-uuid", message)
        self.assertEqual(self.env["social.service"].search_count([]), count)
        del files["organizations.csv"]
        with self.assertRaisesRegex(UserError, "organizations.csv"):
            self.import_(self.coordinator, self.zip(files))
        self.assertEqual(self.env["social.service"].search_count([]), count)

    def test_import_error_midway_leaves_nothing(self):
        """A fault found while writing (a need without its code, after the providers) undoes
        what the import had already written."""
        org = hsds.derived_id("test", "org")
        content = hsds.write_package(
            {
                "organization": [
                    {"id": hsds.derived_id("test", "ambito"), "name": "A", "description": "A"},
                    {"id": org, "name": "Associazione a metà", "description": "B"},
                ],
                "taxonomy": [{"id": hsds.NEEDS_TAXONOMY_ID, "name": "B", "description": "B"}],
                "taxonomy_term": [
                    {
                        "id": hsds.derived_id("test", "need"),
                        "name": "Senza codice",
                        "description": "Senza codice",
                        "taxonomy_id": hsds.NEEDS_TAXONOMY_ID,
                    }
                ],
            }
        )
        # the message names the need, in the coordinator's language
        with self.assertRaisesRegex(UserError, "Senza codice"):
            self.import_(self.coordinator, content)
        self.assertFalse(
            self.env["res.partner"].with_context(active_test=False).search([("hsds_id", "=", org)])
        )

    # ------------------------------------------------------------
    # Access
    # ------------------------------------------------------------

    def test_access(self):
        content = self.export(self.observatory)
        with self.assertRaises(AccessError):
            self.import_(self.observatory, content)
        with self.assertRaises(AccessError):
            self.export(self.operator)
        with self.assertRaises(AccessError):
            self.import_(self.operator, content)
        # not into an Ambito that is not the coordinator's
        other = self.env["res.company"].create({"name": "Ambito HSDS foreign"})
        wizard = (
            self.env["social.hsds.import"]
            .with_user(self.coordinator)
            .create({"company_id": other.id, "file": base64.b64encode(content)})
        )
        with self.assertRaises(AccessError):
            wizard.action_import()
        self.assertFalse(self.env["social.service"].search([("company_id", "=", other.id)]))


@tagged("post_install", "-at_install")
class TestHsdsRpc(HttpCase):
    def call(self, model, method, *args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": {}},
        )

    def test_json_rpc(self):
        """The observatory exports over the web client's own calls, downloads the zip, and
        imports nothing; an operator does neither."""
        new_test_user(
            self.env, "obs_hsds", groups="social_secretariat_reports.group_social_observatory"
        )
        new_test_user(self.env, "op_hsds", groups="social_secretariat.group_social_operator")
        self.authenticate("obs_hsds", "obs_hsds")
        wizard_id = self.call("social.hsds.export", "create", {})
        action = self.call("social.hsds.export", "action_export", [wizard_id])
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            self.assertIn("services.csv", archive.namelist())
            content = response.content
        with self.assertRaises(JsonRpcException):
            self.call("social.hsds.import", "create", {"file": base64.b64encode(content).decode()})
        self.authenticate("op_hsds", "op_hsds")
        with self.assertRaises(JsonRpcException):
            self.call("social.hsds.export", "create", {})
        # nor the file the observatory made
        response = self.url_open(action["url"])
        self.assertNotEqual(response.content, content)
