"""Card numbers get the key that searches and lists compare them by (card_key: "TN0001234" → "TN1234",
found as "tn1234"); ID and card numbers are stored in ASCII digits only.

Until now a number typed in full-width ("００１…") or Arabic-Indic digits passed the 12-digit check and
was stored as typed, so the same CCCD could be held by two records. Such numbers are rewritten here in
ASCII. When that makes one record's number the same as another's, the number stays with the record
that already had it in ASCII (or the first one) and is taken off this one, with an audit entry
(member.id_duplicate) naming the other record: the provincial office then sees both and decides.

The functions are copied from members.people as they are today, so that this migration stays what it
is whatever that module becomes."""

import re
import unicodedata

import django.core.validators
from django.db import migrations, models

SEPARATORS = re.compile(r"[\s.\-_/]+")
DIGIT_RUN = re.compile(r"[0-9]+")
BATCH = 2000


def normal_digits(text):
    text = unicodedata.normalize("NFKC", text or "")
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def card_key(card_number):
    text = "".join(char for char in normal_digits(card_number).upper() if char.isalnum())
    return DIGIT_RUN.sub(lambda run: run.group().lstrip("0") or "0", text)


def mask(number):
    return "" if not number else "•" * (len(number) - 3) + number[-3:]


def normalise(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    AuditEntry = apps.get_model("members", "AuditEntry")
    rows = list(Member.objects.order_by("pk").values_list("pk", "id_number", "card_number"))
    holders = dict(Member.objects.exclude(id_number="").values_list("id_number", "pk"))
    batch, audits = [], []
    for pk, id_number, card_number in rows:
        member = Member(pk=pk, id_number=id_number, card_number=card_number)
        ascii_id = SEPARATORS.sub("", normal_digits(id_number))
        if ascii_id != id_number:
            holder = holders.get(ascii_id)
            if holder is not None and holder != pk:
                member.id_number = ""
                audits.append(
                    AuditEntry(
                        action="member.id_duplicate",
                        source="system",
                        object_type="members.member",
                        object_id=str(pk),
                        object_repr=f"Đoàn viên #{pk}",
                        data={"id_number": [mask(id_number), ""], "duplicate_of": f"Đoàn viên #{holder}"},
                    )
                )
            else:
                member.id_number = ascii_id
                holders[ascii_id] = pk
        member.card_number = " ".join(normal_digits(card_number).split())
        member.card_key = card_key(card_number)
        if member.id_number == id_number and member.card_number == card_number and not member.card_key:
            continue
        batch.append(member)
        if len(batch) >= BATCH:
            Member.objects.bulk_update(batch, ["id_number", "card_number", "card_key"])
            batch = []
    Member.objects.bulk_update(batch, ["id_number", "card_number", "card_key"])
    AuditEntry.objects.bulk_create(audits)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_code_rule_and_composed_text"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="member",
            name="members_mem_card_nu_14ccc0_idx",
        ),
        migrations.AddField(
            model_name="member",
            name="card_key",
            field=models.CharField(blank=True, editable=False, max_length=30),
        ),
        migrations.AlterField(
            model_name="member",
            name="id_number",
            field=models.CharField(
                blank=True,
                max_length=12,
                validators=[
                    django.core.validators.RegexValidator("\\A[0-9]{12}\\Z", "Số CCCD phải gồm đúng 12 chữ số.")
                ],
                verbose_name="số CCCD",
            ),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["card_key"], name="members_mem_card_ke_ad2f4b_idx"),
        ),
        # Written in ASCII, the numbers stay valid if this is undone: nothing to put back.
        migrations.RunPython(normalise, migrations.RunPython.noop),
    ]
