from datetime import timedelta

import odoo.http
from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user

# Valid fictional codici fiscali (check characters computed by the standard algorithm).
CF_MARIO = "RSSMRA80C15G686K"  # Mario Rossi, male, 15/03/1980, Pioltello
CF_MARIO_OMOCODE = "RSSMRA80C15GS86H"  # the same person, omocodic form
CF_ANNA = "BNCNNA21B41Z343A"  # Anna Bianchi, female, 01/02/2021, born in Senegal


class SocialCase(TransactionCase):
    """An Ambito with two desks, an operator at each, a social worker, a coordinator,
    a small needs taxonomy and a few services."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False, mail_notrack=False))
        cls.company = cls.env.company
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Desk hours (test)", "tz": "Europe/Rome"}
        )
        Municipality = cls.env["social.municipality"]
        cls.pioltello = Municipality.create(
            {
                "name": "Pioltello",
                "istat_code": "999175",
                "cadastral_code": "g686",
                "province": "mi",
            }
        )
        cls.segrate = Municipality.create(
            {"name": "Segrate", "istat_code": "999205", "cadastral_code": "I577", "province": "MI"}
        )
        cls.operator_a = new_test_user(
            cls.env,
            "op_a",
            groups="social_secretariat.group_social_operator,base.group_allow_export",
            name="Operator A",
        )
        cls.operator_b = new_test_user(
            cls.env, "op_b", groups="social_secretariat.group_social_operator", name="Operator B"
        )
        cls.worker = new_test_user(
            cls.env,
            "worker_t",
            groups="social_secretariat.group_social_worker,base.group_allow_export",
            name="Worker",
        )
        cls.coordinator = new_test_user(
            cls.env,
            "coord_t",
            groups="social_secretariat.group_social_coordinator",
            name="Coordinator",
        )
        Desk = cls.env["social.desk"]
        cls.desk_a = Desk.create(
            {
                "name": "Sportello Pioltello (test)",
                "municipality_id": cls.pioltello.id,
                "resource_calendar_id": cls.calendar.id,
                "operator_ids": [Command.set([cls.operator_a.id, cls.worker.id])],
            }
        )
        cls.desk_b = Desk.create(
            {
                "name": "Sportello Segrate (test)",
                "municipality_id": cls.segrate.id,
                "resource_calendar_id": cls.calendar.id,
                "operator_ids": [Command.set([cls.operator_b.id])],
            }
        )
        cls.phone_desk = Desk.create(
            {
                "name": "Numero verde (test)",
                "kind": "phone_line",
                "sequence": 20,
                "operator_ids": [Command.set([cls.operator_a.id])],
            }
        )
        Need = cls.env["social.need"]
        cls.need_economic = Need.create(
            {"name": "Economic (t)", "code": "T.ECO", "user_area": "poverty"}
        )
        cls.need_rent = Need.create(
            {"name": "Rent arrears (t)", "code": "T.ECO.01", "parent_id": cls.need_economic.id}
        )
        cls.need_elderly = Need.create(
            {"name": "Elderly alone (t)", "code": "T.ANZ", "user_area": "elderly"}
        )
        cls.need_violence = Need.create(
            {"name": "Violence (t)", "code": "T.VIO", "is_special_category": True}
        )
        Service = cls.env["social.service"]
        cls.service_rent = Service.create(
            {
                "name": "Contributo affitto (t)",
                "need_ids": [Command.set([cls.need_rent.id])],
                "residence_requirement": "ambito",
                "min_age": 18,
                "is_published": True,
            }
        )
        cls.service_sad = Service.create(
            {
                "name": "Assistenza domiciliare (t)",
                "need_ids": [Command.set([cls.need_elderly.id])],
                "min_age": 65,
                "is_published": True,
            }
        )
        cls.service_cav = Service.create(
            {"name": "Centro antiviolenza (t)", "need_ids": [Command.set([cls.need_violence.id])]}
        )
        cls.person = cls.env["social.person"].create(
            {
                "first_name": "Mario",
                "last_name": "Rossi",
                "fiscal_code": CF_MARIO,
                "birth_date": "1980-03-15",
                "gender": "male",
                "phone": "02 9236 6364",
                "mobile": "347 123 4567",
                "residence_municipality_id": cls.pioltello.id,
            }
        )

    @classmethod
    def make_session(cls, desk=None, person=None, needs=None, user=None, **values):
        vals = {
            "desk_id": (desk or cls.desk_a).id,
            "person_id": person.id if person else False,
            "date": fields.Datetime.now() - timedelta(hours=1),
            "request": "Non riesco a pagare l'affitto",
            "need_ids": [Command.set((needs or cls.need_rent).ids)],
            "operator_ids": [Command.set((user or cls.operator_a).ids)],
        }
        vals.update(values)
        # recorded for the operator (who holds it): the person is then "met" at their desk
        session = cls.env["social.listening.session"].create(vals)
        return session.with_user(user) if user else session

    @classmethod
    def make_consent(cls, person=None, purpose="services", **values):
        return cls.env["social.consent"].create(
            {"person_id": (person or cls.person).id, "purpose": purpose, **values}
        )


class ItalianBrowserMixin:
    """For HttpCase tests of the visitors' pages: ask as an Italian citizen's browser does.

    The portal also speaks English (the footer's switcher): a client that names no language
    gets Odoo's English and is redirected to the /en/ pages."""

    def authenticate(self, user, password, browser=None):
        session = super().authenticate(user, password, browser=browser)
        if not user:
            # HttpCase gives the visitor's session Odoo's English; a visitor's browser here
            # asks for Italian, which a fresh session would take from the request
            session.context["lang"] = "it_IT"
            odoo.http.root.session_store.save(session)
        return session

    def url_open(self, url, *args, headers=None, **kwargs):
        headers = dict({"Accept-Language": "it-IT,it;q=0.9"}, **(headers or {}))
        return super().url_open(url, *args, headers=headers, **kwargs)
