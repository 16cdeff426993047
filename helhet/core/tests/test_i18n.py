"""The English translation: switching language, and the committed catalogue being complete.

Norwegian bokmål is the source language (the msgids), so Norwegian needs no catalogue; English
lives in helhet/locale/en. Both django.po and the compiled django.mo are committed, because CI
machines may lack gettext; these tests catch a .mo that was not recompiled after the .po changed.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from helhet import testing
from helhet.organisation.models import Role

EN = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([^)]+\)[-+ #0]*\d*(?:\.\d+)?[sdfr]|%[sd]")


def parse_po(text: str) -> list[dict]:
    """The live entries of a .po file: msgid, msgid_plural, msgstr list, flags."""
    entries, entry, field = [], None, None
    for line in text.splitlines() + [""]:
        line = line.strip()
        if not line or line.startswith("#~"):
            if entry is not None:
                entries.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgid_plural": None, "msgstr": {}, "flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            append(entry, field, ast.literal_eval(line))
        else:
            keyword, _, rest = line.partition(" ")
            field = keyword
            if keyword == "msgid_plural":
                entry["msgid_plural"] = ""
            append(entry, field, ast.literal_eval(rest))
    return entries


def append(entry: dict, field: str, text: str) -> None:
    if field.startswith("msgstr"):
        index = int(field[7:-1]) if field != "msgstr" else 0
        entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
    else:
        entry[field] += text


@pytest.fixture(scope="module")
def po_entries():
    return [e for e in parse_po((EN / "django.po").read_text("utf-8")) if e["msgid"]]


def test_every_english_entry_is_translated_and_none_is_fuzzy(po_entries):
    assert len(po_entries) > 500
    untranslated = [e["msgid"] for e in po_entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    plural_gaps = [e["msgid"] for e in po_entries if e["msgid_plural"] and len(e["msgstr"]) != 2]
    assert untranslated == []
    assert fuzzy == []
    assert plural_gaps == []


def test_translations_keep_the_placeholders_of_the_norwegian_text(po_entries):
    def placeholders(text):
        return sorted(set(PLACEHOLDER.findall(text)))

    broken = [
        e["msgid"]
        for e in po_entries
        if placeholders(e["msgstr"][0]) != placeholders(e["msgid"])
        or (e["msgid_plural"] and placeholders(e["msgstr"][1]) != placeholders(e["msgid_plural"]))
    ]
    assert broken == []


def test_the_committed_mo_is_compiled_from_the_committed_po(po_entries):
    with open(EN / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    stale = []
    for e in po_entries:
        if e["msgid_plural"]:
            compiled = [catalog.get((e["msgid"], n)) for n in range(len(e["msgstr"]))]
            expected = [e["msgstr"][n] for n in range(len(e["msgstr"]))]
        else:
            compiled, expected = catalog.get(e["msgid"]), e["msgstr"][0]
        if compiled != expected:
            stale.append(e["msgid"])
    assert stale == [], "Run `helhet compilemessages` and commit django.mo"


@pytest.mark.django_db
def test_login_page_is_norwegian_by_default(client):
    response = client.get("/logg-inn/")
    page = response.content.decode()
    assert '<html lang="nb">' in page
    assert "Logg inn" in page
    assert "Brukernavn" in page


@pytest.mark.django_db
def test_choosing_english_translates_the_login_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/logg-inn/"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in page
    assert "Log in" in page
    assert "Username" in page
    assert "Logg inn" not in page


@pytest.mark.django_db
def test_staff_pages_follow_the_chosen_language_and_can_switch_back(client):
    client.force_login(testing.staff(testing.municipality(), Role.CASEWORKER))
    client.post("/i18n/setlang/", {"language": "en", "next": "/personer/"})

    english = client.get("/personer/").content.decode()
    assert "Search for a person" in english
    assert "Log out" in english
    assert "Søk etter person" not in english

    client.post("/i18n/setlang/", {"language": "nb", "next": "/personer/"})
    norwegian = client.get("/personer/").content.decode()
    assert "Søk etter person" in norwegian
    assert "Logg ut" in norwegian
