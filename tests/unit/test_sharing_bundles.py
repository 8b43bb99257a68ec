"""Policy bundles: what a bundle must be to be taken in, how a partner's part differs from ours
key by key, and an adoption that puts only the chosen keys in force in the owning service."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import JsonValue

from caseflow.adopted_policy import adopted_file, write_adopted
from caseflow.settings import Settings
from entrypoints.policy_parts import policy_parts
from entrypoints.samples import sample_applications
from schemas.sharing import ExchangedNotice, ExchangeKind, PolicyBundle, PolicyPart, policy_hash
from services.consultation.bootstrap import routing_policy_in_force
from services.screening.bootstrap import policy_in_force
from services.screening.rules.destination import destination_findings
from services.sharing.bundles import Adoption, PolicyParts, documents_after_adoption
from services.sharing.exchanged import read_exchanged
from services.sharing.policy_diff import AdoptionRefused, Change, adopt, diff
from services.sharing.signing import RefusalReason, Refused

NOW = datetime(2026, 12, 6, 17, 0, tzinfo=UTC)
Document = dict[str, JsonValue]


def shipped(part: PolicyPart) -> Document:
    [source] = [s for s in policy_parts() if s.part is part]
    document: Document = json.loads(source.shipped.read_text())
    return document


def bundle_of(state: str, parts: dict[PolicyPart, Document], version: int = 1) -> PolicyBundle:
    return PolicyBundle(
        issuing_state=state,
        bundle_version=version,
        content_hash=policy_hash(parts),
        parts=parts,
        published_by="dora",
        published_role="senior_officer",
        published_at=NOW,
        reason="Our register after the 2026 review.",
    )


def body(bundle: dict[str, JsonValue], state: str = "DE") -> bytes:
    return (
        ExchangedNotice(
            issuing_state=state,
            kind=ExchangeKind.POLICY_BUNDLE,
            notice_id=f"{state}/policy/{bundle.get('bundle_version')}",
            notice=bundle,
        )
        .model_dump_json()
        .encode()
    )


def german_destinations() -> Document:
    """Germany's register: Turkmenistan added, the Emirates rated lower, Belarus struck."""
    theirs = copy.deepcopy(shipped(PolicyPart.DESTINATIONS))
    rated = theirs["destinations"]
    assert isinstance(rated, dict)
    assert "TM" not in rated
    rated["TM"] = {
        "rating": "high",
        "indicators": [{"source": "fh_fiw_2024", "finding": "Not Free"}],
    }
    rated["AE"] = {"rating": "low", "indicators": [{"source": "fh_fiw_2024", "finding": "Free"}]}
    del rated["BY"]
    theirs["version"] = "DE-2026.2"
    return theirs


def test_a_difference_is_named_per_key_one_mapping_deep_with_both_values() -> None:
    changes = {c.key: c for c in diff(shipped(PolicyPart.DESTINATIONS), german_destinations())}
    assert set(changes) == {"destinations/TM", "destinations/AE", "destinations/BY"}
    assert changes["destinations/TM"].change is Change.ADDED
    assert changes["destinations/BY"].change is Change.REMOVED
    assert changes["destinations/AE"].change is Change.CHANGED
    assert changes["destinations/AE"].ours["rating"] == "high"  # type: ignore[index,call-overload]
    assert changes["destinations/AE"].theirs["rating"] == "low"  # type: ignore[index,call-overload]


def test_adopting_takes_only_the_chosen_keys_and_names_every_key_that_is_no_difference() -> None:
    ours, theirs = shipped(PolicyPart.DESTINATIONS), german_destinations()
    adopted = adopt(ours, theirs, ["destinations/TM", "destinations/BY"], "v+DE.1")
    rated = adopted["destinations"]
    assert isinstance(rated, dict)
    assert "TM" in rated
    assert "BY" not in rated
    assert rated["AE"] == ours["destinations"]["AE"]  # type: ignore[index,call-overload]
    assert adopted["version"] == "v+DE.1"
    with pytest.raises(AdoptionRefused) as refused:
        adopt(ours, theirs, ["destinations/FR", "version", "destinations/TM"], "v")
    assert len(refused.value.problems) == 2
    assert "'destinations/FR'" in str(refused.value)
    assert "'version'" in str(refused.value)


