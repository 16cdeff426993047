from django import template
from django.utils.translation import gettext_lazy as _

from helhet.intake.rules import State

register = template.Library()

LABELS = {
    State.NOT_APPLICABLE: _("Ikke aktuelt"),
    State.PENDING: _("Innenfor fristen"),
    State.DUE: _("Forfaller"),
    State.OVERDUE: _("Frist passert"),
    State.ESCALATED: _("Eskalert til kommunalsjef"),
    State.DONE: _("Utført i tide"),
    State.LATE: _("Utført for sent"),
}
CLASSES = {
    State.DUE: "warn",
    State.OVERDUE: "bad",
    State.ESCALATED: "bad",
    State.DONE: "ok",
    State.LATE: "bad",
}


@register.filter
def state_label(state) -> str:
    return str(LABELS.get(state, ""))


@register.filter
def state_class(state) -> str:
    return CLASSES.get(state, "")
