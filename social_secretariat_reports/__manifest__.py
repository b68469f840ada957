# Copyright 2026 Segretariato Sociale for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social Secretariat - Observatory",
    # The observatory so far: the maintained aggregate, the needs, referral and desk
    # analyses, the anonymised exports. The dashboard, the periodic report, distinct persons
    # and the replica are still to come; the summary says no more than is here.
    "summary": "Osservatorio (in development): contacts by need from an exact aggregate kept "
    "by the database, referrals and desk workload, anonymised exports with cell suppression",
    "development_status": "Alpha",
    "version": "18.0.1.2.0",
    "category": "Services/Social Secretariat",
    "license": "AGPL-3",
    "author": "Segretariato Sociale for Odoo contributors",
    "maintainers": ["social-secretariat"],
    "website": "https://github.com/social-secretariat/social-secretariat",
    "installable": True,
    "depends": ["social_secretariat", "spreadsheet_dashboard"],
    "data": [
        "security/social_secretariat_reports_groups.xml",
        "security/ir.model.access.csv",
        "security/social_secretariat_reports_rules.xml",
        "data/social_report_rebuild_cron.xml",
        "views/social_report_session_need_views.xml",
        "views/social_report_contact_views.xml",
        "views/social_report_person_views.xml",
        "views/social_report_referral_views.xml",
        "views/social_report_desk_views.xml",
        "views/social_report_unmet_need_views.xml",
        "views/res_config_settings_views.xml",
        "data/social_retention_cron.xml",
        "wizards/social_report_export_views.xml",
        "wizards/social_report_periodic_views.xml",
        "report/social_report_periodic_report.xml",
        "views/social_municipality_population_views.xml",
        "data/spreadsheet_dashboard_data.xml",
        "wizards/social_hsds_export_views.xml",
        "wizards/social_hsds_import_views.xml",
        "views/social_secretariat_reports_menus.xml",
    ],
    "demo": ["demo/social_municipality_population_demo.xml"],
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
}
