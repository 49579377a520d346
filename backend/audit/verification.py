"""Checking the audit trail: walk the chain and report the first link that does not hold."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain() -> ChainReport:
    """Walk the chain from the first event; report the first link that does not hold.

    A modified event no longer matches its own hash; a deleted one leaves its successor
    pointing at a hash that is not its predecessor's. Checking it against the last signed
    checkpoint (a deleted tail, a rewritten history) is `backend.checkpoints.verification`'s.
    """
    from backend.audit.chain_walk import Broken, walk

    try:
        checked, _last_id, _head = walk()
    except Broken as broken:
        return ChainReport(broken.checked, ChainBreak(broken.event_id, broken.reason))
    return ChainReport(checked, None)
