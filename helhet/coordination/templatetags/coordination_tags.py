"""One overview row as HTML, in Python.

The overview shows 50 plans per page; through the template engine each row
cost about a millisecond, more than all the page's queries together
(docs/performance.md). ``format_html`` escapes every value just as the
template would.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def overview_row(row):
    return format_html(
        '<td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>',
        reverse("plans:detail", args=[row.plan_id]),
        row.person_name,
        row.status_label,
        _coordinator(row),
        row.unit_name or "–",
        _revision(row),
        _missing(row),
    )


def _coordinator(row):
    if row.coordinator_name:
        return row.coordinator_name
    return format_html('<span class="badge warn">{}</span>', _("Ikke oppnevnt"))


def _revision(row):
    if row.revision_due is None:
        return "–"
    due = row.revision_due.strftime("%d.%m.%Y")
    if row.overdue:
        return format_html('{} <span class="badge bad">{}</span>', due, _("Forfalt"))
    return due


def _missing(row):
    if row.missing:
        return format_html_join(
            " ",
            '<abbr class="badge bad" title="{}">{}</abbr>',
            ((label, letter) for letter, label in row.missing),
        )
    if row.is_active:
        return format_html('<span class="badge ok">{}</span>', _("Komplett"))
    return "–"


@register.simple_tag
def ip_content():
    """Forskrift § 19's letters with their words: the legend under the
    overview, whose column shows the letters only to stay narrow."""
    from helhet.core.legal import IP_CONTENT

    return list(IP_CONTENT.items())
