"""The policy parts a state shares in its bundles, each with its owning service's shipped file
and rules: the composition root hands them to the point of contact, which imports no service."""

from __future__ import annotations

from schemas.sharing import PolicyPart
from services.consultation.policy import ROUTING_POLICY, RoutingPolicy
from services.screening.policy import DEFAULT_POLICY, ScreeningPolicy
from services.screening.rules.destination import DEFAULT_REGISTER, DestinationRegister
from services.sharing.bundles import PartSource


def policy_parts() -> tuple[PartSource, ...]:
    """Screening policy, routing policy and destination register."""
    return (
        PartSource(PolicyPart.SCREENING_POLICY, DEFAULT_POLICY, ScreeningPolicy.model_validate),
        PartSource(PolicyPart.ROUTING_POLICY, ROUTING_POLICY, RoutingPolicy.model_validate),
        PartSource(PolicyPart.DESTINATIONS, DEFAULT_REGISTER, DestinationRegister.model_validate),
    )
