"""A refused save shows both values as the page does: labels, not field names;
dd.mm.åååå, not stored ISO dates."""

from helhet.plans import presenters


def test_a_conflict_is_worded_for_the_editor():
    stored = {
        "section": "plan",
        "name": "revision_due",
        "theirs": "2026-03-01",
        "mine": "2026-04-15",
        "changed_by": [],
    }
    shown = presenters.conflict_display(stored)
    assert (shown["label"], shown["theirs"], shown["mine"]) == (
        "Neste revisjon",
        "01.03.2026",
        "15.04.2026",
    )
    assert shown["name"] == "revision_due" and stored["theirs"] == "2026-03-01"


def test_a_refused_removal_has_no_field_to_word():
    removal = {"name": "", "removal": True}
    assert presenters.conflict_display(removal) == removal
