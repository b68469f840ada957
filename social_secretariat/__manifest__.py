# Copyright 2026 Segretariato Sociale for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social Secretariat",
    "summary": "Segretariato Sociale: first-contact desks, listening sessions, "
    "needs, service catalogue and closed-loop referrals of an Ambito territoriale",
    "version": "18.0.1.0.0",
    "category": "Services/Social Secretariat",
    "license": "AGPL-3",
    "author": "Segretariato Sociale for Odoo contributors",
    "maintainers": ["social-secretariat"],
    "website": "https://github.com/social-secretariat/social-secretariat",
    "application": True,
    "installable": True,
    # phonenumbers: phone normalisation; python-codicefiscale: birthplace of a
    # codice fiscale (stdnum, shipped with Odoo, checks the code itself).
    "external_dependencies": {"python": ["phonenumbers", "python-codicefiscale"]},
    "depends": [
        "mail",
        "portal",
        "calendar",
        "contacts",
        "resource",
        "phone_validation",
    ],
    "data": [
        "security/social_secretariat_groups.xml",
        "security/ir.model.access.csv",
        "security/social_secretariat_rules.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/social_need_data.xml",
        "views/social_municipality_views.xml",
        "views/social_desk_views.xml",
        "views/social_need_views.xml",
        "views/social_service_views.xml",
        "views/social_consent_views.xml",
        "views/social_person_access_log_views.xml",
        "wizards/social_referral_transition_views.xml",
        "wizards/social_phone_log_views.xml",
        "wizards/social_person_anonymise_views.xml",
        "views/social_person_views.xml",
        "views/social_listening_session_views.xml",
        "views/social_referral_views.xml",
        "views/res_config_settings_views.xml",
        "views/social_secretariat_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "social_secretariat/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/res_users_demo.xml",
        "demo/social_municipality_demo.xml",
        "demo/social_desk_demo.xml",
        "demo/social_service_demo.xml",
        "demo/social_demo_history.xml",
    ],
}
