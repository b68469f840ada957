from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestObservatoryContacts(TransactionCase):
    """The observatory reads no individual of the public: not the contact of someone who wrote
    to the online desk without a file, nor a citizen's portal account; the staff keep reading
    them as before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.observatory = new_test_user(
            cls.env, "obs_contacts", groups="social_secretariat_reports.group_social_observatory"
        )
        cls.operator = new_test_user(
            cls.env, "op_contacts", groups="social_secretariat.group_social_operator"
        )
        cls.individual = cls.env["res.partner"].create(
            {"name": "Karim Privato", "email": "karim.privato@example.com"}
        )
        cls.citizen = new_test_user(
            cls.env, "citizen_contacts", name="Nadia Privata", groups="base.group_portal"
        )
        cls.organisation = cls.env["res.partner"].create(
            {"name": "Associazione Esempio", "is_company": True}
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Volontaria Esempio", "parent_id": cls.organisation.id}
        )

    def test_observatory_reads_no_individual(self):
        partners = self.env["res.partner"].with_user(self.observatory)
        wanted = self.individual | self.citizen.partner_id
        self.assertFalse(partners.search([("id", "in", wanted.ids)]))
        self.assertFalse(partners.name_search("Privat"))
        for partner in wanted:
            with self.assertRaises(AccessError):
                partners.browse(partner.id).read(["name", "email"])
        users = self.env["res.users"].with_user(self.observatory)
        self.assertFalse(users.search([("id", "=", self.citizen.id)]))
        with self.assertRaises(AccessError):
            users.browse(self.citizen.id).read(["login"])

    def test_observatory_reads_staff_organisations_and_itself(self):
        partners = self.env["res.partner"].with_user(self.observatory)
        seen = self.organisation | self.member | self.operator.partner_id
        seen |= self.observatory.partner_id
        self.assertEqual(partners.search([("id", "in", seen.ids)]), seen)
        users = self.env["res.users"].with_user(self.observatory)
        mine = self.observatory | self.operator
        self.assertEqual(users.search([("id", "in", mine.ids)]), mine)

    def test_staff_still_read_them(self):
        partners = self.env["res.partner"].with_user(self.operator)
        wanted = self.individual | self.citizen.partner_id
        self.assertEqual(partners.search([("id", "in", wanted.ids)]), wanted)
        # an operator who is also in the observatory keeps the operator's reads
        self.operator.groups_id |= self.env.ref(
            "social_secretariat_reports.group_social_observatory"
        )
        self.assertEqual(partners.search([("id", "in", wanted.ids)]), wanted)
