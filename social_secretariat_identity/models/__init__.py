from . import auth_oauth_provider, res_company, res_config_settings, res_users, social_person
