"""Bring stored codes and names under unionportal.lib.text's rules before the database holds them
to it (the next migration's CHECK constraints).

Names of federations and CĐCS are composed (NFC). A code the rule refuses ("DT/01", "ĐT 01")
becomes the nearest valid one ("DT-01"), and of two codes that differ only in case the later one
gets its record number after a dash; each change is in the audit trail (cdcs.update, with the
code before and after), where the CĐCS's page shows it. Valid codes are left alone. Reversed,
the codes come back from those audit entries."""

import re
import unicodedata

from django.db import migrations

# unionportal.lib.text's rule as it stood when this migration was written (a migration keeps its own copy).
CODE_MAX_LENGTH = 20
CODE_PATTERN = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*\Z"
REASON = "Mã cũ không theo quy tắc mã (chữ cái không dấu, chữ số, dấu gạch ngang): sửa khi nâng cấp."
MODELS = {  # model → (text fields to compose, audit action, code when nothing of the old one is left)
    "Organisation": (("name",), "organisation.update", "DV"),
    "GrassrootsUnion": (("name", "employer"), "cdcs.update", "CDCS"),
}


def ascii_code(text: str) -> str:
    """The nearest valid code ("ĐT/01 " → "DT-01"); "" when nothing of it is left."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:CODE_MAX_LENGTH].strip("-")


def _free(code: str, pk: int, taken: set[str]) -> str:
    """`code`, or, when it is taken whatever the case, `code` with the record number after a dash."""
    suffixes = [f"-{pk}", *(f"-{pk}-{number}" for number in range(2, 10_000))]
    candidates = [code, *(code[: CODE_MAX_LENGTH - len(suffix)].rstrip("-") + suffix for suffix in suffixes)]
    return next(candidate for candidate in candidates if candidate.casefold() not in taken)


def forwards(apps, schema_editor):
    AuditEntry = apps.get_model("members", "AuditEntry")
    for name, (texts, action, fallback) in MODELS.items():
        model = apps.get_model("members", name)
        rows = list(model.objects.order_by("pk"))
        for row in rows:
            composed = {field: unicodedata.normalize("NFC", getattr(row, field)) for field in texts}
            if any(composed[field] != getattr(row, field) for field in texts):
                model.objects.filter(pk=row.pk).update(**composed)
                for field, value in composed.items():
                    setattr(row, field, value)
        taken, kept = set(), set()
        for row in rows:  # valid codes stay, unless an earlier one differs from them only in case
            if re.match(CODE_PATTERN, row.code) and row.code.casefold() not in taken:
                taken.add(row.code.casefold())
                kept.add(row.pk)
        for row in rows:
            if row.pk in kept:
                continue
            old = row.code
            new = _free(ascii_code(old) or f"{fallback}-{row.pk}", row.pk, taken)
            taken.add(new.casefold())
            model.objects.filter(pk=row.pk).update(code=new)
            label = f"{new} – {row.name}" if name == "GrassrootsUnion" else row.name
            AuditEntry.objects.create(
                action=action,
                source="system",
                object_type=f"members.{name.lower()}",
                object_id=str(row.pk),
                object_repr=label[:255],
                data={"before": old, "after": new, "reason": REASON},
            )


def backwards(apps, schema_editor):
    AuditEntry = apps.get_model("members", "AuditEntry")
    for name, (_texts, action, _fallback) in MODELS.items():
        model = apps.get_model("members", name)
        entries = AuditEntry.objects.filter(action=action, source="system", object_type=f"members.{name.lower()}")
        for entry in entries.order_by("-pk"):
            if entry.data.get("reason") == REASON:
                model.objects.filter(pk=int(entry.object_id), code=entry.data["after"]).update(
                    code=entry.data["before"]
                )
                entry.delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0007_member_search_trigram")]

    operations = [migrations.RunPython(forwards, backwards)]
