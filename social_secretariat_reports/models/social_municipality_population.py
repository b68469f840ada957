from odoo import api, fields, models


class SocialMunicipalityPopulation(models.Model):
    """The residents of a municipality on a date (e.g. ISTAT's 1 January figure): the
    denominator of the observatory's rates per 1,000 residents. One figure per reference
    date, kept when a new one arrives, so that a past period is divided by the population of
    its own time."""

    _name = "social.municipality.population"
    _description = "Residents of a municipality on a date"
    _order = "municipality_id, reference_date desc"
    _rec_name = "municipality_id"

    municipality_id = fields.Many2one(
        "social.municipality", required=True, index=True, ondelete="cascade"
    )
    reference_date = fields.Date(
        required=True,
        default=lambda self: fields.Date.today().replace(month=1, day=1),
        help="The date the count refers to (ISTAT publishes the residents on 1 January).",
    )
    residents = fields.Integer(required=True)
    source = fields.Char(default="ISTAT", help="Where the figure comes from.")
    company_id = fields.Many2one(
        related="municipality_id.company_id", string="Ambito", store=True, index=True
    )

    _sql_constraints = [
        (
            "residents_positive",
            "CHECK (residents > 0)",
            "The number of residents must be greater than zero.",
        ),
        (
            "municipality_date_uniq",
            "unique(municipality_id, reference_date)",
            "This municipality already has a figure for this reference date.",
        ),
    ]

    @api.model
    def _residents_at(self, municipalities, day):
        """{municipality id: residents} on `day`: the figure with the latest reference date
        on or before it, else the earliest after it (a period before the first figure
        loaded). A municipality without any figure is left out: the caller shows no rate
        rather than a rate on zero or on a guess."""
        ids = (
            municipalities.ids
            if isinstance(municipalities, models.BaseModel)
            else list(municipalities)
        )
        result = {}
        if not ids:
            return result
        figures = self.search_read(
            [("municipality_id", "in", ids)],
            ["municipality_id", "reference_date", "residents"],
            order="municipality_id, reference_date",
        )
        for figure in figures:
            municipality_id = figure["municipality_id"][0]
            if figure["reference_date"] <= day or municipality_id not in result:
                result[municipality_id] = figure["residents"]
        return result
