from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The person whose contact this is: stored so that the record rules hiding the contacts of
    # persons (security/res_partner_rules.xml) are an index lookup. Social workers only: that
    # someone is known to the social services is itself need-to-know.
    social_person_ids = fields.One2many(
        "social.person",
        "partner_id",
        string="Person files",
        groups="social_secretariat.group_social_worker",
    )
    social_person_id = fields.Many2one(
        "social.person",
        string="Person file",
        compute="_compute_social_person_id",
        store=True,
        index="btree_not_null",
        groups="social_secretariat.group_social_worker",
    )

    # the requests this contact wrote to the online desk: where the person was served, even
    # before a request is taken on (social.person._compute_met)
    social_online_request_ids = fields.One2many(
        "social.online.request",
        "partner_id",
        string="Online requests",
        groups="social_secretariat.group_social_operator",
    )

    @api.depends("social_person_ids")
    def _compute_social_person_id(self):
        for partner in self:
            partner.social_person_id = partner.social_person_ids[:1]
