from django import template
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from helhet.audit.models import Answer

register = template.Library()
ANSWERS = dict(Answer.choices)


@register.filter
def percent(tally) -> str:
    """A tally's rate as "73 %", or "–" when the criterion applies to no one."""
    if tally is None or tally.percent is None:
        return "–"
    return f"{tally.percent} %"


@register.filter
def trend_cell(value) -> str:
    return "–" if value is None else f"{value} %"


# Whole rows of cells in one call: the unit table and the trend have hundreds of
# cells, and a template loop per cell made the page several times slower (docs/performance.md).


@register.filter
def unit_cells(tallies) -> str:
    """The unit table's cells of one criterion: the rate, and in parentheses how many fail."""
    return format_html_join(
        "",
        "<td>{}{}</td>",
        ((percent(t), f" ({t.not_met})" if t is not None and t.not_met else "") for t in tallies),
    )


@register.filter
def trend_cells(values) -> str:
    return format_html_join("", "<td>{}</td>", ((trend_cell(v),) for v in values))


@register.filter
def answer_label(value: str) -> str:
    return str(ANSWERS.get(value, _("Ikke besvart")))


@register.simple_tag
def may_see_compliance(user) -> bool:
    from helhet.audit.services import may_see_report

    return may_see_report(user=user)
