from odoo import api, fields, models

from ..models.social_listening_session import OUTCOMES
from ..models.social_person import AGE_BANDS, GENDERS
from ..tools import guard

# the relational fields a user sets: each target must be readable by them
LINKS = ("desk_id", "need_ids", "anon_municipality_id")


class SocialPhoneLog(models.TransientModel):
    """Quick phone log: a call at a phone-line desk recorded in a few fields."""

    _name = "social.phone.log"
    _description = "Quick phone log"

    desk_id = fields.Many2one(
        "social.desk",
        required=True,
        domain="[('kind', '=', 'phone_line')]",
        default=lambda self: self._default_desk(),
    )
    person_id = fields.Many2one("social.person", string="Caller (if known)")
    caller_name = fields.Char(
        string="Caller says they are", help="Free text when the caller is not identified."
    )
    # the profile of an anonymous caller: anonymous calls count in the territorial statistics
    anon_age_band = fields.Selection(AGE_BANDS, string="Age band")
    anon_gender = fields.Selection(GENDERS, string="Gender")
    anon_municipality_id = fields.Many2one("social.municipality", string="Municipality")
    request = fields.Text(string="Request as expressed", required=True)
    need_ids = fields.Many2many("social.need", string="Needs", required=True)
    information_given = fields.Text()
    outcome = fields.Selection(OUTCOMES, required=True, default="information")
    duration_minutes = fields.Integer(string="Minutes", default=10)
    follow_up_date = fields.Date()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_links(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_links(vals)
        return super().write(vals)

    def _check_links(self, vals):
        # the caller is shown back by name: only a file the user may read (or has just found)
        self.env["social.person"]._check_linkable([vals.get("person_id")])
        guard.check_links(self, vals, LINKS)

    @api.model
    def _default_desk(self):
        desks = self.env.user.social_desk_ids.filtered(lambda d: d.kind == "phone_line")
        return desks[:1] or self.env["social.desk"].search([("kind", "=", "phone_line")], limit=1)

    def _session_values(self):
        self.ensure_one()
        return {
            "desk_id": self.desk_id.id,
            "company_id": self.desk_id.company_id.id,
            "channel": "phone",
            "person_id": self.person_id.id,
            "interlocutor_name": False if self.person_id else self.caller_name,
            # a known caller's profile is their file's
            "anon_age_band": False if self.person_id else self.anon_age_band,
            "anon_gender": False if self.person_id else self.anon_gender,
            "anon_municipality_id": False if self.person_id else self.anon_municipality_id.id,
            "request": self.request,
            "need_ids": [fields.Command.set(self.need_ids.ids)],
            "information_given": self.information_given,
            "outcome": self.outcome,
            "duration": (self.duration_minutes or 0) / 60.0,
            "operator_ids": [fields.Command.set(self.env.user.ids)],
            "follow_up_date": self.follow_up_date,
        }

    def action_save(self):
        session = self.env["social.listening.session"].create(self._session_values())
        session.action_done()
        return {
            "type": "ir.actions.act_window",
            "res_model": "social.listening.session",
            "res_id": session.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_save_and_new(self):
        self.env["social.listening.session"].create(self._session_values()).action_done()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Quick phone log"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {"default_desk_id": self.desk_id.id},
        }
