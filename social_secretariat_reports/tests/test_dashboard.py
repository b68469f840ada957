import fnmatch
import json
import os
import re
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import file_open
from odoo.tools.translate import extract_spreadsheet_terms

from odoo.addons.social_secretariat.models.social_need import USER_AREAS
from odoo.addons.spreadsheet.utils.validate_data import fields_in_spreadsheet

DASHBOARD_FILE = "social_secretariat_reports/data/dashboards/observatory_dashboard.json"
DASHBOARD_XMLID = "social_secretariat_reports.spreadsheet_dashboard_observatory"
NUMERIC = ("integer", "float", "monetary")


def _load():
    with file_open(DASHBOARD_FILE) as file:
        return json.load(file)


def _observatory_charts(data):
    return [
        figure["data"]
        for sheet in data["sheets"]
        for figure in sheet["figures"]
        if figure["data"]["type"].startswith("odoo_")
    ]


class DashboardUsers:
    @classmethod
    def _dashboard_users(cls):
        # the demo's coordinator, and an observatory and an operator of her Ambiti
        cls.coordinator = cls.env["res.users"].search([("login", "=", "coordinatrice")])
        companies = {
            "company_id": cls.coordinator.company_id.id,
            "company_ids": [Command.set(cls.coordinator.company_ids.ids)],
        }
        cls.observatory = new_test_user(
            cls.env,
            "dash_observatory",
            groups="social_secretariat_reports.group_social_observatory",
            **companies,
        )
        cls.operator = new_test_user(
            cls.env,
            "dash_operator",
            groups="social_secretariat.group_social_operator",
            **companies,
        )


