"""A firms draw's strata are published as labels, not as the risk classes they stand for.

The risk class is internal, never published as a rating (domain.md); draw-spec.md lets a pool's
stratum be "the risk class or another published stratum label". Each firms draw now deals the
labels S1 to S4 to the classes at random and keeps the mapping in `strata`, which the public
never sees and which, like everything announced, never changes (the guard, PostgreSQL).
Draws announced before keep the classes as their labels ({}).
"""

from importlib import import_module

from django.db import migrations, models

# 0007's draw guard, restored when this migration is reversed.
_0007 = import_module("inspections.migrations.0007_draw_replacements_approver_and_year_counter")
OLD_DRAW_GUARD_SQL = _0007.DRAW_GUARD_SQL
# The same guard, which also keeps the strata as announced.
DRAW_GUARD_SQL = OLD_DRAW_GUARD_SQL.replace(
    "        OR NEW.firms_result IS DISTINCT FROM OLD.firms_result THEN",
    "        OR NEW.firms_result IS DISTINCT FROM OLD.firms_result\n"
    "        OR NEW.strata IS DISTINCT FROM OLD.strata THEN",
)
assert "NEW.strata" in DRAW_GUARD_SQL


_on_postgresql = _0007._on_postgresql


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0008_draw_jobs_and_uncompressed_draw_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="draw",
            name="strata",
            field=models.JSONField(blank=True, default=dict, verbose_name="分层标签（内部）"),
        ),
        migrations.RunPython(
            _on_postgresql(DRAW_GUARD_SQL), _on_postgresql(OLD_DRAW_GUARD_SQL), elidable=False
        ),
    ]
