"""A firms draw keeps its pool's eligible rows per stratum, counted when the pool was written.

Performing the draw sizes its cut-offs with them instead of counting the pool file again
(dr1.compute_result's `eligible`). Like everything announced, they never change (the guard,
PostgreSQL). Draws announced before have none ({}) and are performed as before.
"""

from importlib import import_module

from django.db import migrations, models

# 0009's draw guard, restored when this migration is reversed.
_0009 = import_module("inspections.migrations.0009_draw_strata_labels")
OLD_DRAW_GUARD_SQL = _0009.DRAW_GUARD_SQL
# The same guard, which also keeps the eligible counts as announced.
DRAW_GUARD_SQL = OLD_DRAW_GUARD_SQL.replace(
    "        OR NEW.strata IS DISTINCT FROM OLD.strata THEN",
    "        OR NEW.strata IS DISTINCT FROM OLD.strata\n"
    "        OR NEW.eligible IS DISTINCT FROM OLD.eligible THEN",
)
assert "NEW.eligible" in DRAW_GUARD_SQL


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0009_draw_strata_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="draw",
            name="eligible",
            field=models.JSONField(blank=True, default=dict, verbose_name="各分层可抽取数"),
        ),
        migrations.RunPython(
            _0009._on_postgresql(DRAW_GUARD_SQL),
            _0009._on_postgresql(OLD_DRAW_GUARD_SQL),
            elidable=False,
        ),
    ]
