"""The payload key histories are recorded under: a test key, so the replay test can read them."""

from __future__ import annotations

from workflows.encryption import PayloadKeys

# Not a secret: it protects nothing but the recorded test histories.
REPLAY_KEYS = PayloadKeys.parse("replay-1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
