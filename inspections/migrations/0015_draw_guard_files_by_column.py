"""The draw guard no longer reads an announced draw's files on every UPDATE.

0006–0010's guard compared `NEW.pool IS DISTINCT FROM OLD.pool` (and the conflicts and firms
result files) on every UPDATE of an announced draw. Performing a draw writes none of them, yet
PostgreSQL then read and compared the whole pool, about 25 MB over a million firms, twice (the
comparison detoasts both sides), inside the transaction that records the result.

The files are now kept by a second trigger that fires only for an UPDATE naming one of them in
its SET list (`BEFORE UPDATE OF pool, conflicts, firms_result`), and refuses it when a file would
differ, as before. An UPDATE that does not name a file cannot change it, so an announced or
performed draw's files still never change; every other column is guarded as before by the main
trigger, which still refuses any change to a performed or abandoned draw and any DELETE. The
files' trigger fires first (triggers fire in the order of their names), so that changing a file
is refused with the same message as before.

(A BEFORE trigger of the table could rewrite NEW.pool without naming it: only the table's owner
can create one, and the owner could as well drop the guard. The application's account can not.)

PostgreSQL only; SQLite has no draw guard. Nothing is stored differently: no data moves.
"""

from importlib import import_module

from django.db import migrations

# 0010's draw guard, restored when this migration is reversed.
_0010 = import_module("inspections.migrations.0010_draw_eligible_counts")
OLD_DRAW_GUARD_SQL = _0010.DRAW_GUARD_SQL

_FILE_LINES = (
    "        OR NEW.pool IS DISTINCT FROM OLD.pool\n",
    "        OR NEW.conflicts IS DISTINCT FROM OLD.conflicts\n",
    "        OR NEW.firms_result IS DISTINCT FROM OLD.firms_result\n",
)
DRAW_GUARD_SQL = OLD_DRAW_GUARD_SQL
for _line in _FILE_LINES:
    assert _line in DRAW_GUARD_SQL, _line
    DRAW_GUARD_SQL = DRAW_GUARD_SQL.replace(_line, "")
assert "NEW.pool " not in DRAW_GUARD_SQL and "NEW.pool_sha256" in DRAW_GUARD_SQL

FILES_GUARD_SQL = """
CREATE FUNCTION shuangsui_draw_files_guard() RETURNS trigger AS $$
BEGIN
    -- Called only for an UPDATE whose SET list names one of the files (see the trigger).
    IF NEW.pool IS DISTINCT FROM OLD.pool
        OR NEW.conflicts IS DISTINCT FROM OLD.conflicts
        OR NEW.firms_result IS DISTINCT FROM OLD.firms_result THEN
        RAISE EXCEPTION 'draw %: what was announced can never change', OLD.public_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER inspections_draw_files_guard
    BEFORE UPDATE OF pool, conflicts, firms_result ON inspections_draw
    FOR EACH ROW EXECUTE FUNCTION shuangsui_draw_files_guard();
"""
DROP_FILES_GUARD_SQL = """
DROP TRIGGER inspections_draw_files_guard ON inspections_draw;
DROP FUNCTION shuangsui_draw_files_guard();
"""

_on_postgresql = _0010._0009._on_postgresql


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0014_job_worker_and_attempts"),
    ]

    operations = [
        # The files' trigger first: at no point is a file left unguarded.
        migrations.RunPython(
            _on_postgresql(FILES_GUARD_SQL), _on_postgresql(DROP_FILES_GUARD_SQL), elidable=False
        ),
        migrations.RunPython(
            _on_postgresql(DRAW_GUARD_SQL), _on_postgresql(OLD_DRAW_GUARD_SQL), elidable=False
        ),
    ]
