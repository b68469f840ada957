from odoo import Command, api, models
from odoo.exceptions import AccessError

# What a citizen reads of their own person file (security/social_secretariat_portal_rules.xml
# gives them that one record): who they are, nothing the staff recorded about them. A list of
# what is allowed rather than groups= on each of the file's many fields: a field added to the
# file later stays closed to the portal until someone decides otherwise here.
PERSON_PORTAL_FIELDS = frozenset(
    {"id", "display_name", "name", "first_name", "last_name", "partner_id", "company_id", "active"}
)


class SocialPortalFieldsMixin(models.AbstractModel):
    """Models that a portal user reads only partly: `_portal_fields` lists the fields a
    non-internal user may read (the record rules say which records). Fields not listed, and
    fields added later, stay closed to them."""

    _name = "social.portal.fields.mixin"
    _description = "Fields readable by portal users"
    _portal_fields = frozenset()

    @api.model
    def check_field_access_rights(self, operation, field_names):
        allowed = super().check_field_access_rights(operation, field_names)
        if self.env.su or not self.env.user.share:
            return allowed
        if not field_names:
            # "all the fields" (a read without a list): all those the user may read
            return [name for name in allowed if name in self._portal_fields]
        refused = [
            name for name in allowed if name in self._fields and name not in self._portal_fields
        ]
        if refused:
            raise AccessError(
                self.env._(
                    "You do not have enough rights to access the fields “%(fields)s” of %(model)s.",
                    fields=", ".join(sorted(refused)),
                    model=self._description,
                )
            )
        return allowed


# Models of Odoo modules this addon does not depend on (installed automatically with others),
# which portal users can read without a rule: the rule is added when the model is there.
OPTIONAL_PORTAL_RULES = {
    "res.partner.autocomplete.sync": "[('partner_id', 'child_of', user.commercial_partner_id.id)]",
}


class IrRule(models.Model):
    _inherit = "ir.rule"

    @api.model
    def _social_portal_optional_rules(self):
        """Called by security/social_secretariat_portal_rules.xml at each install or update."""
        groups = self.env.ref("base.group_portal") | self.env.ref("base.group_public")
        for model_name, domain in OPTIONAL_PORTAL_RULES.items():
            model = self.env["ir.model"]._get(model_name)
            name = f"rule_portal_{model_name.replace('.', '_')}"
            if not model or self.env.ref(f"social_secretariat.{name}", raise_if_not_found=False):
                continue
            rule = self.create(
                {
                    "name": f"{model_name}: portal and public, own (social secretariat)",
                    "model_id": model.id,
                    "groups": [Command.set(groups.ids)],
                    "domain_force": domain,
                }
            )
            # noupdate: kept by the updates of the module, which do not load it from a file
            self.env["ir.model.data"].create(
                {
                    "module": "social_secretariat",
                    "name": name,
                    "model": "ir.rule",
                    "res_id": rule.id,
                    "noupdate": True,
                }
            )
