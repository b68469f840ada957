from odoo import fields, models


class SocialServiceDocument(models.Model):
    _name = "social.service.document"
    _description = "Document required by a service"
    _order = "sequence, id"

    service_id = fields.Many2one("social.service", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Document", required=True, translate=True)
    note = fields.Char(translate=True, help="Where to get it, validity, copies…")
    is_mandatory = fields.Boolean(string="Mandatory", default=True)
    company_id = fields.Many2one(related="service_id.company_id", store=True)
