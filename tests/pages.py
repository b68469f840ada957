"""What the end-to-end tests read in a page or look up as the administrator: the links and
hidden fields of a portal page (as a browser's user follows and posts them), a record's id by
its XML id."""

import html
import re


def hrefs(response, prefix):
    """The links of the page that start with `prefix`, unescaped, in page order."""
    found = re.findall(r'href="(%s[^"]*)"' % re.escape(prefix), response.text)
    return [html.unescape(link) for link in found]


def hidden(response, name):
    """The value of the page's hidden field `name` (the test fails without one)."""
    match = re.search(r'name="%s"\s+value="([^"]*)"' % re.escape(name), response.text)
    assert match, f"no field {name} in {response.url}"
    return html.unescape(match.group(1))


def xmlid(admin, module, name):
    """The id of the record of XML id module.name, read by an administrator's client."""
    return admin.call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        ["res_id"],
    )[0]["res_id"]
