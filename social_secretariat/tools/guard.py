"""Write guards: fields that only the workflow (the action_* methods) may change.

Access rights let operators write their records, and `readonly=True` binds only the user
interface: without these checks a JSON-RPC write could close a referral, clear a
special-category flag or move a record to another Ambito."""

from odoo.exceptions import UserError

WORKFLOW = "social_workflow"


def check_protected(records, vals, protected):
    env = records.env
    if env.su or env.context.get(WORKFLOW):
        return
    touched = protected & set(vals)
    if touched:
        labels = ", ".join(sorted(records._fields[name].string for name in touched))
        raise UserError(
            env._(
                "These fields change only through the buttons of the form: %(fields)s.",
                fields=labels,
            )
        )
    if "company_id" in vals and not env.user.has_group(
        "social_secretariat.group_social_coordinator"
    ):
        if any(record.company_id.id != vals["company_id"] for record in records):
            raise UserError(env._("Only a coordinator can move a record to another Ambito."))
