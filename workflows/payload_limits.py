"""Temporal payload size, checked before an Update, signal or start is sent.

Temporal refuses a payload over its blob limit only once the workflow task runs (the Update is
dropped, PAYLOADS_TOO_LARGE) or, past the gRPC limit, as an opaque RPC error. Measuring the
payload as the client's data converter encodes it (encrypted, as sent) refuses it early instead,
naming caseflow's limit.
"""

from __future__ import annotations

from temporalio.client import Client

from caseflow.limits import TEMPORAL_PAYLOAD


async def encoded_size(client: Client, value: object) -> int:
    """Bytes of `value` as the client would send it to Temporal."""
    payloads = await client.data_converter.encode([value])
    return sum(payload.ByteSize() for payload in payloads)


async def oversized(client: Client, value: object) -> str | None:
    """Why `value` is too large to send to Temporal, naming the limit; None when it fits."""
    return TEMPORAL_PAYLOAD.exceeded_by(await encoded_size(client, value))
