"""Authentication and roles: accounts with argon2 hashes, signed bearer tokens, `require`."""

from caseflow.auth.accounts import Accounts, open_accounts
from caseflow.auth.dependencies import Authentication, current_principal, install, require
from caseflow.auth.model import CHAIRS, REVIEWERS, AccountRefused, InvalidToken, Principal, Role
from caseflow.auth.tokens import KeyRing, key_ring, rotate_keys, verify_token

__all__ = [
    "CHAIRS",
    "REVIEWERS",
    "AccountRefused",
    "Accounts",
    "Authentication",
    "InvalidToken",
    "KeyRing",
    "Principal",
    "Role",
    "current_principal",
    "install",
    "key_ring",
    "open_accounts",
    "require",
    "rotate_keys",
    "verify_token",
]
