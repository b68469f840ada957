import uuid

from odoo import fields, models
from odoo.tools import SQL


class SocialHsdsMixin(models.AbstractModel):
    """The Open Referral (HSDS) identifier of a record of the catalogue: a UUID given at
    creation and never changed, so that the record exports with the same id every time and an
    import finds it again (wizards/social_hsds_import.py)."""

    _name = "social.hsds.mixin"
    _description = "Open Referral (HSDS) identifier"

    hsds_id = fields.Char(
        string="Open Referral id",
        default=lambda self: str(uuid.uuid4()),
        copy=False,
        index=True,
        readonly=True,
        help="The UUID of the record in the Open Referral (HSDS 3.0) exports.",
    )

    def _init_column(self, column_name):
        if column_name != "hsds_id":
            return super()._init_column(column_name)
        # the ORM would give every existing row the one value of the default: one UUID each
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET hsds_id = gen_random_uuid()::varchar WHERE hsds_id IS NULL",
                SQL.identifier(self._table),
            )
        )


# The records an export names. Only the field: kept here together rather than in a file per
# model, as nothing else of these models belongs to the export.


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "social.hsds.mixin"]

    _sql_constraints = [
        ("hsds_id_uniq", "unique(hsds_id)", "Another Ambito has this Open Referral id."),
    ]


class ResPartner(models.Model):
    # the providers of the services: the organizations of the export besides the Ambito
    _name = "res.partner"
    _inherit = ["res.partner", "social.hsds.mixin"]


class SocialService(models.Model):
    _name = "social.service"
    _inherit = ["social.service", "social.hsds.mixin"]

    # an import into another Ambito keeps the ids of the file: unique within an Ambito
    _sql_constraints = [
        (
            "hsds_id_company_uniq",
            "unique(hsds_id, company_id)",
            "Another service of the Ambito has this Open Referral id.",
        ),
    ]


class SocialServiceDocument(models.Model):
    _name = "social.service.document"
    _inherit = ["social.service.document", "social.hsds.mixin"]


class SocialDesk(models.Model):
    _name = "social.desk"
    _inherit = ["social.desk", "social.hsds.mixin"]

    _sql_constraints = [
        (
            "hsds_id_company_uniq",
            "unique(hsds_id, company_id)",
            "Another desk of the Ambito has this Open Referral id.",
        ),
    ]


class SocialNeed(models.Model):
    _name = "social.need"
    _inherit = ["social.need", "social.hsds.mixin"]

    _sql_constraints = [
        ("hsds_id_uniq", "unique(hsds_id)", "Another need has this Open Referral id."),
    ]
