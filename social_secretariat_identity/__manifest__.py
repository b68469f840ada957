# Copyright 2026 Segretariato Sociale for Odoo contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Social Secretariat: SPID/CIE sign-in",
    "summary": "Citizens sign in with SPID or CIE through OpenID Connect (the codice fiscale "
    "links their person file); staff with a second factor",
    "version": "18.0.1.0.0",
    "category": "Services/Social Secretariat",
    "license": "AGPL-3",
    "author": "Segretariato Sociale for Odoo contributors",
    "maintainers": ["social-secretariat"],
    "website": "https://github.com/social-secretariat/social-secretariat",
    "installable": True,
    "depends": [
        "social_secretariat",
        # OCA server-auth: the OpenID Connect protocol (code flow with PKCE, id_token
        # signature, audience and at_hash checks) rather than a hand-written one
        "auth_oidc",
        # OCA server-auth: internal users set up an authenticator app at login
        "auth_totp_enforce",
        # the citizen's own security page (/my/security) with two-factor authentication
        "auth_totp_portal",
    ],
    "data": [
        "data/ir_config_parameter_data.xml",
        "views/auth_oauth_provider_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_users_views.xml",
        "views/identity_templates.xml",
    ],
    "demo": ["demo/identity_demo.xml"],
}
