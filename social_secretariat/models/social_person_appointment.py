from odoo import fields, models


class SocialPerson(models.Model):
    _inherit = "social.person"

    appointment_ids = fields.One2many("social.appointment", "person_id", string="Appointments")
    appointment_count = fields.Integer(compute="_compute_appointment_count")

    def _compute_appointment_count(self):
        groups = self.env["social.appointment"]._read_group(
            [("person_id", "in", self.ids)], ["person_id"], ["__count"]
        )
        counts = {person.id: count for person, count in groups}
        for person in self:
            person.appointment_count = counts.get(person.id, 0)

    def action_view_appointments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "social_secretariat.social_appointment_action"
        )
        action["domain"] = [("person_id", "=", self.id)]
        action["context"] = {"default_person_id": self.id}
        action["view_mode"] = "list,calendar,form"
        action["views"] = [(False, "list"), (False, "calendar"), (False, "form")]
        return action

    def action_book_appointment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Book an appointment"),
            "res_model": "social.appointment.booking.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_person_id": self.id},
        }
