"""A firms draw's strata are published as labels, not as the risk classes they stand for.

The risk class is internal, never published as a rating (domain.md); draw-spec.md lets a pool's
stratum be "the risk class or another published stratum label". Each firms draw now deals the
labels S1 to S4 to the classes at random and keeps the mapping in `strata`, which the public
never sees and which, like everything announced, never changes (the guard, PostgreSQL).
Draws announced before keep the classes as their labels ({}).
"""

from django.db import migrations, models

# 0007's draw guard, restored when this migration is reversed.
OLD_DRAW_GUARD_SQL = """
CREATE OR REPLACE FUNCTION shuangsui_draw_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'draws are never deleted: % is refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status <> 'announced' THEN
        RAISE EXCEPTION 'draw % is %: it can no longer change', OLD.public_id, OLD.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id
        OR NEW.public_id IS DISTINCT FROM OLD.public_id
        OR NEW.task_id IS DISTINCT FROM OLD.task_id
        OR NEW.purpose IS DISTINCT FROM OLD.purpose
        OR NEW.announcement IS DISTINCT FROM OLD.announcement
        OR NEW.announcement_sha256 IS DISTINCT FROM OLD.announcement_sha256
        OR NEW.pool IS DISTINCT FROM OLD.pool
        OR NEW.pool_sha256 IS DISTINCT FROM OLD.pool_sha256
        OR NEW.conflicts IS DISTINCT FROM OLD.conflicts
        OR NEW.nonce IS DISTINCT FROM OLD.nonce
        OR NEW.replaces_id IS DISTINCT FROM OLD.replaces_id
        OR NEW.reason IS DISTINCT FROM OLD.reason
        OR NEW.announced_at IS DISTINCT FROM OLD.announced_at
        OR NEW.announced_by_id IS DISTINCT FROM OLD.announced_by_id
        OR NEW.approved_by_id IS DISTINCT FROM OLD.approved_by_id
        OR NEW.replaced_firm IS DISTINCT FROM OLD.replaced_firm
        OR NEW.replaced_officer IS DISTINCT FROM OLD.replaced_officer
        OR NEW.firms_result IS DISTINCT FROM OLD.firms_result THEN
        RAISE EXCEPTION 'draw %: what was announced can never change', OLD.public_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status = 'abandoned' THEN
        IF NEW.reveal IS NOT NULL OR NEW.result IS NOT NULL OR NEW.seed <> ''
            OR NEW.abandoned_reason = '' THEN
            RAISE EXCEPTION 'draw %: an abandoned draw has a reason and no result', OLD.public_id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF NEW.status = 'performed' THEN
        IF NEW.abandoned_reason <> '' THEN
            RAISE EXCEPTION 'draw %: a performed draw is not abandoned', OLD.public_id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSE
        RAISE EXCEPTION 'draw %: an announced draw is performed or abandoned, nothing else',
            OLD.public_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""
# The same guard, which also keeps the strata as announced.
DRAW_GUARD_SQL = OLD_DRAW_GUARD_SQL.replace(
    "        OR NEW.firms_result IS DISTINCT FROM OLD.firms_result THEN",
    "        OR NEW.firms_result IS DISTINCT FROM OLD.firms_result\n"
    "        OR NEW.strata IS DISTINCT FROM OLD.strata THEN",
)
assert "NEW.strata" in DRAW_GUARD_SQL


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


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
