"""The shared form conventions: one date convention, no colons, no dashes."""

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from helhet.core import forms as core_forms


class _Form(core_forms.Form):
    day = core_forms.DateField(label="Dato")
    kind = forms.ChoiceField(label="Type", choices=[("", "---------"), ("a", "A")])


@pytest.mark.parametrize("typed", ["2026-03-02", "02.03.2026", "02.03.26"])
@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_date_is_accepted_from_the_picker_or_typed_the_norwegian_way(typed, language):
    with translation.override(language):
        form = _Form({"day": typed, "kind": "a"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date(2026, 3, 2)


def test_a_plain_django_date_field_takes_dd_mm_yyyy_in_english_too():
    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("02.03.2026") == dt.date(2026, 3, 2)


def test_a_bad_date_is_refused_in_norwegian():
    with translation.override("nb"):
        form = _Form({"day": "31.02.2026", "kind": "a"})
        assert not form.is_valid()
        assert "gyldig dato" in form.errors["day"][0]


def test_the_date_picker_shows_iso_and_a_hint():
    html = _Form(initial={"day": dt.date(2026, 3, 2)})["day"].as_widget()
    assert 'type="date"' in html
    assert 'value="2026-03-02"' in html
    assert 'placeholder="dd.mm.åååå"' in html


def test_labels_have_no_colon_and_selects_no_dashes():
    form = _Form()
    assert form["day"].label_tag() == '<label for="id_day">Dato</label>'
    html = str(form)
    assert "---------" not in html
    assert "Velg …" in html
    assert "Dato:" not in html


def test_a_django_form_without_the_base_class_loses_its_colon_too():
    class Plain(forms.Form):
        name = forms.CharField(label="Navn")

    assert ">Navn</label>" in Plain()["name"].label_tag()


def test_the_error_summary_lists_each_message_once_with_a_link_to_its_field():
    form = _Form({"day": "", "kind": ""})
    assert not form.is_valid()
    html = str(form)
    assert html.count('class="ds-error-summary') == 1
    assert 'href="#id_day"' in html
    assert 'href="#id_kind"' in html
    assert html.count("Dato: Dette feltet er påkrevd.") == 1
