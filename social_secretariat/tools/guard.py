"""Write guards: fields that only the workflow (the action_* methods) may change, and links
that must point to records the user may read.

Access rights let operators write their records, and `readonly=True` binds only the user
interface: without these checks a JSON-RPC write could close a referral, clear a
special-category flag or move a record to another Ambito.

The workflow is recognised by a context variable of this process, set by `workflow()` around
the writes of server code that has checked the caller's role and the record's state itself
(the action_* methods, crons, the anonymisation). Unlike a key of the ORM context, which a
client sets as it likes through `call_kw`, a client cannot reach it: RPC calls public methods
only, and none of them sets it on the caller's behalf without its own checks."""

import contextvars
from contextlib import contextmanager

from odoo import fields
from odoo.exceptions import AccessError, MissingError, UserError

_WORKFLOW = contextvars.ContextVar("social_secretariat_workflow", default=False)

COORDINATOR = "social_secretariat.group_social_coordinator"
WORKER = "social_secretariat.group_social_worker"


@contextmanager
def workflow():
    """Let the writes in the block change workflow fields: for server code only, after it has
    checked who calls and in which state the records are."""
    token = _WORKFLOW.set(True)
    try:
        yield
    finally:
        _WORKFLOW.reset(token)


def in_workflow():
    return _WORKFLOW.get()


def trusted(env):
    """Whether the checks of a user's write are skipped: superuser code, or the workflow."""
    return env.su or _WORKFLOW.get()


def with_client_defaults(records, vals_list):
    """`vals_list` with the defaults a client can send in the context added, so that they are
    checked as any other value; the Ambito, when not given, is left empty (False) for the
    caller to take from the desk, never from a context default."""
    return [
        records._add_missing_default_values(vals)
        | ({} if "company_id" in vals else {"company_id": False})
        for vals in vals_list
    ]


def check_protected(records, vals, protected):
    env = records.env
    if trusted(env):
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
    if "company_id" in vals and not env.user.has_group(COORDINATOR):
        if any(record.company_id.id != vals["company_id"] for record in records):
            raise UserError(env._("Only a coordinator can move a record to another Ambito."))


def is_coordinator(env):
    return env.su or env.user.has_group(COORDINATOR)


def is_desk_staff(env, desk):
    """Whether the user works at `desk` (a coordinator: at every desk of their Ambiti)."""
    if env.su or not desk:
        return True
    if env.user.has_group(COORDINATOR):
        # sudo: the desk's Ambito, also for a desk the user cannot read (the answer is no)
        return desk.sudo().company_id in env.user.company_ids
    return desk in env.user.social_desk_ids


def check_desk(env, desk, message):
    """`message`: a translated sentence with %(desk)s, for a desk that is not the user's."""
    if not is_desk_staff(env, desk):
        # sudo: a desk's name is public (the catalogue shows it), the user may not read it here
        raise AccessError(message % {"desk": desk.sudo().display_name})


def check_state(records, allowed, message):
    """Before a workflow action: every record is in one of the `allowed` states. `message`:
    a translated sentence with %(name)s, given the names of the records that are not."""
    wrong = records.filtered(lambda r: r.state not in allowed)
    if wrong:
        raise UserError(message % {"name": ", ".join(wrong.mapped("name"))})


def _linked_ids(field, value):
    """The ids of existing records that `value` (as given to create/write) links to."""
    if field.type == "many2one":
        if isinstance(value, list | tuple):  # (id, name), as some clients send
            value = value[0] if value else False
        return [value] if isinstance(value, int) and value else []
    ids = []
    for command in value or ():
        if isinstance(command, int):
            ids.append(command)
        elif command[0] == fields.Command.LINK:
            ids.append(command[1])
        elif command[0] == fields.Command.SET:
            ids.extend(command[2] or ())
    return ids


def linked(records, vals, name):
    """The records of the model of field `name` that `vals` links to (empty if none)."""
    field = records._fields[name]
    return records.env[field.comodel_name].browse(_linked_ids(field, vals.get(name)))


def _unreadable(targets):
    """The records of `targets` that do not exist or that the user may not read."""
    if not targets.env["ir.rule"]._compute_domain(targets._name, "read"):
        # no record rule to match the ids against: look for them (a missing id would end in a
        # raw database error)
        existing = targets.exists()
        return (targets - existing) | (existing - existing._filtered_access("read"))
    try:
        return targets - targets._filtered_access("read")
    except MissingError:
        return targets - targets.exists()


def check_links(records, vals, names):
    """Every record that `vals` links to through the fields `names` (many2one or many2many)
    must exist and be readable by the user: a link to a record the user cannot read would show
    its name (and what it carries) back through the link."""
    env = records.env
    if env.su:
        return
    for name in names:
        if name not in vals:
            continue
        targets = linked(records, vals, name)
        if not targets:
            continue
        hidden = _unreadable(targets)
        if hidden:
            raise AccessError(
                env._(
                    "%(field)s: you cannot link a record you cannot see (%(model)s, id %(ids)s).",
                    field=records._fields[name].string,
                    model=env[targets._name]._description,
                    ids=", ".join(str(i) for i in hidden.ids),
                )
            )


def check_company(records, name, company):
    """The records linked through `name` belong to `company` (or to no company)."""
    for record in records:
        target = record[name]
        if "company_id" not in target._fields:
            return
        # sudo: the target's Ambito is compared, whether or not the user may read it
        others = target.sudo().filtered(lambda t: t.company_id and t.company_id != company)
        if others:
            raise UserError(
                records.env._(
                    "%(field)s: %(record)s belongs to another Ambito.",
                    field=records._fields[name].string,
                    record=others[0].display_name,
                )
            )


def check_staff(records, vals, name, company):
    """Users linked through `name` must be internal users of `company`."""
    env = records.env
    # sudo: the users' groups and companies are checked, not shown to the caller
    users = linked(records, vals, name).sudo()
    wrong = users.filtered(lambda u: u.share or company not in u.company_ids)
    if wrong:
        raise UserError(
            env._(
                "%(field)s: %(user)s is not a member of the staff of this Ambito.",
                field=records._fields[name].string,
                user=wrong[0].name,
            )
        )


def person_visible(records):
    """The records of `records` whose person's name the user may see in their display name:
    those whose person's file the user may read, or which the user may read themselves (their
    person field shows the name anyway). Odoo computes the display names of linked records as
    superuser, on the reader's behalf: this is asked as the reader (the uid, without sudo)."""
    real = records.filtered("id")  # new records: a form being filled in by this user
    if not real or real.env.uid == records.env.ref("base.user_root").id:
        return records
    as_user = real.sudo(False)  # as the reader: see the docstring
    readable = as_user._filtered_access("read")
    rest = real - readable
    persons = rest.person_id.sudo(False)  # as the reader
    readable_persons = persons._filtered_access("read") if persons else persons
    return (records - real) | readable | rest.filtered(lambda r: r.person_id in readable_persons)