@tagged("post_install", "-at_install")
class TestDashboardData(DashboardUsers, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dashboard_users()
        cls.data = _load()
        cls.dashboard = cls.env.ref(DASHBOARD_XMLID)

    def _field(self, model, chain):
        """The last field of a dotted chain on `model`, each step checked to exist."""
        field = None
        for name in chain.split("."):
            self.assertIn(name, self.env[model]._fields, f"{model}.{name} (in {chain})")
            field = self.env[model]._fields[name]
            model = field.comodel_name or model
        return field

    def _assert_measure(self, model, name, aggregator=None):
        if name == "__count":
            return
        field = self._field(model, name)
        self.assertIn(field.type, NUMERIC, f"{model}.{name} is not a number")
        self.assertTrue(
            aggregator or field.aggregator, f"{model}.{name} has no aggregator to total it"
        )

    def _assert_groupable(self, model, spec):
        name, __, granularity = spec.partition(":")
        field = self._field(model, name)
        self.assertTrue(
            field._description_groupable(self.env), f"{model}.{name} cannot be grouped by"
        )
        if granularity:
            self.assertIn(field.type, ("date", "datetime"), f"{model}.{spec}")

    def test_file_is_the_loaded_dashboard(self):
        """The record holds the shipped file, in the format of Odoo 18's own dashboards."""
        self.assertEqual(json.loads(self.dashboard.spreadsheet_data), self.data)
        self.assertEqual(self.data["version"], 21)
        self.assertEqual(self.data["odooVersion"], 12)
        self.assertEqual(self.data["revisionId"], "START_REVISION")
        self.assertEqual(self.dashboard.dashboard_group_id.name, "Social secretariat")
        self.assertTrue(self.dashboard.is_published)

    def test_titles_are_exported_for_translation(self):
        """Odoo translates a shipped dashboard's titles and labels from the addon's .po: its
        export takes them from the files under data/ named *_dashboard.json (the pattern of
        TranslationModuleReader._export_translatable_code_terms, 18.0), with its own
        extractor."""
        self.assertTrue(fnmatch.fnmatch(os.path.dirname(DASHBOARD_FILE), "*/data/*"))
        self.assertRegex(os.path.basename(DASHBOARD_FILE), r".*_dashboard(\.osheet)?\.json$")
        with file_open(DASHBOARD_FILE, "rb") as file:
            terms = {term for __, __, term, __ in extract_spreadsheet_terms(file, [], [], {})}
        for title in ("Contacts by month", "Needs by municipality", "Period", "Total"):
            self.assertIn(title, terms)

    def test_every_model_and_field_exists(self):
        """Odoo's own check (the spreadsheet mixin's, run only in test mode) finds nothing."""
        found = fields_in_spreadsheet(self.data)
        self.assertTrue(found)
        for model, chains in found.items():
            self.assertIn(model, self.env)
            for chain in chains:
                self._field(model, chain)
        self.dashboard._check_spreadsheet_data()

    def test_pivots_group_and_total_what_they_can(self):
        self.assertTrue(self.data["pivots"])
        for pivot in self.data["pivots"].values():
            model = pivot["model"]
            for dimension in pivot["rows"] + pivot["columns"]:
                spec = dimension["fieldName"]
                if dimension.get("granularity"):
                    spec += ":" + dimension["granularity"]
                self._assert_groupable(model, spec)
            self.assertTrue(pivot["measures"], pivot["name"])
            for measure in pivot["measures"]:
                self._assert_measure(model, measure["fieldName"], measure.get("aggregator"))
            sort = pivot.get("sortedColumn")
            if sort:
                # a field name: Odoo drops a sort on anything else
                self.assertIn(sort["measure"], [m["fieldName"] for m in pivot["measures"]])
            for chain in [m["chain"] for m in pivot["fieldMatching"].values()]:
                self._field(model, chain)

    def test_charts_group_and_total_what_they_can(self):
        charts = _observatory_charts(self.data)
        self.assertEqual({chart["type"] for chart in charts}, {"odoo_line", "odoo_bar", "odoo_pie"})
        for chart in charts:
            model = chart["metaData"]["resModel"]
            for spec in chart["metaData"]["groupBy"]:
                self._assert_groupable(model, spec)
            self._assert_measure(model, chart["metaData"]["measure"])
            for chain in [m["chain"] for m in chart["fieldMatching"].values()]:
                self._field(model, chain)

    def test_formulas_name_existing_pivots_and_cells(self):
        sheets = {sheet["name"]: sheet for sheet in self.data["sheets"]}
        formulas = [
            cell["content"]
            for sheet in self.data["sheets"]
            for cell in sheet["cells"].values()
            if cell.get("content", "").startswith("=")
        ]
        used = {
            pivot_id
            for formula in formulas
            for pivot_id in re.findall(r"PIVOT(?:\.VALUE|\.HEADER)?\((\d+)", formula)
        }
        self.assertEqual(used, set(self.data["pivots"]), "every pivot shown, none missing")
        for formula in formulas:
            for measure in re.findall(r'PIVOT\.VALUE\((\d+),"([^"]+)"', formula):
                pivot = self.data["pivots"][measure[0]]
                self.assertIn(measure[1], [m["id"] for m in pivot["measures"]])
        for chart in [f["data"] for f in sheets["Dashboard"]["figures"]]:
            if chart["type"] == "scorecard":
                sheet, cell = chart["keyValue"].split("!")
                self.assertIn(cell, sheets[sheet]["cells"])

    def test_map_has_every_user_area(self):
        """The map of needs names its columns: each user area of the core has one."""
        [pivot] = [p for p in self.data["pivots"].values() if p["columns"]]
        self.assertEqual(pivot["columns"], [{"fieldName": "user_area"}])
        headers = {
            cell["content"]
            for sheet in self.data["sheets"]
            for cell in sheet["cells"].values()
            if cell["content"].startswith(f'=PIVOT.HEADER({pivot["id"]},"user_area"')
        }
        self.assertEqual(
            headers,
            {f'=PIVOT.HEADER({pivot["id"]},"user_area","{key}")' for key, __ in USER_AREAS},
        )

    def test_filters_reach_every_pivot_and_chart(self):
        """Period, municipality and desk filter every figure."""
        filters = {f["id"]: f for f in self.data["globalFilters"]}
        self.assertEqual(
            sorted(f["type"] for f in filters.values()), ["date", "relation", "relation"]
        )
        self.assertEqual(
            {f.get("modelName") for f in filters.values()},
            {None, "social.municipality", "social.desk"},
        )
        for source in list(self.data["pivots"].values()) + _observatory_charts(self.data):
            self.assertEqual(set(source["fieldMatching"]), set(filters))
            for filter_id, matching in source["fieldMatching"].items():
                model = source.get("model") or source["metaData"]["resModel"]
                field = self._field(model, matching["chain"])
                if filters[filter_id]["type"] == "relation":
                    self.assertEqual(field.comodel_name, filters[filter_id]["modelName"])
                else:
                    self.assertEqual(field.type, matching["type"])

    def test_observatory_reads_every_figure(self):
        """What the dashboard asks of the server, asked as the observatory: each pivot and
        chart answers (no access error, no person in sight)."""
        for pivot in self.data["pivots"].values():
            groupby = [
                d["fieldName"] + (":" + d["granularity"] if d.get("granularity") else "")
                for d in pivot["rows"] + pivot["columns"]
            ]
            aggregates = [
                m["fieldName"] + ":" + (m.get("aggregator") or "sum") for m in pivot["measures"]
            ]
            model = self.env[pivot["model"]].with_user(self.observatory)
            model.read_group(pivot["domain"], aggregates, groupby, lazy=False)
        for chart in _observatory_charts(self.data):
            model = self.env[chart["metaData"]["resModel"]].with_user(self.observatory)
            measure = chart["metaData"]["measure"]
            model.read_group(
                chart["searchParams"]["domain"],
                [f"{measure}:{model._fields[measure].aggregator}"],
                chart["metaData"]["groupBy"],
                lazy=False,
            )

    def test_who_sees_the_dashboard(self):
        """The coordinator and the observatory; an operator not (the group neither)."""
        Dashboard = self.env["spreadsheet.dashboard"]
        for user in (self.coordinator, self.observatory):
            self.assertIn(self.dashboard, Dashboard.with_user(user).search([]))
            snapshot = self.dashboard.with_user(user).get_readonly_dashboard()["snapshot"]
            self.assertEqual(snapshot["pivots"], self.data["pivots"])
        ours = Dashboard.search([("dashboard_group_id", "=", self.dashboard.dashboard_group_id.id)])
        self.assertFalse(Dashboard.with_user(self.operator).search([("id", "in", ours.ids)]))
        groups = self.env["spreadsheet.dashboard.group"].with_user(self.operator)
        group = groups.search([("id", "=", self.dashboard.dashboard_group_id.id)])
        # the loader lists groups by their published dashboards the user can read
        self.assertFalse(group.published_dashboard_ids)


@tagged("post_install", "-at_install")
class TestDashboardUI(DashboardUsers, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dashboard_users()

    def _expected(self, user):
        """The scorecards' figures for this year, as the server computes them for `user`."""
        year = date.today().year
        period = [("month", ">=", f"{year}-01-01"), ("month", "<=", f"{year}-12-31")]
        desks = self.env["social.report.desk"].with_user(user)
        [[contacts]] = desks._read_group(period, aggregates=["contacts:sum"])
        referrals = self.env["social.report.referral"].with_user(user)
        [[sent]] = referrals._read_group(
            [("sent_date", ">=", f"{year}-01-01"), ("sent_date", "<", f"{year + 1}-01-01")],
            aggregates=["referral_count:sum"],
        )
        persons = self.env["social.report.person"].with_user(user)
        [[seen]] = persons._read_group(
            [("date", ">=", f"{year}-01-01"), ("date", "<=", f"{year}-12-31")],
            aggregates=["persons:sum"],
        )
        return {"B1": contacts, "B2": sent, "B6": seen}

    def _open_dashboard(self, user):
        """Open the Observatory's dashboard menu in Chromium and check, in the spreadsheet
        model, that the scorecards show the server's figures, the tables are filled and no
        cell is in error."""
        expected = self._expected(user)
        code = """
            const expected = %(expected)s;
            const waitFor = async (check, what) => {
                for (let i = 0; i < 240; i++) {
                    const found = check();
                    if (found) {
                        return found;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 250));
                }
                throw new Error("dashboard test: timed out waiting for " + what);
            };
            const findAction = (node) => {
                if (node.component && node.component.loader && node.component.state
                        && "activeDashboard" in node.component.state) {
                    return node.component;
                }
                for (const child of Object.values(node.children || {})) {
                    const found = findAction(child);
                    if (found) {
                        return found;
                    }
                }
            };
            (async () => {
                const action = await waitFor(
                    () => findAction(odoo.__WOWL_DEBUG__.root.__owl__), "the dashboard action");
                const dashboard = await waitFor(
                    () => action.state.activeDashboard?.status === "Loaded"
                        && action.state.activeDashboard, "the dashboard");
                const getters = dashboard.model.getters;
                const [dashboardSheet, dataSheet] = getters.getSheetIds();
                const cellsOf = (sheetId) => Object.values(getters.getEvaluatedCells(sheetId));
                const loading = (cell) => cell.value === "Loading..."
                    || (cell.type === "error" && /Loading/.test(cell.message || ""));
                await waitFor(
                    () => [dashboardSheet, dataSheet].every(
                        (sheetId) => !cellsOf(sheetId).some(loading)), "the figures");
                for (const sheetId of [dashboardSheet, dataSheet]) {
                    const errors = cellsOf(sheetId).filter((cell) => cell.type === "error");
                    if (errors.length) {
                        throw new Error("dashboard test: cells in error: "
                            + JSON.stringify(errors.map((c) => [c.value, c.message])));
                    }
                }
                for (const [xc, value] of Object.entries(expected)) {
                    const row = Number(xc.slice(1)) - 1;
                    const shown = getters.getEvaluatedCell({sheetId: dataSheet, col: 1, row}).value;
                    if ((shown || 0) !== value) {
                        throw new Error(`dashboard test: ${xc} shows ${shown}, expected ${value}`);
                    }
                }
                const figures = getters.getFigures(dashboardSheet);
                if (figures.length < 8 || document.querySelectorAll(".o-figure").length < 8) {
                    throw new Error("dashboard test: figures missing");
                }
                const numbers = cellsOf(dashboardSheet).filter(
                    (cell) => cell.type === "number" && cell.value > 0);
                if (expected.B1 > 0 && !numbers.length) {
                    throw new Error("dashboard test: the tables show no figure");
                }
                console.log("test successful");
            })().catch((error) => console.error(error.message));
        """ % {"expected": json.dumps(expected)}
        self.browser_js(
            "/odoo/observatory-dashboard",
            code,
            ready="odoo.isReady",
            login=user.login,
            timeout=180,
        )
        return expected

    def test_coordinator_opens_the_dashboard(self):
        expected = self._open_dashboard(self.coordinator)
        # the demo's year of history: the figures are not all zero
        self.assertTrue(expected["B1"])

    def test_observatory_opens_the_dashboard(self):
        self._open_dashboard(self.observatory)
