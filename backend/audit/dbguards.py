"""Database-level guards for records the law says are final.

On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE, so that not even a bug or a hand
typed SQL statement from the application's account can rewrite them. Later apps protect their
final records (draws, published results, on-site records) with the same two operations.
"""

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION shuangsui_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def create_refuse_change_function() -> migrations.RunPython:
    return migrations.RunPython(
        _on_postgresql(FUNCTION_SQL), _on_postgresql("DROP FUNCTION shuangsui_refuse_change()")
    )


def make_append_only(table: str) -> migrations.RunPython:
    """Refuse UPDATE and DELETE (per row) and TRUNCATE (per statement) on `table`."""
    create = f"""
        CREATE TRIGGER {table}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION shuangsui_refuse_change();
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION shuangsui_refuse_change();
    """
    drop = f"""
        DROP TRIGGER {table}_no_update_delete ON {table};
        DROP TRIGGER {table}_no_truncate ON {table};
    """
    return migrations.RunPython(_on_postgresql(create), _on_postgresql(drop))
