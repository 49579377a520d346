"""Inspections in the field (检查实施): one inspection per drawn firm, its whole-process record
(an append-only hash chain), evidence, results, follow-up and the lead department's review."""
