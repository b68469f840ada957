import datetime
import time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date, formatLang

from ..tools import svg_chart

PERIODS = [
    ("year", "Year"),
    ("half_1", "First half"),
    ("half_2", "Second half"),
    ("quarter_1", "First quarter"),
    ("quarter_2", "Second quarter"),
    ("quarter_3", "Third quarter"),
    ("quarter_4", "Fourth quarter"),
    ("custom", "Other months"),
]
# first and last month of each quick choice
PERIOD_MONTHS = {
    "year": (1, 12),
    "half_1": (1, 6),
    "half_2": (7, 12),
    "quarter_1": (1, 3),
    "quarter_2": (4, 6),
    "quarter_3": (7, 9),
    "quarter_4": (10, 12),
}
TOP_NEEDS = 10
REPORT = "social_secretariat_reports.social_report_periodic_report_action"


class SocialReportPeriodic(models.TransientModel):
    """The periodic report of the observatory: a PDF of the figures of a period and a scope.
    Every figure is read through the observatory's analyses as the user who prints (their
    Ambiti, their access): never a session or a person."""

    _name = "social.report.periodic"
    _description = "Periodic report of the observatory"

    period = fields.Selection(PERIODS, required=True, default="year")
    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year - 1,
    )
    date_from = fields.Date(
        string="From",
        compute="_compute_dates",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    date_to = fields.Date(
        string="To",
        compute="_compute_dates",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    scope = fields.Selection(
        [("ambito", "The whole Ambito"), ("municipality", "One municipality")],
        required=True,
        default="ambito",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Ambito",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    municipality_id = fields.Many2one(
        "social.municipality",
        string="Municipality",
        domain="[('company_id', '=', company_id)]",
    )

    @api.depends("period", "year")
    def _compute_dates(self):
        for wizard in self:
            if wizard.period == "custom" and wizard.date_from and wizard.date_to:
                continue
            first, last = PERIOD_MONTHS.get(wizard.period, (1, 12))
            year = wizard.year or fields.Date.context_today(self).year - 1
            wizard.date_from = datetime.date(year, first, 1)
            wizard.date_to = datetime.date(year, last, 1) + relativedelta(day=31)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period ends before it starts."))
            # the analyses count by local month: a period of whole months reads them whole
            if wizard.date_from.day != 1 or wizard.date_to != wizard.date_to + relativedelta(
                day=31
            ):
                raise ValidationError(
                    self.env._(
                        "The report covers whole months: start on the first day of a month and "
                        "end on the last day of a month."
                    )
                )

    @api.constrains("company_id")
    def _check_company(self):
        for wizard in self:
            # the analyses' rules would give an empty report; the municipalities' names and
            # residents are refused here (and the message names no Ambito)
            if wizard.company_id not in self.env.user.company_ids:
                raise ValidationError(
                    self.env._("You can print the reports of your own Ambiti only.")
                )

    @api.constrains("scope", "municipality_id", "company_id")
    def _check_municipality(self):
        for wizard in self:
            if wizard.scope != "municipality":
                continue
            if not wizard.municipality_id:
                raise ValidationError(self.env._("Choose the municipality of the report."))
            # no names in the message: the user may not read the other Ambito
            if wizard.municipality_id.company_id != wizard.company_id:
                raise ValidationError(
                    self.env._("The municipality is not in the Ambito of the report.")
                )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_print(self):
        """The PDF through a report action: the web client downloads it with the screen
        blocked and its loading messages shown until the file arrives."""
        self.ensure_one()
        action = self.env.ref(REPORT).report_action(self)
        action["close_on_report_download"] = True
        return action

    # ------------------------------------------------------------
    # The figures
    # ------------------------------------------------------------

    def _months(self):
        month, months = self.date_from, []
        while month <= self.date_to:
            months.append(month)
            month += relativedelta(months=1)
        return months

    def _scope_domain(self, municipality_field="municipality_id"):
        domain = [("company_id", "=", self.company_id.id)]
        if self.scope == "municipality":
            domain.append((municipality_field, "=", self.municipality_id.id))
        return domain

    def _utc_bounds(self):
        """The period's first and last instant in the Ambito's zone, as naive UTC."""
        zone = pytz.timezone(self.company_id.resource_calendar_id.tz or "Europe/Rome")
        start = zone.localize(datetime.datetime.combine(self.date_from, datetime.time.min))
        stop = zone.localize(
            datetime.datetime.combine(self.date_to + relativedelta(days=1), datetime.time.min)
        )
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            stop.astimezone(pytz.utc).replace(tzinfo=None),
        )

    def _labels(self, model, name):
        field = self.env[model]._fields[name]
        return dict(field._description_selection(self.env))

    def _figures(self):
        """Every figure of the report, read as the user."""
        self.ensure_one()
        figures = {"months": self._months()}
        figures.update(self._desk_figures())
        figures.update(self._need_figures())
        figures.update(self._contact_figures())
        figures.update(self._person_figures())
        figures.update(self._rate_figures(figures["by_municipality"]))
        figures.update(self._referral_figures())
        figures.update(self._unmet_figures())
        figures.update(self._network_figures())
        figures["charts"] = self._charts(figures)
        return figures

    def _desk_figures(self):
        """Sessions (each once whatever its needs) by month, municipality and desk, with the
        desks' appointments (social.report.desk), from one query by desk and month."""
        Desk = self.env["social.report.desk"]
        domain = self._scope_domain() + [
            ("month", ">=", self.date_from),
            ("month", "<=", self.date_to),
        ]
        groups = Desk._read_group(
            domain,
            ["desk_id", "month:month"],
            ["sessions:sum", "appointments:sum", "done:sum", "no_show:sum"],
        )
        trend = dict.fromkeys(self._months(), 0)
        municipalities = {}
        desks = {}
        for desk, month, contacts, appointments, done, no_show in groups:
            # month:month groups come back as the month's first day
            trend[month] = trend.get(month, 0) + contacts
            if desk.municipality_id:
                municipalities[desk.municipality_id] = (
                    municipalities.get(desk.municipality_id, 0) + contacts
                )
            row = desks.setdefault(
                desk, {"desk": desk, "contacts": 0, "appointments": 0, "done": 0, "no_show": 0}
            )
            row["contacts"] += contacts
            row["appointments"] += appointments
            row["done"] += done
            row["no_show"] += no_show
        for row in desks.values():
            row["no_show_rate"] = self._no_show_rate(row["done"], row["no_show"])
        done = sum(row["done"] for row in desks.values())
        no_show = sum(row["no_show"] for row in desks.values())
        return {
            "sessions": sum(trend.values()),
            "trend": sorted(trend.items()),
            "by_municipality": list(municipalities.items()),
            "desks": sorted(
                desks.values(),
                key=lambda row: (-row["contacts"], row["desk"].display_name or ""),
            ),
            "appointments": sum(row["appointments"] for row in desks.values()),
            "appointments_done": done,
            "no_show": no_show,
            "no_show_rate": self._no_show_rate(done, no_show),
        }

    @api.model
    def _no_show_rate(self, done, no_show):
        """No-shows out of the appointments held or missed, in percent (as the analysis)."""
        return 100.0 * no_show / (done + no_show) if done + no_show else None

    def _need_figures(self):
        """Contacts by need and area, channel and outcome (social.report.session.need: a
        session counts once under each of its needs)."""
        Need = self.env["social.report.session.need"]
        domain = self._scope_domain() + [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        # needs and their areas in one query (the monthly table), channel and outcome in
        # another (the daily one) when the contacts' analysis does not give them by session
        needs = Need._read_group(domain, ["need_id", "user_area"], ["contacts:sum"])
        by_area = {}
        for __, area, count in needs:
            by_area[area] = by_area.get(area, 0) + count
        by_need = {}
        for need, __, count in needs:
            by_need[need] = by_need.get(need, 0) + count
        needs = sorted(
            ((need, count) for need, count in by_need.items() if count),
            key=lambda item: (-item[1], item[0].display_name or ""),
        )
        by_channel, by_outcome = {}, {}
        if "social.report.contact" not in self.env:
            # else read by session from the contacts (_contact_figures)
            for channel, outcome, count in Need._read_group(
                domain, ["channel", "outcome"], ["contacts:sum"]
            ):
                by_channel[channel] = by_channel.get(channel, 0) + count
                by_outcome[outcome] = by_outcome.get(outcome, 0) + count
        areas = self._labels("social.report.session.need", "user_area")
        channels = self._labels("social.report.session.need", "channel")
        outcomes = self._labels("social.report.session.need", "outcome")
        not_set = self.env._("Not set")
        return {
            "need_pairs": sum(count for __, count in needs),
            "top_needs": [(need.display_name, count) for need, count in needs[:TOP_NEEDS]],
            "areas": self._by_selection(areas, by_area, not_set),
            "channels": self._by_selection(channels, by_channel, not_set),
            "outcomes": self._by_selection(outcomes, by_outcome, not_set),
        }

    def _contact_figures(self):
        """Contacts — the same person at the same desk on the same day once — by month and
        municipality, and who turned up, channel and outcome by session, from the contacts'
        analysis (social.report.contact) when it is installed; else the trend and the rates
        stay on sessions, channel and outcome on the contacts by need."""
        if "social.report.contact" not in self.env:
            return {"contacts": None, "relations": None}
        Contact = self.env["social.report.contact"]
        model = "social.report.contact"
        domain = self._scope_domain() + [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        trend = dict.fromkeys(self._months(), 0)
        municipalities = {}
        for municipality, month, contacts in Contact._read_group(
            domain, ["municipality_id", "date:month"], ["contacts:sum"]
        ):
            trend[month] = trend.get(month, 0) + contacts
            if municipality:
                municipalities[municipality] = municipalities.get(municipality, 0) + contacts
        by = {"channel": {}, "outcome": {}, "relation": {}}
        for channel, outcome, relation, sessions in Contact._read_group(
            domain, ["channel", "outcome", "relation"], ["sessions:sum"]
        ):
            for name, key in (("channel", channel), ("outcome", outcome), ("relation", relation)):
                by[name][key] = by[name].get(key, 0) + sessions
        not_set = self.env._("Not set")
        return {
            "contacts": sum(trend.values()),
            "trend": sorted(trend.items()),
            "by_municipality": list(municipalities.items()),
            "channels": self._by_selection(self._labels(model, "channel"), by["channel"], not_set),
            "outcomes": self._by_selection(self._labels(model, "outcome"), by["outcome"], not_set),
            "relations": self._by_selection(
                self._labels(model, "relation"), by["relation"], not_set
            ),
        }

    @api.model
    def _by_selection(self, labels, counts, not_set):
        """(label, count) in the selection's order, the values without any count left out,
        the empty value last."""
        rows = [(label, counts[key]) for key, label in labels.items() if counts.get(key)]
        if counts.get(False):
            rows.append((not_set, counts[False]))
        return rows

    def _person_figures(self):
        """Distinct persons, new and returning: only from the persons' analysis
        (social.report.person), when it is installed; none otherwise (they cannot be
        summed from the other analyses)."""
        if "social.report.person" not in self.env:
            return {"persons": None}
        domain = self._scope_domain() + [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        # one group over the period: each person once (the analysis counts them distinct)
        [[persons, new, returning]] = self.env["social.report.person"]._read_group(
            domain, [], ["persons:sum", "new_persons:sum", "returning_persons:sum"]
        )
        return {"persons": {"persons": persons, "new": new, "returning": returning}}

    def _rate_figures(self, by_municipality):
        """Contacts (else sessions) per 1,000 residents of each municipality with a
        population figure (the one in force at the start of the period); the Ambito's rate
        over those only."""
        Population = self.env["social.municipality.population"]
        Municipality = self.env["social.municipality"]
        if self.scope == "municipality":
            municipalities = self.municipality_id
        else:
            # every municipality of the Ambito: its residents count also without sessions
            municipalities = Municipality.search([("company_id", "=", self.company_id.id)])
            municipalities |= Municipality.union(*(m for m, __ in by_municipality))
        residents = Population._residents_at(municipalities, self.date_from)
        counts = {m.id: count for m, count in by_municipality}
        rows = []
        for municipality in municipalities.sorted("name"):
            population = residents.get(municipality.id)
            count = counts.get(municipality.id, 0)
            rows.append(
                {
                    "municipality": municipality,
                    "count": count,
                    "residents": population,
                    "rate": 1000.0 * count / population if population else None,
                }
            )
        with_population = [row for row in rows if row["residents"]]
        total_residents = sum(row["residents"] for row in with_population)
        return {
            "rates": rows,
            "rate": (
                1000.0 * sum(row["count"] for row in with_population) / total_residents
                if total_residents
                else None
            ),
            "residents": total_residents or None,
        }

    def _referral_figures(self):
        """Referrals sent in the period (social.report.referral); a municipality's are those
        sent from its desks."""
        Referral = self.env["social.report.referral"]
        start, stop = self._utc_bounds()
        domain = self._scope_domain("origin_desk_id.municipality_id") + [
            ("sent_date", ">=", start),
            ("sent_date", "<", stop),
        ]
        [[count, overdue, acknowledge, close]] = Referral._read_group(
            domain,
            [],
            [
                "referral_count:sum",
                "overdue_count:sum",
                "hours_to_acknowledge:avg",
                "hours_to_close:avg",
            ],
        )
        model = "social.report.referral"
        not_set = self.env._("Not set")
        groups = {}
        for name in ("state", "outcome", "origin_type", "urgency"):
            counts = dict(Referral._read_group(domain, [name], ["referral_count:sum"]))
            groups[name] = self._by_selection(self._labels(model, name), counts, not_set)
        return {
            "referrals": count,
            "referrals_overdue": overdue,
            "overdue_share": 100.0 * overdue / count if count else None,
            "hours_to_acknowledge": acknowledge,
            "hours_to_close": close,
            "referral_states": groups["state"],
            # closed referrals only have an outcome
            "referral_outcomes": [(label, n) for label, n in groups["outcome"] if label != not_set],
            "referral_origins": groups["origin_type"],
            "referral_urgencies": groups["urgency"],
        }

    def _unmet_figures(self):
        """Needs recorded with no matching service in the catalogue (social.report.unmet.need),
        when that analysis is installed."""
        if "social.report.unmet.need" not in self.env:
            return {"unmet": None}
        domain = self._scope_domain() + [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        groups = self.env["social.report.unmet.need"]._read_group(
            domain, ["need_id"], ["contacts:sum"]
        )
        rows = sorted(
            ((need.display_name, count) for need, count in groups if count),
            key=lambda row: (-row[1], row[0]),
        )
        return {"unmet": rows[:TOP_NEEDS]}

    def _network_figures(self):
        """With the network addon: the partners' desks' sessions, the referrals the partner
        organisations sent, their contacts and their digital facilitation acts."""
        if "social.network.member" not in self.env:
            return {"network": None}
        Desk = self.env["social.report.desk"]
        domain = self._scope_domain() + [
            ("month", ">=", self.date_from),
            ("month", "<=", self.date_to),
            ("desk_id.kind", "=", "partner"),
        ]
        [[partner_desk_sessions]] = Desk._read_group(domain, [], ["sessions:sum"])
        start, stop = self._utc_bounds()
        [[partner_referrals]] = self.env["social.report.referral"]._read_group(
            self._scope_domain("origin_desk_id.municipality_id")
            + [
                ("sent_date", ">=", start),
                ("sent_date", "<", stop),
                ("origin_type", "=", "partner"),
            ],
            [],
            ["referral_count:sum"],
        )
        network = {
            "partner_desk_sessions": partner_desk_sessions,
            "partner_referrals": partner_referrals,
        }
        network.update(self._network_acts(start, stop))
        return {"network": network}

    def _network_acts(self, start, stop):
        """The partners' contacts and digital facilitation acts, counted per organisation.
        sudo: the observatory may read no contact nor act (they carry names and fiscal
        codes), and no rule can give it their counts alone; it gets only counts grouped by
        organisation and public service, of the Ambito it chose among its own (checked
        here), in the period and scope it chose."""
        if self.company_id not in self.env.user.company_ids:  # as _check_company
            return {"partner_contacts": 0, "digital_acts": 0, "members": [], "digital_areas": []}
        Contact = self.env["social.network.contact"].sudo()  # sudo: counts only, see above
        Act = self.env["social.digital.assistance"].sudo()  # sudo: see above
        scope = self._scope_domain("desk_id.municipality_id")
        contacts = Contact._read_group(
            scope + [("date", ">=", start), ("date", "<", stop)], ["member_id"], ["__count"]
        )
        acts = Act._read_group(
            scope + [("date", ">=", self.date_from), ("date", "<=", self.date_to)],
            ["member_id"],
            ["__count"],
        )
        areas = dict(
            Act._read_group(
                scope + [("date", ">=", self.date_from), ("date", "<=", self.date_to)],
                ["service_area"],
                ["__count"],
            )
        )
        members = {}
        for member, count in contacts:
            members.setdefault(member, [0, 0])[0] = count
        for member, count in acts:
            members.setdefault(member, [0, 0])[1] = count
        return {
            "partner_contacts": sum(count for __, count in contacts),
            "digital_acts": sum(count for __, count in acts),
            "members": sorted(
                (
                    (member.partner_id.name or member.display_name, contact_count, act_count)
                    for member, (contact_count, act_count) in members.items()
                ),
                key=lambda row: (-row[1] - row[2], row[0]),
            ),
            "digital_areas": self._by_selection(
                self._labels("social.digital.assistance", "service_area"),
                areas,
                self.env._("Not set"),
            ),
        }

    def _charts(self, figures):
        def number(value):
            digits = 0 if float(value).is_integer() else 1
            return formatLang(self.env, value, digits=digits)

        month_names = {
            month: format_date(self.env, month, date_format="MMM yy") for month in figures["months"]
        }
        return {
            "trend": svg_chart.line_chart(
                [(month_names[month], count) for month, count in figures["trend"]],
                self.env._("Contacts by month")
                if figures["contacts"] is not None
                else self.env._("Sessions by month"),
                number=number,
            ),
            # needs are named with their path in the taxonomy: room for it
            "needs": svg_chart.horizontal_bar_chart(
                figures["top_needs"],
                self.env._("Most frequent needs"),
                label_width=360,
                number=number,
            ),
            "areas": svg_chart.bar_chart(
                figures["areas"], self.env._("Contacts by area of need"), number=number
            ),
            "channels": svg_chart.bar_chart(
                figures["channels"], self.env._("Contacts by channel"), number=number
            ),
            "referral_outcomes": svg_chart.horizontal_bar_chart(
                figures["referral_outcomes"],
                self.env._("Outcomes of the closed referrals"),
                number=number,
            ),
        }

    @api.model
    def _bench(self, year):
        """What the benchmark measures (make bench): the report of `year` for the
        municipality with the most sessions and for its whole Ambito, the figures alone and
        the whole PDF, in seconds."""
        self.env.cr.execute(
            SQL(
                "SELECT d.municipality_id FROM social_listening_session s "
                "JOIN social_desk d ON d.id = s.desk_id WHERE d.municipality_id IS NOT NULL "
                "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
            )
        )
        municipality = self.env["social.municipality"].browse(self.env.cr.fetchone()[0])
        timings = {}
        for scope in ("municipality", "ambito"):
            wizard = self.create(
                {
                    "period": "year",
                    "year": year,
                    "scope": scope,
                    "municipality_id": municipality.id,
                    "company_id": municipality.company_id.id,
                }
            )
            self.env.invalidate_all()
            started = time.perf_counter()
            wizard._figures()
            timings[f"periodic_{scope}_figures"] = time.perf_counter() - started
            self.env.invalidate_all()
            started = time.perf_counter()
            self.env["ir.actions.report"].with_context(
                force_report_rendering=True
            )._render_qweb_pdf(REPORT, wizard.ids)
            timings[f"periodic_{scope}_pdf"] = time.perf_counter() - started
        return timings

    # ------------------------------------------------------------
    # What the report prints about itself
    # ------------------------------------------------------------

    def _scope_label(self):
        if self.scope == "municipality":
            return self.municipality_id.display_name
        return self.env._("Ambito %(name)s", name=self.company_id.name)

    def _period_label(self):
        return self.env._(
            "from %(start)s to %(stop)s",
            start=format_date(self.env, self.date_from, date_format="d MMMM y"),
            stop=format_date(self.env, self.date_to, date_format="d MMMM y"),
        )
