from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

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
    complete_code = fields.Char(compute="_compute_complete_code", store=True)
    # Not stored: a stored path would be frozen in the language of whoever computed it (the
    # install's English), while each reader wants it in their own language.
    complete_name = fields.Char(
        compute="_compute_complete_name", search="_search_complete_name", recursive=True
    )
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

    @api.depends("code")
    def _compute_complete_code(self):
        for need in self:
            need.complete_code = need.code

    @api.depends_context("lang")
    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for need in self:
            if need.parent_id:
                need.complete_name = f"{need.parent_id.complete_name} / {need.name}"
            else:
                need.complete_name = need.name

    def _search_complete_name(self, operator, value):
        """A path matches when the need or one of its ancestors matches by name (in the reader's
        language): the needs found by name, with everything under them."""
        positive = operator not in expression.NEGATIVE_TERM_OPERATORS
        term = operator if positive else expression.TERM_OPERATORS_NEGATION[operator]
        matching = self.with_context(active_test=False).search([("name", term, value)])
        under = self.with_context(active_test=False).search([("id", "child_of", matching.ids)])
        return [("id", "in" if positive else "not in", under.ids)]

    @api.depends_context("lang")
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
