"""What the workflow tells the consultation service about the parties of a case."""

from __future__ import annotations

from entrypoints.samples import sample_applications
from schemas.application import PartyKind
from workflows.consultation import case_parties


def test_a_party_declared_as_a_person_is_marked_individual_so_its_name_is_withheld() -> None:
    application = sample_applications()[2]
    person = application.end_users[0].model_copy(
        update={"name": "Maria Quispe Huaman", "kind": PartyKind.INDIVIDUAL}
    )
    declared = application.model_copy(update={"end_users": [person]})
    parties = {party.name: party for party in case_parties(declared)}
    assert parties["Maria Quispe Huaman"].individual
    assert not parties[application.applicant.name].individual


def test_parties_are_organisations_unless_declared_otherwise() -> None:
    assert not any(party.individual for party in case_parties(sample_applications()[0]))
