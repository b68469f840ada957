from odoo import api, fields, models
from odoo.exceptions import ValidationError

USER_AREAS = [
    ("families_minors", "Families and minors"),
    ("disability", "Disability"),
    ("addiction", "Addiction"),
    ("elderly", "Elderly"),
    ("immigrants", "Immigrants"),
    ("poverty", "Poverty and adult distress"),
    ("multi", "Multi-user"),
]


class SocialNeed(models.Model):
    _name = "social.need"
    _description = "Need (Bisogno)"
    _parent_store = True
    _order = "complete_code"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable code, e.g. ECO.02: used by imports and exports.")
    complete_code = fields.Char(compute="_compute_complete", store=True, recursive=True)
    complete_name = fields.Char(compute="_compute_complete", store=True, recursive=True)
    parent_id = fields.Many2one(
        "social.need", string="Parent need", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("social.need", "parent_id", string="Sub-needs")
    user_area = fields.Selection(USER_AREAS, string="User area", help="Area di utenza (SIUSS).")
    is_special_category = fields.Boolean(
        string="Special category",
        help="Health, disability, violence, addiction or legal status (GDPR art. 9): sessions "
        "with this need are readable in content only by social workers and coordinators.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Another need already has this code."),
    ]

    @api.depends("name", "code", "parent_id.complete_name")
    def _compute_complete(self):
        for need in self:
            if need.parent_id:
                need.complete_name = f"{need.parent_id.complete_name} / {need.name}"
            else:
                need.complete_name = need.name
            need.complete_code = need.code

    @api.depends("complete_name")
    def _compute_display_name(self):
        for need in self:
            need.display_name = need.complete_name or need.name

    @api.constrains("parent_id")
    def _check_parent(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._("A need cannot be placed under itself or one of its sub-needs.")
            )
