"""Compose (NFC) the enterprises' names and addresses stored before they were composed on the way
in (unionportal.lib.text), so that one name typed on two keyboards is one name. Nothing to undo:
the composed form is the same text."""

import unicodedata

from django.db import migrations

FIELDS = ("name", "address")


def forwards(apps, schema_editor):
    Enterprise = apps.get_model("organising", "Enterprise")
    for enterprise in Enterprise.objects.only("pk", *FIELDS).iterator():
        composed = {field: unicodedata.normalize("NFC", getattr(enterprise, field)) for field in FIELDS}
        if any(composed[field] != getattr(enterprise, field) for field in FIELDS):
            Enterprise.objects.filter(pk=enterprise.pk).update(**composed)


class Migration(migrations.Migration):
    dependencies = [("organising", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
