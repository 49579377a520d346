"""The enforcement decisions of an inspection, which the legal review app keeps.

An inspection's page lists the decisions drafted for it and links the decision records of its
timeline to them; but legal review sits above fieldwork, which may not import it. So legalreview
registers the function that reads them (LegalreviewConfig.ready()), the same inverted hook as
fieldwork's own start handler for planning; without one, an inspection shows no decisions.
"""

from collections.abc import Callable

# Called with user= and inspection=: the inspection's decisions that the user may open.
DecisionsOf = Callable[..., list]
_decisions_of: DecisionsOf | None = None


def register_decisions(provider: DecisionsOf) -> None:
    global _decisions_of
    _decisions_of = provider


def decisions_for(user, inspection) -> list:
    """The inspection's enforcement decisions that `user` may open, oldest first."""
    if _decisions_of is None:
        return []
    return _decisions_of(user=user, inspection=inspection)
