# Copyright 2026 Segretariato Sociale for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social Secretariat - Partner Network",
    # A shell for now: the partner group and its demo user only. The partner network (members,
    # partner portal, digital facilitation) is being built; the summary says no more than is here.
    "summary": "Segretariato Sociale Diffuso (in development): the partner operators' "
    "security group; the partner network and its portal are not built yet",
    "development_status": "Alpha",
    "version": "18.0.1.0.0",
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
    ],
    "demo": [
        "demo/res_users_demo.xml",
    ],
}
