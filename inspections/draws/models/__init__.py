"""Draws (DR-1: announced, performed or abandoned, with their files; never edited), the yearly
counter of their public ids, and the background jobs that run them."""

from inspections.draws.models.draw_jobs import (
    STALE_AFTER,
    UNFINISHED,
    DrawJob,
    DrawJobAction,
    DrawJobStatus,
)
from inspections.draws.models.draws import Draw, DrawCounter, DrawPurpose, DrawStatus

__all__ = [
    "STALE_AFTER",
    "UNFINISHED",
    "Draw",
    "DrawCounter",
    "DrawJob",
    "DrawJobAction",
    "DrawJobStatus",
    "DrawPurpose",
    "DrawStatus",
]
