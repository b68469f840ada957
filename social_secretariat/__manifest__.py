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
        "views/social_secretariat_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
    ],
}
