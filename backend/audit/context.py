"""The request that is being served, for audit entries written deep inside services."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip: str | None


current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)
