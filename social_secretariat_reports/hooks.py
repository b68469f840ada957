from odoo.tools import SQL

# what data/session_need_aggregate.sql creates on the core's tables and its own
TRIGGERS = {
    "social_listening_session": (
        "social_report_session_before", "social_report_session_after",
        "social_report_session_delete",
    ),
    "social_session_need_rel": (
        "social_report_session_need_before", "social_report_session_need_after",
    ),
    "social_person": (
        "social_report_person_before", "social_report_person_after", "social_report_person_delete",
    ),
    "social_desk": ("social_report_desk_before", "social_report_desk_after"),
    "res_company": ("social_report_company_before", "social_report_company_after"),
    "resource_calendar": ("social_report_calendar_before", "social_report_calendar_after"),
}  # fmt: skip
FUNCTIONS = (
    "social_report_session_trg()",
    "social_report_session_need_rel_trg()",
    "social_report_person_trg()",
    "social_report_zone_trg()",
    "social_report_session_need_rebuild()",
    "social_report_session_need_apply(integer[], integer, integer, boolean)",
    "social_report_age_band(date, date)",
)
TABLES = ("social_report_session_need_daily", "social_report_session_need_monthly")
# what data/session_aggregate.sql creates (its view is built on social_report_session_key and
# its functions use social_report_age_band: dropped before them)
CONTACT_TRIGGERS = {
    "social_listening_session": (
        "social_report_contact_session_before", "social_report_contact_session_after",
        "social_report_contact_session_insert", "social_report_contact_session_delete",
        "social_report_contact_session_deleted",
    ),
    "social_person": ("social_report_contact_person_before", "social_report_contact_person_after"),
    "social_desk": ("social_report_contact_desk_before", "social_report_contact_desk_after"),
    "res_company": ("social_report_contact_company_before", "social_report_contact_company_after"),
    "resource_calendar": (
        "social_report_contact_calendar_before", "social_report_contact_calendar_after",
    ),
}  # fmt: skip
CONTACT_FUNCTIONS = (
    "social_report_contact_session_trg()",
    "social_report_contact_person_trg()",
    "social_report_contact_zone_trg()",
    "social_report_session_rebuild()",
    "social_report_contact_apply(integer[], integer, integer[], integer[], date[], boolean, boolean)",
    "social_report_local_day(integer, timestamp)",
)
CONTACT_TABLES = (
    "social_report_session_daily", "social_report_session_monthly", "social_report_session_contact",
)  # fmt: skip

# what data/person_aggregate.sql creates (its view uses social_report_age_band: dropped first)
PERSON_TRIGGERS = {
    "social_listening_session": (
        "social_report_persons_session_insert", "social_report_persons_session_update",
        "social_report_persons_session_delete",
    ),
    "social_person": ("social_report_persons_person_update",),
    "social_desk": ("social_report_persons_desk_update",),
    "res_company": ("social_report_persons_company_update",),
    "resource_calendar": ("social_report_persons_calendar_update",),
}  # fmt: skip
PERSON_FUNCTIONS = (
    "social_report_persons_session_trg()",
    "social_report_persons_person_trg()",
    "social_report_persons_zone_trg()",
    "social_report_persons_rebuild()",
    "social_report_persons_apply(integer[])",
)
PERSON_TABLES = (
    "social_report_person_monthly", "social_report_person_first",
    "social_report_person_municipality",
)  # fmt: skip


def post_init_hook(env):
    """Count the sessions already recorded."""
    env["social.report.session.need"]._rebuild()
    env["social.report.contact"]._rebuild()
    env["social.report.person"]._rebuild()


def uninstall_hook(env):
    """The triggers sit on the core's tables: left behind, they would fail every write of a
    session once their functions and tables are gone."""
    # the persons' first: their view uses social_report_age_band; then the contacts': their
    # view is built on social_report_session_key and their functions use the age band
    _drop_aggregate(
        env,
        PERSON_TRIGGERS,
        "social_report_person_session_key",
        PERSON_FUNCTIONS,
        PERSON_TABLES,
        "social_secretariat_reports.person_aggregate",
    )
    _drop_aggregate(
        env,
        CONTACT_TRIGGERS,
        "social_report_contact_key",
        CONTACT_FUNCTIONS,
        CONTACT_TABLES,
        "social_secretariat_reports.session_aggregate",
    )
    _drop_aggregate(
        env,
        TRIGGERS,
        "social_report_session_key",
        FUNCTIONS,
        TABLES,
        "social_secretariat_reports.session_need_aggregate",
    )


def _drop_aggregate(env, triggers_by_table, view, functions, tables, version_key):
    """Drop what one SQL file of data/ creates, and its version marker (the
    _aggregate_version_key of its model, models/social_report_aggregate.py)."""
    cr = env.cr
    for table, triggers in triggers_by_table.items():
        for trigger in triggers:
            cr.execute(
                SQL(
                    "DROP TRIGGER IF EXISTS %s ON %s",
                    SQL.identifier(trigger),
                    SQL.identifier(table),
                )
            )
    cr.execute(SQL("DROP VIEW IF EXISTS %s", SQL.identifier(view)))
    for function in functions:
        # a signature, not an identifier: constants of this file only
        cr.execute(SQL(f"DROP FUNCTION IF EXISTS {function}"))
    for table in tables:
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
    env["ir.config_parameter"].sudo().search(  # a technical marker, no user's
        [("key", "=", version_key)]
    ).unlink()
