"""The chains a checkpoint covers, registered by the apps that own them (an inverted hook).

backend.checkpoints sits at the bottom of the layers and knows no chain: the audit trail
(backend.audit), the inspections' record chains (fieldwork), the draws and the published
results (disclosure) each register one `Chain` from their `AppConfig.ready()`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Entry = dict[str, Any]


class ChainBroken(Exception):
    """The chain does not hold by itself (a link or a hash is wrong): nothing is signed."""


@dataclass(frozen=True)
class Disagreement:
    """How the database now differs from what a checkpoint signed, in words for an operator.

    `kind` is "truncated" (fewer entries than were signed: a deleted tail, or a database
    restored from before the checkpoint) or "rewritten" (the same place holds other content).
    """

    kind: str
    message: str


@dataclass(frozen=True)
class Proof:
    """What the public needs to check that one item is in a checkpoint's tree."""

    index: int
    size: int
    leaf: dict[str, Any]
    audit_path: list[str]


@dataclass(frozen=True)
class Chain:
    """One chain. `snapshot(previous)` returns its entry for a new checkpoint, checking what
    was appended since `previous` (its entry in the last checkpoint, or None) and raising
    ChainBroken if that does not hold; `compare(entry)` tells whether the database still holds
    what `entry` signed. `prove(entry, key)`, for the public chains, gives the inclusion proof
    of the item `key` (a draw's or a result's public code), or None if it is not in `entry`."""

    name: str
    label: str
    snapshot: Callable[[Entry | None], Entry]
    compare: Callable[[Entry], Disagreement | None]
    prove: Callable[[Entry, str], Proof | None] | None = None
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)


_chains: dict[str, Chain] = {}


def register(chain: Chain) -> None:
    """Called from an AppConfig.ready(); registering the same name again replaces it (tests)."""
    _chains[chain.name] = chain


def chains() -> list[Chain]:
    return sorted(_chains.values(), key=lambda c: (c.order, c.name))


def get(name: str) -> Chain | None:
    return _chains.get(name)
