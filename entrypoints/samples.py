"""Realistic sample applications for the demo, the tests and the benchmarks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from schemas.application import (
    Address,
    DueDiligenceAttestation,
    Item,
    Party,
    SubmitApplication,
    TechnologyCategory,
)
from schemas.cases import HumanRightsAssessment
from schemas.envelope import Envelope

SOURCE = "agency-gateway"


def _party(name: str, street: str, city: str, country: str) -> Party:
    return Party(name=name, address=Address(street=street, city=city, country=country))


def _item(
    code: str,
    description: str,
    quantity: int,
    unit_value: str,
    currency: str,
    *categories: TechnologyCategory,
) -> Item:
    value = Decimal(unit_value)
    return Item(
        control_code=code,
        description=description,
        quantity=Decimal(quantity),
        unit_value=value,
        total_value=value * quantity,
        currency=currency,
        technology_categories=list(categories),
    )


def _attestation(summary: str, *, risks: list[str] | None = None) -> DueDiligenceAttestation:
    return DueDiligenceAttestation(
        performed=True,
        framework="UN Guiding Principles on Business and Human Rights",
        end_user_assessed=True,
        summary=summary,
        risks_identified=risks or [],
        mitigations=["end-use certificate", "post-shipment verification offered"] if risks else [],
        attested_by="Compliance Officer, export control",
        attested_on=date(2026, 11, 2),
    )


def sample_applications(reference_suffix: str = "") -> list[SubmitApplication]:
    """Six applications across the range of risk a licensing authority sees."""
    exporter = _party("Rheinland Messtechnik GmbH", "Industriestrasse 12", "Koeln", "DE")
    return [
        SubmitApplication(
            submitting_agency="DE-BAFA",
            agency_reference=f"BAFA-2026-0412{reference_suffix}",
            applicant=exporter,
            purchaser=_party("Kyoto Precision Instruments KK", "2-4 Karasuma", "Kyoto", "JP"),
            ultimate_consignee=_party("Kyoto University", "Yoshida-honmachi", "Kyoto", "JP"),
            end_users=[_party("Kyoto University", "Yoshida-honmachi", "Kyoto", "JP")],
            end_use_statement="Spectrum analysers for the graduate teaching laboratory of the "
            "department of electrical engineering, used in radio-frequency coursework.",
            destination_country="JP",
            items=[_item("EAR99", "Benchtop spectrum analyser 9 kHz-3 GHz", 12, "8400", "EUR")],
            due_diligence=_attestation(
                "Customer is a public university; no adverse human-rights reporting found in "
                "press, NGO and sanctions sources; end use confirmed by the department head."
            ),
        ),
        SubmitApplication(
            submitting_agency="NL-CDIU",
            agency_reference=f"CDIU-26-7731{reference_suffix}",
            applicant=_party("Delta Netwerkbeveiliging BV", "Stationsplein 4", "Utrecht", "NL"),
            purchaser=_party("Gulf Telecom Integration LLC", "Al Maktoum Road", "Dubai", "AE"),
            intermediate_consignees=[
                _party("Jebel Ali Logistics FZE", "Jebel Ali Free Zone", "Dubai", "AE")
            ],
            ultimate_consignee=_party(
                "National Telecom Regulatory Directorate", "Corniche", "Abu Dhabi", "AE"
            ),
            end_users=[
                _party("National Telecom Regulatory Directorate", "Corniche", "Abu Dhabi", "AE")
            ],
            end_use_statement="Monitoring centre for lawful interception of IP traffic on the "
            "national backbone, operated by the regulator for criminal investigations.",
            destination_country="AE",
            items=[
                _item(
                    "5A001.j",
                    "IP network communications surveillance system",
                    2,
                    "1250000",
                    "EUR",
                    TechnologyCategory.NETWORK_SURVEILLANCE,
                ),
                _item(
                    "5D001.e",
                    "Analysis software for the monitoring centre",
                    2,
                    "310000",
                    "EUR",
                    TechnologyCategory.NETWORK_SURVEILLANCE,
                ),
            ],
            due_diligence=_attestation(
                "Assessed the legal framework for interception and oversight in the destination; "
                "civil-society reports of surveillance of journalists were reviewed and raised "
                "with the customer.",
                risks=["surveillance of journalists and human-rights defenders"],
            ),
        ),
        SubmitApplication(
            submitting_agency="US-BIS",
            agency_reference=f"BIS-748P-55201{reference_suffix}",
            applicant=_party("Cascade Biometrics Inc", "400 Pine Street", "Seattle", "US"),
            purchaser=_party(
                "Andean Public Security Supplies SAC", "Av. Arequipa 1200", "Lima", "PE"
            ),
            ultimate_consignee=_party("Policia Nacional del Peru", "Av. Espana 323", "Lima", "PE"),
            end_users=[_party("Policia Nacional del Peru", "Av. Espana 323", "Lima", "PE")],
            end_use_statement="Automated fingerprint identification workstations for criminal "
            "record checks at twelve regional police booking stations.",
            destination_country="PE",
            items=[
                _item(
                    "4A003",
                    "Fingerprint computer workstation",
                    12,
                    "23000",
                    "USD",
                    TechnologyCategory.BIOMETRIC_IDENTIFICATION,
                )
            ],
            due_diligence=_attestation(
                "Reviewed police oversight arrangements and reported misuse of biometric records; "
                "the contract limits use to booking stations and requires audit logging."
            ),
        ),
        SubmitApplication(
            submitting_agency="FR-SBDU",
            agency_reference=f"SBDU-2026-118{reference_suffix}",
            applicant=_party("Optique Vigilance SAS", "14 rue de la Gare", "Lyon", "FR"),
            purchaser=_party("Metro Transit Authority Santiago", "Alameda 1414", "Santiago", "CL"),
            ultimate_consignee=_party(
                "Metro Transit Authority Santiago", "Alameda 1414", "Santiago", "CL"
            ),
            end_users=[
                _party("Metro Transit Authority Santiago", "Alameda 1414", "Santiago", "CL")
            ],
            end_use_statement="Video surveillance cameras with face matching for station "
            "platforms, to find missing children reported to the transit police.",
            destination_country="CL",
            items=[
                _item(
                    "EAR99",
                    "4K station camera with on-board face matching",
                    340,
                    "1900",
                    "EUR",
                    TechnologyCategory.VIDEO_SURVEILLANCE,
                    TechnologyCategory.FACIAL_RECOGNITION,
                )
            ],
            due_diligence=_attestation(
                "Data-protection impact assessment shared by the operator; retention limited to "
                "72 hours; no watch lists other than missing-person reports are permitted."
            ),
        ),
        SubmitApplication(
            submitting_agency="GB-ECJU",
            agency_reference=f"ECJU-SIEL-90311{reference_suffix}",
            applicant=_party("Thames Secure Systems Ltd", "21 Canada Square", "London", "GB"),
            purchaser=_party("Helios Data Services SA", "Leoforos Kifisias 44", "Athens", "GR"),
            ultimate_consignee=_party(
                "Helios Data Services SA", "Leoforos Kifisias 44", "Athens", "GR"
            ),
            end_users=[
                _party("N.S.O. Group Technologies Limited", "22 Galgalei Haplada", "Herzliya", "IL")
            ],
            end_use_statement="Penetration testing toolkit licences for a security research "
            "programme assessing mobile operating systems for vulnerabilities.",
            destination_country="IL",
            items=[
                _item(
                    "4D004",
                    "Exploit delivery and command software",
                    5,
                    "64000",
                    "GBP",
                    TechnologyCategory.INTRUSION_SOFTWARE,
                )
            ],
            due_diligence=_attestation(
                "Customer states the toolkit is for defensive research; we could not verify the "
                "end user independently and note press reports of spyware misuse."
            ),
        ),
        SubmitApplication(
            submitting_agency="CA-GAC",
            agency_reference=f"GAC-EXC-44120{reference_suffix}",
            applicant=_party("Northern Crypto Works Inc", "80 Bloor Street", "Toronto", "CA"),
            purchaser=_party(
                "Banco Mercantil do Sul SA", "Rua XV de Novembro 300", "Curitiba", "BR"
            ),
            ultimate_consignee=_party(
                "Banco Mercantil do Sul SA", "Rua XV de Novembro 300", "Curitiba", "BR"
            ),
            end_users=[
                _party("Banco Mercantil do Sul SA", "Rua XV de Novembro 300", "Curitiba", "BR")
            ],
            end_use_statement="Hardware security modules protecting card payment keys in the "
            "bank's two data centres.",
            destination_country="BR",
            items=[
                _item(
                    "5A002.a",
                    "Hardware security module",
                    8,
                    "42000",
                    "CAD",
                    TechnologyCategory.CRYPTOGRAPHY,
                )
            ],
            due_diligence=_attestation(
                "Commercial bank regulated by the central bank; the product protects payment "
                "keys and offers no interception capability; no concerns identified."
            ),
        ),
    ]


def submission(application: SubmitApplication) -> Envelope[SubmitApplication]:
    """The application in its envelope, as an agency gateway publishes it."""
    subject = f"{application.submitting_agency}:{application.agency_reference}"
    return Envelope.wrap(
        application, source=SOURCE, subject=subject, correlation_id=str(uuid.uuid4())
    )


def sample_assessment(
    conclusion: str = "No serious risk of human-rights violations found.",
    *,
    findings: Sequence[str] = (),
    positions: Sequence[str] = (),
    mitigations: Sequence[str] = (),
) -> HumanRightsAssessment:
    """A complete human-rights assessment, as a reviewer of a sample case writes it, answering
    the findings (by reference) and stakeholders' positions named."""
    return HumanRightsAssessment(
        end_user="Not listed on any restricted-party list; no reported involvement in abuses.",
        misuse_potential="Assessed against the crime-control and cyber-surveillance controls "
        "and EU Recommendation 2024/2659.",
        destination="Reports of the UN human-rights bodies on the destination read for the "
        "period of use.",
        sources=["Screening result of the case", "UN OHCHR country reports"],
        findings_answered=list(findings),
        positions_answered=list(positions),
        conclusion=conclusion,
        mitigations=list(mitigations),
    )
