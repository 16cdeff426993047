"""Shared form conventions (docs/user-interface.md): labels without colons,
one date input everywhere, Designsystemet markup through the form renderer."""

from django import forms
from django.db import models

# One date convention: the browser's date picker sends ISO (åååå-mm-dd); a date
# typed as dd.mm.åååå (or dd.mm.åå) is accepted too, e.g. where the browser has
# no picker or from a pasted letter. settings.FORMAT_MODULE_PATH gives every
# DateField in both languages the same list.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


class DateInput(forms.DateInput):
    """A date picker (<input type="date">); in Norwegian the browser shows and
    takes dd.mm.åååå. The value is always written as ISO, as the input requires."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__({"placeholder": "dd.mm.åååå", **(attrs or {})}, format="%Y-%m-%d")


class DateField(forms.DateField):
    widget = DateInput
    input_formats = DATE_INPUT_FORMATS


def formfield(db_field, **kwargs):
    """formfield_callback for model forms: model dates get the shared date field."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateField)
        kwargs.setdefault("widget", DateInput)
    return db_field.formfield(**kwargs)


class Form(forms.Form):
    """Base form: labels without Django's colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ModelForm(forms.ModelForm):
    """Base model form: labels without colons, dates with the shared date field."""

    formfield_callback = formfield

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
