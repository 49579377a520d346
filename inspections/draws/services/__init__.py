"""Writes of the draws (inspections.draws.services.draws) and of their replacements, 递补
(inspections.draws.services.replacements): each one validated, atomic and audited."""
