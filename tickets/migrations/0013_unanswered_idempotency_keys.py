"""Keys are now claimed in the transaction that does the work, so a committed key always
has its answer. A key claimed the old way by a request that then died has none and would
block its retries for a day: free it."""

from django.db import migrations


def free_unanswered_keys(apps, schema_editor):
    IdempotencyKey = apps.get_model("tickets", "IdempotencyKey")
    IdempotencyKey.objects.filter(status_code__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_callbacks_from_the_timeline")]

    operations = [migrations.RunPython(free_unanswered_keys, migrations.RunPython.noop)]
