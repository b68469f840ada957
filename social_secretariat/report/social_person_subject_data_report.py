from odoo import api, models


class ReportSocialPersonSubjectData(models.AbstractModel):
    """The printed answer to a data-subject access request (art. 15 GDPR): everything held
    about a person, with labels and local times. The values come from
    social.person.subject.data, which checks the reader whatever the route (the report's own
    /report/pdf route included): a coordinator who reads the file, or the person themselves."""

    _name = "report.social_secretariat.report_social_person_subject_data"
    _description = "Personal data of a person"

    @api.model
    def _get_report_values(self, docids, data=None):
        persons = self.env["social.person"].browse(docids)
        subject_data = self.env["social.person.subject.data"]
        answers = []
        for person in persons:
            controller, address = subject_data._controller(person)
            answers.append(
                {
                    "person": person,
                    "sections": subject_data._report_sections(person),
                    "controller": controller,
                    "address": address,
                    "extracted": subject_data._now_text(),
                }
            )
        return {
            "doc_ids": docids,
            "doc_model": "social.person",
            "docs": persons,
            "answers": answers,
        }
