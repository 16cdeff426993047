"""Each criterion added around the person states its legal basis and its method."""

import pytest

from helhet.audit.criteria import BY_ID
from helhet.core.legal import REFERENCES

NEW = (
    "discharge_aftercare",
    "gp_informed_of_plan",
    "children_as_relatives",
    "user_involvement_system",
    "staff_competence",
    "staff_safety",
)


@pytest.mark.parametrize("criterion_id", NEW)
def test_each_new_criterion_cites_the_law_and_states_its_method(criterion_id):
    criterion = BY_ID[criterion_id]
    assert criterion.legal_basis in REFERENCES and "§" in criterion.legal_text
    for text in (
        criterion.definition,
        criterion.population,
        criterion.met_when,
        criterion.blind_spots,
    ):
        assert len(str(text)) > 20
