from django import template
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


@register.filter
def answer_label(value: str) -> str:
    return str(ANSWERS.get(value, _("Ikke besvart")))


@register.simple_tag
def may_see_compliance(user) -> bool:
    from helhet.audit.services import may_see_report

    return may_see_report(user)
