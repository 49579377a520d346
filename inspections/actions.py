"""The audit actions of the three steps, found here by the audit trail's registry."""

from inspections.directory.actions import DirectoryAction
from inspections.draws.actions import DrawAction
from inspections.planning.actions import PlanningAction

__all__ = ["DirectoryAction", "DrawAction", "PlanningAction"]
