from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.social_secretariat.tools import fiscal_code as cf

from ..models.social_digital_assistance import HUB_ROLE, MAX_DESCRIPTION, MAX_DURATION
from .network_portal import NetworkPortal

# the form's fields, with the model's selection each offers
SELECTIONS = (
    "document_type",
    "gender",
    "age_band",
    "education_level",
    "employment_status",
    "citizenship",
    "assistance_type",
    "service_area",
    "outcome",
)
# all but the document type, asked only when there is no codice fiscale
REQUIRED = tuple(name for name in SELECTIONS if name != "document_type")


def _parse_date(value):
    """A date typed or sent as yyyy-mm-dd (the date input) or dd/mm/yyyy; None otherwise."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime((value or "").strip(), pattern).date()
        except ValueError:
            continue
    return None


class NetworkAssistancePortal(NetworkPortal):
    """Digital facilitation (`/my/network/assistance`): a hub's operators record the acts and
    download them for the monitoring. Only for the organisations with the hub role."""

    def _network_is_hub(self, member):
        return bool(member) and HUB_ROLE in member.role_ids.mapped("code")

    def _network_values(self, member, page_name, **values):
        result = super()._network_values(member, page_name, **values)
        result["network_is_hub"] = self._network_is_hub(member)
        return result

    def _network_home_values(self, member):
        values = super()._network_home_values(member)
        if self._network_is_hub(member):
            start = fields.Date.context_today(request.env.user).replace(day=1)
            # the record rules leave the operator their organisation's acts only
            values["assistance_month_count"] = request.env[
                "social.digital.assistance"
            ].search_count([("member_id", "=", member.id), ("date", ">=", start)])
        return values

    def _assistance_member(self):
        member = self._network_member()
        return member if self._network_is_hub(member) else member.browse()

    # ------------------------------------------------------------
    # The list
    # ------------------------------------------------------------

    @http.route(
        ["/my/network/assistance", "/my/network/assistance/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_network_assistance(self, page=1, month=None, **kw):
        member = self._assistance_member()
        if not member:
            return self._network_denied()
        today = fields.Date.context_today(request.env.user)
        start = _parse_date(f"{month}-01") if month else None
        if not start or not date(2000, 1, 1) <= start <= today:
            start = today.replace(day=1)
        end = start + relativedelta(months=1, days=-1)
        Act = request.env["social.digital.assistance"]
        # the record rules leave the operator their organisation's acts only; said here too
        domain = [("member_id", "=", member.id), ("date", ">=", start), ("date", "<=", end)]
        count = Act.search_count(domain)
        pager = portal_pager(
            url="/my/network/assistance",
            url_args={"month": start.strftime("%Y-%m")},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        acts = Act.search(domain, limit=self._items_per_page, offset=pager["offset"])
        values = self._network_values(
            member,
            "network_assistance",
            acts=acts,
            act_count=count,
            pager=pager,
            month_start=start,
            month_end=end,
            previous_month=(start - relativedelta(months=1)).strftime("%Y-%m"),
            next_month=(start + relativedelta(months=1)).strftime("%Y-%m")
            if start + relativedelta(months=1) <= today
            else None,
            selections=self._assistance_selections(),
            created=kw.get("created"),
        )
        return request.render("social_secretariat_network.portal_network_assistance", values)

    # ------------------------------------------------------------
    # The form: new act, existing act
    # ------------------------------------------------------------

    def _assistance_selections(self):
        fields_ = request.env["social.digital.assistance"]._fields
        # the labels of the model's choices, in the user's language
        return {name: fields_[name]._description_selection(request.env) for name in SELECTIONS}

    def _assistance_form_values(self, member, act=None, data=None, error=None):
        provinces = request.env["res.country.state"].search(
            [("country_id.code", "=", "IT")], order="name"
        )
        return self._network_values(
            member,
            "network_assistance_form",
            act=act,
            data=data or {},
            error=error or {},
            selections=self._assistance_selections(),
            competences=request.env["social.digital.competence"].search([]),
            provinces=provinces,
            desks=member.desk_ids,
            max_duration=MAX_DURATION,
            max_description=MAX_DESCRIPTION,
        )

    def _assistance_data(self, member, act=None):
        """The form's initial values: the act's, or for a new one today, the organisation's
        only desk and its province."""
        if act:
            data = {name: act[name] or "" for name in SELECTIONS}
            data.update(
                fiscal_code=act.fiscal_code or "",
                document_number=act.document_number or "",
                province_id=str(act.province_id.id),
                date=act.date.isoformat(),
                duration=str(act.duration),
                desk_id=str(act.desk_id.id or ""),
                description=act.description or "",
                competence_ids=[str(i) for i in act.competence_ids.ids],
            )
            return data
        desk = member.desk_ids[:1]
        code = desk.municipality_id.province
        province = request.env["res.country.state"].search(
            [("country_id.code", "=", "IT"), ("code", "=", code or "")], limit=1
        )
        return {
            "date": fields.Date.context_today(request.env.user).isoformat(),
            "duration": "30",
            "assistance_type": "individual",
            "outcome": "completed",
            "desk_id": str(desk.id or ""),
            "province_id": str(province.id or ""),
            "competence_ids": [],
        }

    def _assistance_parse(self, member, post):
        """(vals, data, error): the values to write, the form's values as typed, the errors."""
        error = {}
        data = {key: value for key, value in post.items() if isinstance(value, str)}
        data["competence_ids"] = request.httprequest.form.getlist("competence_ids")
        vals = {}
        choices = self._assistance_selections()
        for name in SELECTIONS:
            value = data.get(name) or ""
            if value and value not in dict(choices[name]):
                error[name] = request.env._("Choose a value from the list.")
            elif not value and name in REQUIRED:
                error[name] = request.env._("Choose a value.")
            vals[name] = value or False
        # the citizen: the codice fiscale, or a document when there is none
        code = (data.get("fiscal_code") or "").strip()
        number = (data.get("document_number") or "").strip()
        vals.update(fiscal_code=code or False, document_number=number or False)
        if code:
            problem = cf.problem(cf.normalise(code))
            if problem:
                error["fiscal_code"] = request.env["social.person"]._fiscal_code_problem_message(
                    code, problem
                )
        else:
            if not vals["document_type"] and not number:
                error["fiscal_code"] = request.env._(
                    "Enter the codice fiscale or, if the person has none, the type and number "
                    "of an identity document."
                )
            elif not vals["document_type"]:
                error["document_type"] = request.env._("Choose the type of document.")
            elif not number:
                error["document_number"] = request.env._("Enter the number of the document.")
        province = request.env["res.country.state"]
        province_id = data.get("province_id") or ""
        if province_id.isdigit():
            province = province.search(
                [("id", "=", int(province_id)), ("country_id.code", "=", "IT")]
            )
        if not province:
            error["province_id"] = request.env._("Choose the province of domicile.")
        vals["province_id"] = province.id
        act_date = _parse_date(data.get("date"))
        if not act_date:
            error["date"] = request.env._("Enter the date of the act (day/month/year).")
        elif act_date > fields.Date.context_today(request.env.user):
            error["date"] = request.env._("The date cannot be in the future.")
        vals["date"] = act_date
        duration = (data.get("duration") or "").strip()
        if not duration.isdigit() or not 0 < int(duration) <= MAX_DURATION:
            error["duration"] = request.env._(
                "Enter the duration in minutes, between 1 and %(max)s.", max=MAX_DURATION
            )
        else:
            vals["duration"] = int(duration)
        desk = member.desk_ids.filtered(lambda d: str(d.id) == data.get("desk_id"))
        if member.desk_ids and not desk:
            error["desk_id"] = request.env._("Choose the desk where the act took place.")
        vals["desk_id"] = desk.id
        wanted = {int(i) for i in data["competence_ids"] if i.isdigit()}
        competences = request.env["social.digital.competence"].search([("id", "in", list(wanted))])
        vals["competence_ids"] = [fields.Command.set(competences.ids)]
        description = (data.get("description") or "").strip()
        if len(description) > MAX_DESCRIPTION:
            error["description"] = request.env._(
                "The description is too long: at most %(count)s characters.",
                count=MAX_DESCRIPTION,
            )
        vals["description"] = description or False
        return vals, data, error

    def _assistance_save(self, member, post, act=None):
        vals, data, error = self._assistance_parse(member, post)
        if not error:
            try:
                # all or nothing: a refusal by the model leaves nothing half-saved
                with request.env.cr.savepoint():
                    if act:
                        act.write(vals)
                    else:
                        act = request.env["social.digital.assistance"].create(vals)
            except (UserError, AccessError) as refused:
                # ValidationError is a UserError: what the form does not check itself
                error["form"] = refused.args[0]
        return act, data, error

    @http.route(
        "/my/network/assistance/new", type="http", auth="user", methods=["GET"], website=True
    )
    def portal_network_assistance_new(self, **kw):
        member = self._assistance_member()
        if not member:
            return self._network_denied()
        values = self._assistance_form_values(member, data=self._assistance_data(member))
        return request.render("social_secretariat_network.portal_network_assistance_form", values)

    @http.route(
        "/my/network/assistance/new", type="http", auth="user", methods=["POST"], website=True
    )
    def portal_network_assistance_create(self, **post):
        member = self._assistance_member()
        if not member:
            return self._network_denied()
        act, data, error = self._assistance_save(member, post)
        if error:
            # nothing lost: the form comes back with what was typed and the errors
            values = self._assistance_form_values(member, data=data, error=error)
            return request.render(
                "social_secretariat_network.portal_network_assistance_form", values
            )
        return request.redirect(f"/my/network/assistance?month={act.date:%Y-%m}&created=1")

    def _assistance_act(self, act_id):
        """The act, if the operator may read it (their organisation's): else None."""
        act = request.env["social.digital.assistance"].browse(act_id).exists()
        if not act:
            return None
        try:
            act.check_access("read")
        except AccessError:
            return None
        return act

    @http.route(
        "/my/network/assistance/<int:act_id>",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_network_assistance_act(self, act_id, **post):
        member = self._assistance_member()
        if not member:
            return self._network_denied()
        act = self._assistance_act(act_id)
        if act is None:
            return request.not_found()
        if request.httprequest.method == "POST":
            act, data, error = self._assistance_save(member, post, act)
            if not error:
                return request.redirect(f"/my/network/assistance/{act.id}?saved=1")
        else:
            data, error = self._assistance_data(member, act), {}
        values = self._assistance_form_values(member, act=act, data=data, error=error)
        values["saved"] = post.get("saved")
        return request.render("social_secretariat_network.portal_network_assistance_form", values)

    # ------------------------------------------------------------
    # The monitoring export
    # ------------------------------------------------------------

    @http.route("/my/network/assistance/export.csv", type="http", auth="user", methods=["GET"])
    def portal_network_assistance_export(self, **kw):
        member = self._assistance_member()
        if not member:
            return request.not_found()
        today = fields.Date.context_today(request.env.user)
        date_from = _parse_date(kw.get("from")) or today.replace(day=1)
        date_to = _parse_date(kw.get("to")) or today
        if date_from > date_to:
            date_from, date_to = date_to, date_from
        # the rules leave the operator their organisation's acts; the domain says so too,
        # whatever else the query string carries
        content = request.env["social.digital.assistance"]._monitoring_csv(
            date_from, date_to, member
        )
        filename = f"facilitazione_digitale_{date_from:%Y%m%d}_{date_to:%Y%m%d}.csv"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "text/csv; charset=utf-8"),
                ("Content-Disposition", f'attachment; filename="{filename}"'),
                ("Cache-Control", "no-store"),
            ],
        )
