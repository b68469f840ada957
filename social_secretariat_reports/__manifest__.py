# Copyright 2026 Segretariato Sociale for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social Secretariat - Observatory",
    "summary": "Osservatorio: aggregated, anonymised analysis of the social demand, "
    "periodic report and open-data exports",
    "version": "18.0.1.0.0",
    "category": "Services/Social Secretariat",
    "license": "AGPL-3",
    "author": "Segretariato Sociale for Odoo contributors",
    "maintainers": ["social-secretariat"],
    "website": "https://github.com/social-secretariat/social-secretariat",
    "installable": True,
    "depends": ["social_secretariat"],
    "data": [
        "security/social_secretariat_reports_groups.xml",
        "security/ir.model.access.csv",
    ],
}
