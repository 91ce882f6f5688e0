"""Resident ID numbers encrypted at rest: ciphertext, keyed hash and tail replace the plain column,
in the members table and in their history (reversible: the plain column is filled back)."""

from django.db import migrations, models

from members import personal_data

BATCH = 2000


def _batches(queryset):
    """Every row, a batch at a time (a county has 100,000 members)."""
    last = 0
    while rows := list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH]):
        yield rows
        last = rows[-1].pk


def encrypt(apps, schema_editor):
    # Many rows: written with bulk_update, not one save (and one history entry) each; the
    # numbers do not change, only how they are stored.
    for model_name, columns in (
        ("Member", ["id_number_encrypted", "id_number_hash", "id_number_tail"]),
        ("HistoricalMember", ["id_number_encrypted"]),
    ):
        model = apps.get_model("members", model_name)
        for rows in _batches(model.objects.all()):
            for row in rows:
                stored = personal_data.id_columns(row.id_number)
                for column in columns:
                    setattr(row, column, stored[column])
            model.objects.bulk_update(rows, columns)


def decrypt(apps, schema_editor):
    for model_name in ("Member", "HistoricalMember"):
        model = apps.get_model("members", model_name)
        for rows in _batches(model.objects.all()):
            for row in rows:
                row.id_number = personal_data.decrypt(row.id_number_encrypted)
            model.objects.bulk_update(rows, ["id_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_history_versions_withdrawal"),
    ]

    operations = [
        # The plain column loses its uniqueness first, so that going back can re-add it empty.
        migrations.AlterField(
            model_name="member",
            name="id_number",
            field=models.CharField(default="", max_length=18, verbose_name="身份证号"),
        ),
        migrations.AddField(
            model_name="member",
            name="id_number_encrypted",
            field=models.TextField(blank=True, verbose_name="身份证号"),
        ),
        migrations.AddField(
            model_name="member",
            name="id_number_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="身份证号索引"
            ),
        ),
        migrations.AddField(
            model_name="member",
            name="id_number_tail",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                max_length=4,
                verbose_name="身份证号后 4 位",
            ),
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="id_number_encrypted",
            field=models.TextField(blank=True, verbose_name="身份证号"),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="id_number",
            field=models.CharField(default="", max_length=18, verbose_name="身份证号"),
        ),
        migrations.RunPython(encrypt, decrypt),
        migrations.RemoveField(model_name="member", name="id_number"),
        migrations.RemoveField(model_name="historicalmember", name="id_number"),
        migrations.AlterField(
            model_name="member",
            name="id_number_hash",
            field=models.CharField(
                blank=True, editable=False, max_length=64, unique=True, verbose_name="身份证号索引"
            ),
        ),
    ]
