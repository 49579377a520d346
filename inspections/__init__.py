"""One Django app (label `inspections`: its tables, migrations and content types) made of three
packages, one per step of the process, each with its own models, services, selectors, views,
urls and templates:

- `inspections.directory`: the item list and the target directory (一单两库), their imports
  and exports;
- `inspections.planning`: annual plans and sampling tasks, a task's scope and exclusions;
- `inspections.draws`: DR-1 and the draws of firms and teams, their files, jobs, replacements
  and the standalone verifier.

Each step may import the ones before it, never the ones after (import-linter, pyproject.toml).
What sits here at the top wires them into one app: `apps`, `models` (re-exports for Django),
`admin`, `urls` (the task pages' addresses, which two steps share), the management commands
and the template tags. Nothing here may import Django at module level: the draw's worker
processes import `inspections.draws.dr1` alone.
"""
