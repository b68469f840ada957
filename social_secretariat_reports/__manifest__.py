# Copyright 2026 Segretariato Sociale for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social Secretariat - Observatory",
    # A shell for now: the observatory group only. The analyses, the periodic report and the
    # exports are being built; the summary says no more than is here.
    "summary": "Osservatorio (in development): the observatory's security group; the "
    "analyses, the periodic report and the exports are not built yet",
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
        "security/social_secretariat_reports_groups.xml",
        "security/ir.model.access.csv",
    ],
}