def test_a_bundle_whose_hash_does_not_match_its_parts_is_malformed() -> None:
    good = bundle_of("DE", {PolicyPart.DESTINATIONS: german_destinations()})
    _, content = read_exchanged(body(good.model_dump(mode="json")), "DE")
    assert content == good
    altered = good.model_dump(mode="json")
    altered["parts"]["destinations"]["finding_from"] = "low"
    with pytest.raises(Refused) as refused:
        read_exchanged(body(altered), "DE")
    assert refused.value.reason is RefusalReason.MALFORMED
    assert "content_hash does not match" in str(refused.value)


def test_a_malformed_bundle_names_every_deficiency() -> None:
    with pytest.raises(Refused) as refused:
        read_exchanged(body({"bundle_version": 0, "parts": {"tariffs": {}}}), "DE")
    assert refused.value.reason is RefusalReason.MALFORMED
    for field in ("issuing_state", "bundle_version", "content_hash", "tariffs", "published_by"):
        assert field in str(refused.value), field


def test_a_bundle_signed_by_another_state_than_its_issuer_is_refused() -> None:
    bundle = bundle_of("IT", {PolicyPart.DESTINATIONS: german_destinations()})
    with pytest.raises(Refused) as refused:
        read_exchanged(body(bundle.model_dump(mode="json"), state="IT"), "DE")
    assert refused.value.reason is RefusalReason.WRONG_ISSUER


def test_an_adopted_part_is_in_force_in_its_owning_service_and_the_others_are_not(
    tmp_path: Path,
) -> None:
    parts = PolicyParts(policy_parts(), tmp_path / "policy")
    routing = shipped(PolicyPart.ROUTING_POLICY)
    routing["response_days"] = 20
    bundle = bundle_of(
        "DE",
        {PolicyPart.DESTINATIONS: german_destinations(), PolicyPart.ROUTING_POLICY: routing},
    )
    wanted = Adoption(
        keys={PolicyPart.DESTINATIONS: ["destinations/TM"]}, reason="Germany's evidence holds."
    )
    [(part, document)] = documents_after_adoption(parts, bundle, wanted, NOW).items()
    settings = Settings(state_dir=tmp_path, adopted_policy_dir=parts.directory)
    to_turkmenistan = sample_applications()[0].model_copy(update={"destination_country": "TM"})
    assert destination_findings(to_turkmenistan, policy_in_force(settings)[1]) == []
    write_adopted(parts.directory, part, document)
    screening_policy, register = policy_in_force(settings)
    [finding] = destination_findings(to_turkmenistan, register)
    assert finding.severity == "high"
    assert "+DE.1@" in finding.explanation
    assert register.destinations["TM"].rating == "high"
    assert register.destinations["AE"].rating == "high"  # Germany's "low" was not adopted
    assert register.version.endswith("+DE.1@20261206T170000")
    assert screening_policy.version == shipped(PolicyPart.SCREENING_POLICY)["version"]
    assert routing_policy_in_force(settings).response_days == 30  # routing not adopted
    assert not adopted_file(parts.directory, PolicyPart.ROUTING_POLICY).exists()


def test_an_adoption_that_would_break_the_owning_service_s_rules_is_refused_whole(
    tmp_path: Path,
) -> None:
    parts = PolicyParts(policy_parts(), tmp_path)
    theirs = copy.deepcopy(shipped(PolicyPart.SCREENING_POLICY))
    codes = theirs["control_codes"]
    assert isinstance(codes, dict)
    codes["5A001.j"] = {
        "category": "interception", "severity": "critical", "label": "IP network surveillance",
        "source": "wassenaar_2013",
    }  # fmt: skip
    bundle = bundle_of(
        "DE",
        {PolicyPart.SCREENING_POLICY: theirs, PolicyPart.DESTINATIONS: german_destinations()},
    )
    wanted = Adoption(
        keys={
            PolicyPart.SCREENING_POLICY: ["control_codes/5A001.j"],
            PolicyPart.DESTINATIONS: ["destinations/XX"],
        },
        reason="Both, please.",
    )
    with pytest.raises(AdoptionRefused) as refused:
        documents_after_adoption(parts, bundle, wanted, NOW)
    assert "unknown sources" in str(refused.value)
    assert "wassenaar_2013" in str(refused.value)
    assert "'destinations/XX'" in str(refused.value)
    assert list(tmp_path.iterdir()) == []
