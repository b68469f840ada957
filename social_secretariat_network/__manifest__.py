# Copyright 2026 Segretariato Sociale for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social Secretariat - Partner Network",
    # Beta: the network's back office, the partner portal, referrals from partners, contacts
    # and digital facilitation work and are tested as real partner users.
    "summary": "Segretariato Sociale Diffuso: network members and their operators, the "
    "partner portal (contacts, referrals and their outcome, digital facilitation), "
    "referrals from partners in the back office",
    "development_status": "Beta",
    "version": "18.0.1.2.0",
    "category": "Services/Social Secretariat",
    "license": "AGPL-3",
    "author": "Segretariato Sociale for Odoo contributors",
    "maintainers": ["social-secretariat"],
    "website": "https://github.com/social-secretariat/social-secretariat",
    "installable": True,
    "depends": ["social_secretariat"],
    "data": [
        "security/social_secretariat_network_groups.xml",
        "security/ir.model.access.csv",
        "security/social_network_rules.xml",
        "data/social_network_role_data.xml",
        "data/ir_cron_data.xml",
        "data/social_digital_competence_data.xml",
        "data/social_network_contact_data.xml",
        "views/social_network_member_views.xml",
        "views/social_desk_views.xml",
        "views/social_network_contact_views.xml",
        "wizards/social_network_wizard_views.xml",
        "views/social_digital_assistance_views.xml",
        "wizards/social_digital_assistance_export_views.xml",
        "views/social_network_menus.xml",
        "views/social_network_operator_request_views.xml",
        "views/social_service_views.xml",
        "views/social_network_member_activity_views.xml",
        "views/social_referral_views.xml",
        "views/portal_network_templates.xml",
        "views/portal_network_assistance_templates.xml",
        "views/portal_network_operators_templates.xml",
        "views/portal_network_catalogue_templates.xml",
        "views/portal_network_contact_templates.xml",
        "views/portal_network_referral_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "social_secretariat_network/static/tests/tours/network_assistance_tour.js",
            "social_secretariat_network/static/tests/tours/network_operators_tour.js",
            "social_secretariat_network/static/tests/tours/network_referral_tour.js",
            "social_secretariat_network/static/tests/tours/network_contact_tour.js",
        ],
    },
    "demo": [
        "demo/res_users_demo.xml",
        "demo/social_network_member_demo.xml",
        "demo/social_referral_demo.xml",
        "demo/social_network_contact_demo.xml",
    ],
}
