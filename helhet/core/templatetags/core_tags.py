from dataclasses import dataclass

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.filter
def is_checkbox(bound_field) -> bool:
    """A single check box: its label goes after the box."""
    widget = bound_field.field.widget
    return getattr(widget, "input_type", "") == "checkbox" and not getattr(
        widget, "allow_multiple_selected", False
    )


@register.filter
def without_label_suffix(label):
    """Labels carry no colon (docs/user-interface.md): Django adds its
    label_suffix in label_tag, before the template sees the label."""
    suffix = gettext(":")
    text = str(label)
    if suffix and text.endswith(suffix):
        stripped = text[: -len(suffix)]
        return mark_safe(stripped) if hasattr(label, "__html__") else stripped
    return label


@dataclass(frozen=True)
class ErrorItem:
    message: str
    label: str
    anchor: str


@register.simple_tag
def error_items(form) -> list[ErrorItem]:
    """Every error of the form once, in field order, each with its field's id
    for the summary's link (non-field errors first, without a link)."""
    items: list[ErrorItem] = []
    seen: set[tuple[str, str]] = set()

    def add(message, label="", anchor=""):
        key = (label, str(message))
        if key not in seen:
            seen.add(key)
            items.append(ErrorItem(str(message), label, anchor))

    for message in form.non_field_errors():
        add(message)
    for field in form:
        for message in field.errors:
            if field.is_hidden:
                add(message)
            else:
                add(message, str(conditional_escape(field.label or "")), field.id_for_label or "")
    return items
