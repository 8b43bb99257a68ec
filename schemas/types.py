"""Validated value types shared by the contracts: ISO codes, control codes, positive amounts."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

import pycountry
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# ECCN (15 CFR 774) and EU Annex I share the shape: category digit, product group A-E, three
# digits, then optional sub-paragraphs (`5A001.j`, `4E001.c`, `1C350.b.1`); EAR99 is the basket.
CONTROL_CODE = re.compile(r"^(EAR99|[0-9][A-E][0-9]{3}(\.[a-z0-9]{1,3})*)$")


# Read once at import: lookups stay pure (the Temporal workflow sandbox forbids file access).
COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries)
CURRENCY_CODES = frozenset(currency.alpha_3 for currency in pycountry.currencies)


def _country(code: str) -> str:
    if code not in COUNTRY_CODES:
        raise PydanticCustomError(
            "unknown_country", "'{code}' is not an ISO 3166-1 alpha-2 country code", {"code": code}
        )
    return code


def _currency(code: str) -> str:
    if code not in CURRENCY_CODES:
        raise PydanticCustomError(
            "unknown_currency", "'{code}' is not an ISO 4217 currency code", {"code": code}
        )
    return code


def _control_code(code: str) -> str:
    if not CONTROL_CODE.match(code):
        raise PydanticCustomError(
            "malformed_control_code",
            "'{code}' is not a control code such as 5A001.j, 4A005 or EAR99",
            {"code": code},
        )
    return code


CountryCode = Annotated[
    str,
    Field(description="ISO 3166-1 alpha-2 country code, e.g. `DE`.", min_length=2, max_length=2),
    AfterValidator(_country),
]
CurrencyCode = Annotated[
    str,
    Field(description="ISO 4217 currency code, e.g. `EUR`.", min_length=3, max_length=3),
    AfterValidator(_currency),
]
ControlCode = Annotated[
    str,
    Field(description="ECCN (e.g. `5A001.j`, `EAR99`) or EU Annex I code.", max_length=24),
    AfterValidator(_control_code),
]
PositiveAmount = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=4)]
Name = Annotated[str, Field(min_length=1, max_length=300)]
Text = Annotated[str, Field(max_length=10_000)]
