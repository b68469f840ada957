"""Open Referral HSDS 3.0 as a tabular data package: the shipped datapackage.json (as the
specification publishes it), stable identifiers, writing the zip and reading one back.

Reading checks a file against the shipped schema before anything is imported (required fields,
formats, enumerations, unique ids, the references between the tables): the same rules a
`frictionless validate` applies, without needing frictionless on the server."""

import csv
import datetime
import io
import json
import re
import uuid
import zipfile

from odoo.exceptions import UserError
from odoo.tools import file_open

DATAPACKAGE_PATH = "social_secretariat_reports/data/hsds/datapackage.json"

# the namespace of the identifiers derived from a record's hsds_id (uuid5): the rows that link
# two records (a service at a location) or hang off one (a desk's address) have no record of
# their own, and must still keep their id from one export to the next
NAMESPACE = uuid.UUID("8d8f4c36-5a1e-4c55-9a0f-7b1f0e6f2c41")
# the needs taxonomy is the same everywhere the addon is installed: one id for it
NEEDS_TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "social_secretariat.need"))

# resource.calendar.attendance.dayofweek (0 = Monday) as iCalendar days
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d))?")
# the errors listed in one message: a broken file has hundreds alike
MAX_ERRORS = 20


def derived_id(*parts):
    """A stable id for a row that has no record of its own, from the ids it hangs off."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


def datapackage_bytes():
    with file_open(DATAPACKAGE_PATH, "rb") as file:
        return file.read()


def datapackage():
    return json.loads(datapackage_bytes())


def resources():
    """{resource name: resource} of the shipped data package, in its order."""
    return {resource["name"]: resource for resource in datapackage()["resources"]}


def hours_to_time(hours):
    """12.5 -> "12:30:00" (frictionless' time: seconds included)."""
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def time_to_hours(value):
    match = TIME_RE.match(value)
    return int(match.group(1)) + int(match.group(2)) / 60


def write_package(tables):
    """The zip: the shipped datapackage.json and one CSV per resource, in the field order of the
    schema; `tables` is {resource name: [row dicts]}. Every resource gets its file (header only
    when empty): the data package names them all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", datapackage_bytes())
        for name, resource in resources().items():
            fields = [field["name"] for field in resource["schema"]["fields"]]
            rows = sorted(tables.get(name, []), key=lambda row: row["id"])
            text = io.StringIO()
            writer = csv.DictWriter(text, fields, lineterminator="\r\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _cell(value) for key, value in row.items()})
            archive.writestr(resource["path"], text.getvalue().encode())
    return buffer.getvalue()


def _cell(value):
    if value is None or value is False:
        return ""
    # as read back (read_package): no space around a value
    return str(value).strip()


# ------------------------------------------------------------
# Reading
# ------------------------------------------------------------


def read_package(env, content):
    """{resource name: [row dicts]} of a zip in the format of write_package, checked against
    the shipped schema: a UserError lists what is wrong, and nothing is read from a file with
    errors. The files of the package may sit in a folder of the zip; resources without a file
    are empty; the organizations are required."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as error:
        raise UserError(
            env._("The file is not a zip archive of an Open Referral (HSDS) data package.")
        ) from error
    names = {name.rsplit("/", 1)[-1]: name for name in archive.namelist()}
    package = resources()
    errors = []
    tables = {}
    for name, resource in package.items():
        path = resource["path"]
        if path not in names:
            if name == "organization":
                errors.append(env._("%(file)s is missing.", file=path))
            tables[name] = []
            continue
        try:
            text = archive.read(names[path]).decode("utf-8-sig")
        except UnicodeDecodeError:
            errors.append(env._("%(file)s is not UTF-8 text.", file=path))
            tables[name] = []
            continue
        tables[name] = _read_rows(env, resource, text, errors)
    if not errors:
        _check_references(env, package, tables, errors)
    if errors:
        more = len(errors) - MAX_ERRORS
        lines = errors[:MAX_ERRORS]
        if more > 0:
            lines.append(env._("… and %(count)s more errors.", count=more))
        raise UserError(
            env._(
                "The Open Referral file cannot be imported, nothing was changed:\n%(errors)s",
                errors="\n".join(lines),
            )
        )
    return tables


def _read_rows(env, resource, text, errors):
    path = resource["path"]
    fields = {field["name"]: field for field in resource["schema"]["fields"]}
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [column for column in header if column not in fields]
    if unknown:
        errors.append(
            env._(
                "%(file)s: unknown columns %(columns)s (HSDS 3.0 has no such field).",
                file=path,
                columns=", ".join(unknown),
            )
        )
        return []
    missing = [
        name
        for name, field in fields.items()
        if field.get("constraints", {}).get("required") and name not in header
    ]
    if missing:
        errors.append(
            env._(
                "%(file)s: the required columns %(columns)s are missing.",
                file=path,
                columns=", ".join(missing),
            )
        )
        return []
    rows = []
    seen = {name: set() for name, field in fields.items() if _constraint(field, "unique")}
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            errors.append(
                env._("%(file)s, row %(row)s: more cells than columns.", file=path, row=number)
            )
            continue
        row = {name: (raw.get(name) or "").strip() for name in fields}
        for name, value in row.items():
            message = _check_value(env, fields[name], value)
            if message:
                errors.append(
                    env._(
                        "%(file)s, row %(row)s, %(field)s: %(message)s",
                        file=path,
                        row=number,
                        field=name,
                        message=message,
                    )
                )
            elif value and name in seen:
                if value in seen[name]:
                    errors.append(
                        env._(
                            "%(file)s, row %(row)s, %(field)s: “%(value)s” is repeated.",
                            file=path,
                            row=number,
                            field=name,
                            value=value,
                        )
                    )
                seen[name].add(value)
        rows.append(row)
    return rows


def _constraint(field, name):
    return field.get("constraints", {}).get(name)


def _check_value(env, field, value):
    """What is wrong with one cell, or None."""
    if not value:
        return env._("required, but empty.") if _constraint(field, "required") else None
    enum = _constraint(field, "enum")
    if enum and value not in enum:
        return env._("“%(value)s” is not one of %(values)s.", value=value, values=", ".join(enum))
    kind = field.get("type")
    fmt = field.get("format")
    if fmt == "uuid" and not UUID_RE.match(value):
        return env._("“%(value)s” is not a UUID.", value=value)
    if fmt == "email" and not EMAIL_RE.match(value):
        return env._("“%(value)s” is not an e-mail address.", value=value)
    if fmt == "uri" and not URI_RE.match(value):
        return env._("“%(value)s” is not a URI.", value=value)
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return env._("“%(value)s” is not a number.", value=value)
    if kind == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return env._("“%(value)s” is not a date (YYYY-MM-DD).", value=value)
    if kind == "datetime":
        try:
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return env._("“%(value)s” is not a date and time.", value=value)
    if kind == "time" and not TIME_RE.match(value):
        return env._("“%(value)s” is not a time (HH:MM:SS).", value=value)
    return None


def _check_references(env, package, tables, errors):
    """The foreign keys of the schema: a reference names an existing row."""
    for name, resource in package.items():
        for key in resource["schema"].get("foreignKeys", []):
            field = key["fields"]
            target = key["reference"]["resource"]
            ids = {row[key["reference"]["fields"]] for row in tables[target]}
            for number, row in enumerate(tables[name], start=2):
                if row[field] and row[field] not in ids:
                    errors.append(
                        env._(
                            "%(file)s, row %(row)s, %(field)s: no row of %(target)s has the id "
                            "“%(value)s”.",
                            file=resource["path"],
                            row=number,
                            field=field,
                            target=package[target]["path"],
                            value=row[field],
                        )
                    )
