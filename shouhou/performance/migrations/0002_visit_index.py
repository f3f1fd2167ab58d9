"""The index the month's query reads the orders by: (organisation, visit), the visit being
COALESCE(arrived_at, completed_at) exactly as `figures.VISIT` writes it.

It is an expression index on the work orders' table, created here (not in the workorders app's
models) because only the performance figures read orders by their visit. On PostgreSQL it is
built CONCURRENTLY, so migrating a large table does not block the orders being written.
"""

from django.db import migrations

INDEX = "perf_wo_visit"
TABLE = "workorders_workorder"
COLUMNS = "(organisation_id, (COALESCE(arrived_at, completed_at)))"


def create(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX{concurrently} IF NOT EXISTS {INDEX} ON {TABLE} {COLUMNS}")


def drop(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("performance", "0001_initial"),
        ("workorders", "0003_old_parts_photos_rejections"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
