from datetime import datetime

import pytz

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.social_secretariat.models.social_listening_session import FUTURE_TOLERANCE
from odoo.addons.social_secretariat.tools import fiscal_code

from .network_portal import NetworkPortal

MAX_TEXT_LENGTH = 10_000
DATE_FORMAT = "%Y-%m-%dT%H:%M"


class NetworkContactPortal(NetworkPortal):
    """Contacts logged at a network desk: the organisation's list, the form, each contact. The
    partner's own environment throughout: the record rules give an operator their
    organisation's contacts, and the model sets the organisation itself."""

    # ------------------------------------------------------------
    # Home card
    # ------------------------------------------------------------

    def _network_home_values(self, member):
        values = super()._network_home_values(member)
        values["network_contacts_month"] = request.env["social.network.contact"].search_count(
            [("member_id", "=", member.id), ("date", ">=", self._network_month_start())]
        )
        return values

    def _network_tz(self):
        return pytz.timezone(request.env.user.tz or "Europe/Rome")

    def _network_month_start(self):
        """The first moment of this month where the desk is, in UTC (as stored)."""
        tz = self._network_tz()
        now = datetime.now(tz)
        start = tz.localize(datetime(now.year, now.month, 1))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    # ------------------------------------------------------------
    # List and detail
    # ------------------------------------------------------------

    @http.route(
        ["/my/network/contacts", "/my/network/contacts/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_network_contacts(self, page=1, **kw):
        member = self._network_member()
        if not member:
            return self._network_denied()
        Contact = request.env["social.network.contact"]
        domain = [("member_id", "=", member.id)]
        count = Contact.search_count(domain)
        pager = portal_pager(
            url="/my/network/contacts", total=count, page=page, step=self._items_per_page
        )
        contacts = Contact.search(domain, limit=self._items_per_page, offset=pager["offset"])
        month_start = self._network_month_start()
        values = self._network_values(
            member,
            "network_contacts",
            contacts=contacts,
            pager=pager,
            contact_count=count,
            month_count=Contact.search_count(domain + [("date", ">=", month_start)]),
            month_start=month_start,
        )
        return request.render("social_secretariat_network.portal_network_contacts", values)

    @http.route(
        "/my/network/contacts/<int:contact_id>",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_network_contact(self, contact_id, **kw):
        member = self._network_member()
        if not member:
            return self._network_denied()
        contact = request.env["social.network.contact"].browse(contact_id).exists()
        try:
            # the record rules answer: another organisation's contact is not found, and
            # answered as one that does not exist
            contact.check_access("read")
        except AccessError:
            contact = contact.browse()
        if not contact:
            return request.redirect("/my/network/contacts")
        values = self._network_values(
            member,
            "network_contact",
            contact=contact,
            created=kw.get("created") == "1",
            selections=self._network_contact_selections(),
        )
        return request.render("social_secretariat_network.portal_network_contact", values)

    # ------------------------------------------------------------
    # The form
    # ------------------------------------------------------------

    def _network_contact_selections(self):
        """The labels of the model's choices, in the user's language."""
        fields_ = request.env["social.network.contact"]._fields
        return {
            name: fields_[name]._description_selection(request.env)
            for name in ("channel", "age_band", "gender", "citizenship_group")
        }

    def _network_contact_form_values(self, member, error=None, data=None):
        env = request.env
        areas = env["social.need"].search([("parent_id", "=", False)])
        now = datetime.now(self._network_tz()).strftime(DATE_FORMAT)
        data = data or {"date": now, "mode": "anonymous", "channel": "in_person"}
        return self._network_values(
            member,
            "network_contact_new",
            error=error or {},
            data=data,
            now=now,
            areas=areas,
            services=env["social.service"].search([("is_published", "=", True)], order="name"),
            municipalities=env["social.municipality"].search([], order="name"),
            desks=member.desk_ids,
            selections=self._network_contact_selections(),
            max_text=MAX_TEXT_LENGTH,
        )

    @http.route("/my/network/contacts/new", type="http", auth="user", methods=["GET"], website=True)
    def portal_network_contact_new(self, **kw):
        member = self._network_member()
        if not member:
            return self._network_denied()
        return request.render(
            "social_secretariat_network.portal_network_contact_new",
            self._network_contact_form_values(member),
        )

    @http.route(
        "/my/network/contacts/new", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_network_contact_create(self, **post):
        member = self._network_member()
        if not member:
            return self._network_denied()
        error = {}
        values = self._network_contact_read_form(member, post, error)
        if not error:
            try:
                # all or nothing: a refusal of the model leaves nothing half-saved
                with request.env.cr.savepoint():
                    contact = request.env["social.network.contact"].create(values)
            except (UserError, AccessError) as refused:
                # ValidationError is a UserError
                error["form"] = refused.args[0]
        if error:
            # nothing lost: the form comes back with what was typed and the errors
            data = {key: value for key, value in post.items() if isinstance(value, str)}
            data["need_ids"] = set(request.httprequest.form.getlist("need_ids"))
            data["service_ids"] = set(request.httprequest.form.getlist("service_ids"))
            return request.render(
                "social_secretariat_network.portal_network_contact_new",
                self._network_contact_form_values(member, error=error, data=data),
            )
        return request.redirect(f"/my/network/contacts/{contact.id}?created=1")

    def _ids(self, model, names, domain=()):
        """The records of `model` among the ids sent, that the user may read (and `domain`)."""
        ids = [int(i) for i in names if str(i).isdigit()]
        return (
            request.env[model].search([("id", "in", ids), *domain]) if ids else request.env[model]
        )

    def _network_contact_read_form(self, member, post, error):
        """The values of the model from the form, or the errors in `error` (field -> text)."""
        selections = {
            name: {key for key, _label in choices}
            for name, choices in self._network_contact_selections().items()
        }
        values = {}
        self._network_contact_read_when(member, post, error, selections, values)
        self._network_contact_read_person(post, error, selections, values)
        self._network_contact_read_what(post, error, values)
        return values

    def _network_contact_read_when(self, member, post, error, selections, values):
        env = request.env
        try:
            local = datetime.strptime((post.get("date") or "").strip(), DATE_FORMAT)
            values["date"] = (
                self._network_tz().localize(local).astimezone(pytz.utc).replace(tzinfo=None)
            )
            if values["date"] > fields.Datetime.now() + FUTURE_TOLERANCE:
                error["date"] = env._(
                    "The date is in the future: log a contact once it took place."
                )
        except ValueError:
            error["date"] = env._("Write the date and time of the contact.")
        channel = post.get("channel") or ""
        if channel not in selections["channel"]:
            error["channel"] = env._("Choose how the contact took place.")
        values["channel"] = channel
        if len(member.desk_ids) > 1:
            desk = self._ids(
                "social.desk", [post.get("desk_id")], [("id", "in", member.desk_ids.ids)]
            )
            if not desk:
                error["desk_id"] = env._("Choose the desk where the contact took place.")
            values["desk_id"] = desk.id

    def _network_contact_read_person(self, post, error, selections, values):
        env = request.env
        mode = post.get("mode") or "anonymous"
        if mode not in ("anonymous", "named"):
            error["mode"] = env._("Choose whether the person is named or anonymous.")
        values["is_anonymous"] = mode != "named"
        name = (post.get("person_name") or "").strip()
        code = fiscal_code.normalise(post.get("fiscal_code"))
        phone = (post.get("phone") or "").strip()
        consent = post.get("consent_given") == "on"
        if mode == "named":
            if not name:
                error["person_name"] = env._("Write the name and surname of the person.")
            problem = code and fiscal_code.problem(code)
            if problem:
                error["fiscal_code"] = env["social.person"]._fiscal_code_problem_message(
                    code, problem
                )
            if not consent:
                error["consent_given"] = env._(
                    "A person is named only with their consent: tick the box, or choose "
                    "“No: anonymous”."
                )
            values.update(
                {
                    "person_name": name,
                    "fiscal_code": code or False,
                    "phone": phone or False,
                    "consent_given": consent,
                }
            )
        elif name or code or phone:
            error["mode"] = env._(
                "You chose “No: anonymous”: leave the name, the codice fiscale and the phone "
                "empty, or choose “Yes: named, with their consent”."
            )
        for key in ("age_band", "gender", "citizenship_group"):
            value = post.get(key) or ""
            if value and value not in selections[key]:
                error[key] = env._("Choose a value from the list.")
            values[key] = value or False
        municipality_id = post.get("municipality_id") or ""
        if municipality_id:
            municipality = self._ids("social.municipality", [municipality_id])
            if not municipality:
                error["municipality_id"] = env._("Choose a municipality from the list.")
            values["municipality_id"] = municipality.id

    def _network_contact_read_what(self, post, error, values):
        env = request.env
        form = request.httprequest.form
        needs = self._ids("social.need", form.getlist("need_ids"))
        if not needs:
            error["need_ids"] = env._("Tick at least one need the person spoke about.")
        values["need_ids"] = [fields.Command.set(needs.ids)]
        services = self._ids(
            "social.service", form.getlist("service_ids"), [("is_published", "=", True)]
        )
        values["service_ids"] = [fields.Command.set(services.ids)]
        information = (post.get("information_given") or "").strip()
        if len(information) > MAX_TEXT_LENGTH:
            error["information_given"] = env._(
                "The text is too long: at most %(count)s characters.", count=MAX_TEXT_LENGTH
            )
        values["information_given"] = information or False
