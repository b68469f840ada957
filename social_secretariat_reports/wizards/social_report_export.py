import csv
import datetime
import io

import xlsxwriter
from dateutil.relativedelta import relativedelta
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

from ..tools import suppression

ROW_FIELDS = [
    ("municipality_id", "Municipality"),
    ("desk_id", "Desk"),
    ("user_area", "Area of need"),
    ("need_id", "Need"),
]
COLUMN_FIELDS = [
    ("date:month", "Month"),
    ("age_band", "Age band"),
    ("gender", "Gender"),
    ("citizenship_group", "Citizenship"),
]
# the file speaks the language of the Ambito's reports when it is installed
FILE_LANG = "it_IT"
EXPORT_ROUTE = "/social_secretariat_reports/export"


class SocialReportExport(models.TransientModel):
    """An aggregated table of contacts by need, with the small cells suppressed
    (tools/suppression.py): the only figures it reads are the observatory's sums, never a
    session or a person."""

    _name = "social.report.export"
    _description = "Anonymised export of the observatory"

    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_dates()[0]
    )
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_dates()[1])
    row_field = fields.Selection(ROW_FIELDS, string="Rows", required=True, default="need_id")
    column_field = fields.Selection(
        COLUMN_FIELDS, string="Columns", required=True, default="date:month"
    )
    threshold = fields.Integer(
        default=suppression.DEFAULT_THRESHOLD,
        required=True,
        help='Cells below it are shown as "<threshold"; at least 3 (Italian statistical rules).',
    )
    file_format = fields.Selection(
        [("csv", "CSV"), ("xlsx", "XLSX")], string="Format", required=True, default="xlsx"
    )

    @api.model
    def _default_dates(self):
        """The last whole year."""
        first = fields.Date.context_today(self).replace(month=1, day=1) - relativedelta(years=1)
        return first, first.replace(month=12, day=31)

    @api.constrains("threshold")
    def _check_threshold(self):
        for wizard in self:
            if wizard.threshold < suppression.MIN_THRESHOLD:
                raise ValidationError(
                    self.env._(
                        "The threshold must be at least %(minimum)s: Italian statistical rules "
                        "forbid publishing smaller counts.",
                        minimum=suppression.MIN_THRESHOLD,
                    )
                )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(self.env._("The period ends before it starts."))

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_export(self):
        """The file is made by a read-only route (controllers/observatory_export.py), so that
        the aggregation runs on the replica when there is one: the link carries the choices."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"{EXPORT_ROUTE}?{url_encode(self._export_params())}",
            "target": "download",
        }

    def _export_params(self):
        return {
            "date_from": fields.Date.to_string(self.date_from),
            "date_to": fields.Date.to_string(self.date_to),
            "row_field": self.row_field,
            "column_field": self.column_field,
            "threshold": self.threshold,
            "file_format": self.file_format,
        }

    @api.model
    def _from_params(self, params):
        """The wizard of an export link, in memory (a read-only transaction cannot store it),
        checked as the form is: who may export (the access rights of this model) and the
        values (the same constraints)."""
        self.check_access("create")
        invalid = ValidationError(self.env._("This export link is not valid."))
        try:
            values = {
                "date_from": fields.Date.to_date(params.get("date_from")),
                "date_to": fields.Date.to_date(params.get("date_to")),
                "threshold": int(params.get("threshold", "")),
            }
        except ValueError:
            raise invalid from None
        for name in ("row_field", "column_field", "file_format"):
            values[name] = params.get(name)
            if values[name] not in dict(self._fields[name].selection):
                raise invalid
        if not (values["date_from"] and values["date_to"]):
            raise invalid
        wizard = self.new(values)
        wizard._check_threshold()
        wizard._check_dates()
        return wizard

    def _export_file(self):
        """(file name, content): the table read as the user (the analysis' record rules
        apply: the user's Ambiti), its small cells suppressed."""
        self.ensure_one()
        wizard = self.with_context(lang=self.env["res.lang"]._get_code(FILE_LANG) or self.env.lang)
        labels, rows, table = wizard._read_table()
        result = suppression.suppress(table, self.threshold)
        lines = wizard._lines(labels, rows, result)
        if self.file_format == "csv":
            content = self._csv(lines)
        else:
            content = self._xlsx(lines, len(rows))
        return f"osservatorio_{self.date_from}_{self.date_to}.{self.file_format}", content

    # ------------------------------------------------------------
    # The table
    # ------------------------------------------------------------

    def _read_table(self):
        """(column labels, row labels, the counts as a list of rows), read as the
        user: the record rules of the analysis apply (the user's Ambiti)."""
        Report = self.env["social.report.session.need"]
        domain = [("date", ">=", self.date_from), ("date", "<=", self.date_to)]
        groups = Report._read_group(domain, [self.row_field, self.column_field], ["contacts:sum"])
        counts = {(row, column): contacts for row, column, contacts in groups}
        columns = self._column_keys({column for __, column in counts})
        rows = sorted({row for row, __ in counts}, key=self._row_sort_key)
        table = [[counts.get((row, column), 0) for column in columns] for row in rows]
        labels = [self._column_label(column) for column in columns]
        return labels, [self._row_label(row) for row in rows], table

    def _column_keys(self, found):
        if self.column_field == "date:month":
            # every month of the period, also those without contacts
            month = self.date_from.replace(day=1)
            months = []
            while month <= self.date_to:
                months.append(month)
                month += relativedelta(months=1)
            return months
        # every category, so that the table has the same shape whatever the data
        selection = self.env["social.report.session.need"]._fields[self.column_field].selection
        keys = [key for key, __ in selection]
        return keys + sorted((key for key in found if key not in keys), key=str)

    def _row_sort_key(self, row):
        if isinstance(row, models.BaseModel):
            return (not row, row.display_name or "")
        keys = [key for key, __ in self._selection(self.row_field)]
        return (not row, keys.index(row) if row in keys else len(keys))

    def _selection(self, name):
        field = self.env["social.report.session.need"]._fields[name]
        return field._description_selection(self.env)

    def _row_label(self, row):
        if isinstance(row, models.BaseModel):
            return row.display_name or self.env._("Not set")
        return dict(self._selection(self.row_field)).get(row) or self.env._("Not set")

    def _column_label(self, column):
        if isinstance(column, datetime.date):
            return column.strftime("%Y-%m")
        return dict(self._selection(self.column_field)).get(column) or self.env._("Not set")

    def _lines(self, labels, rows, result):
        """The file as lines of cells: header, rows, totals, then the note on the method."""
        row_name = dict(self._fields["row_field"]._description_selection(self.env))[self.row_field]
        total = self.env._("Total")
        lines = [[row_name, *labels, total]]
        for i, label in enumerate(rows):
            cells = [result.cell(i, j) for j in range(len(labels))]
            lines.append([label, *cells, result.row_total(i)])
        lines.append(
            [total, *(result.column_total(j) for j in range(len(labels))), result.grand_total()]
        )
        lines.append([])
        for note in self._notes(result):
            lines.append([note])
        return lines

    def _notes(self, result):
        return [
            self.env._(
                "Contacts by need from %(start)s to %(stop)s: a session counts once under each "
                "of its needs.",
                start=format_date(self.env, self.date_from),
                stop=format_date(self.env, self.date_to),
            ),
            self.env._(
                "Statistical disclosure control: cells below %(threshold)s are shown as "
                "%(mark)s; further cells are shown the same way so that none can be worked out "
                "from the totals (at least two hidden cells in every row and column that has "
                "one). Zeros are published. Totals are exact.",
                threshold=result.threshold,
                mark=result.mark,
            ),
        ]

    # ------------------------------------------------------------
    # Files
    # ------------------------------------------------------------

    @api.model
    def _csv(self, lines):
        buffer = io.StringIO()
        # semicolons and a byte order mark: what a spreadsheet set to Italian opens as columns
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(lines)
        return buffer.getvalue().encode("utf-8-sig")

    @api.model
    def _xlsx(self, lines, height):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Contacts by need")[:31])
        bold = workbook.add_format({"bold": True})
        right = workbook.add_format({"align": "right"})
        for i, line in enumerate(lines):
            # the header and the totals' row in bold
            style = bold if i in (0, height + 1) else None
            for j, value in enumerate(line):
                if isinstance(value, int):
                    sheet.write_number(i, j, value, style)
                elif j and i <= height + 1:
                    sheet.write_string(i, j, value, style or right)  # the mark
                else:
                    sheet.write_string(i, j, value, bold if j == 0 and i <= height + 1 else None)
        sheet.set_column(0, 0, 40)
        workbook.close()
        return buffer.getvalue()
