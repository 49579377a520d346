"""Every write of legal review, importable from here."""

from legalreview.services.catalogue import (
    add_catalogue_entry,
    restore_catalogue_entry,
    retire_catalogue_entry,
    update_catalogue_entry,
)
from legalreview.services.decisions import (
    DecisionContent,
    draft_decision,
    issue_decision,
    submit_decision,
    update_decision,
    withdraw_decision,
)
from legalreview.services.reviews import extend_review, give_opinion

__all__ = [
    "DecisionContent",
    "add_catalogue_entry",
    "draft_decision",
    "extend_review",
    "give_opinion",
    "issue_decision",
    "restore_catalogue_entry",
    "retire_catalogue_entry",
    "submit_decision",
    "update_catalogue_entry",
    "update_decision",
    "withdraw_decision",
]
