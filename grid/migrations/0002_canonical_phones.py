"""Customers' phones rewritten in the one form of DESIGN §3.8 ('8613800138000' and
'008613800138000' become '13800138000'); a customer left with two rows of one number keeps
one. A number phonenumbers does not hold valid stays as it is. Reverse: nothing to do.

The rule is written out here rather than imported from grid.phones: that module may change
later, and a migration must do on every database what it did on the first. The tickets and
hotline migrations of the same change use rewrite_phone_field from this module.
"""

import re

import phonenumbers
from django.db import migrations
from django.db.models import Case, Value, When

# What the normaliser of this change accepts: ASCII digits, separators and one leading +.
_DIALLED = re.compile(r"\+?[0-9\s\-().]+")
_NOT_DIGIT = re.compile(r"[^0-9]")
# Numbers per statement: SQLite takes at most 999 parameters, and a CASE of 300 numbers
# with its IN (...) takes 900.
BATCH = 300


def canonical_phone(number: str) -> str | None:
    """The number in the form of DESIGN §3.8, or None when it is not a valid phone."""
    if not _DIALLED.fullmatch(number):
        return None
    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if parsed.country_code == 86:
        national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
        return _NOT_DIGIT.sub("", national)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def rewrites(numbers) -> dict[str, str]:
    """{stored: canonical} for the stored numbers (an iterable) that change."""
    changes = {}
    for number in numbers:
        new = canonical_phone(number)
        if new is not None and new != number:
            changes[number] = new
    return changes


def rewrite_phone_field(model, field: str) -> None:
    """Every non-empty value of the model's phone field in the canonical form, a batch of
    numbers per UPDATE (a caller's tickets or calls share a number)."""
    stored = (
        model.objects.exclude(**{field: ""}).values_list(field, flat=True).distinct().order_by()
    )
    changes = rewrites(stored.iterator())
    for batch in _batches(sorted(changes)):
        new = Case(*(When(**{field: old}, then=Value(changes[old])) for old in batch))
        model.objects.filter(**{f"{field}__in": batch}).update(**{field: new})


def rewrite_customer_phones(apps, schema_editor) -> None:
    CustomerPhone = apps.get_model("grid", "CustomerPhone")
    stored = CustomerPhone.objects.values_list("number", flat=True).distinct().order_by()
    changes = rewrites(stored.iterator())
    rows = []
    for batch in _batches(sorted(changes)):
        rows.extend(CustomerPhone.objects.filter(number__in=batch))
    # (customer, number) is unique: a second form of a number the customer already has is
    # the same phone, so its row goes; the row already canonical, or else the older, stays.
    taken = set()
    for batch in _batches(sorted(set(changes.values()))):
        taken.update(
            CustomerPhone.objects.filter(number__in=batch).values_list("customer_id", "number")
        )
    doomed, moved = [], []
    for row in sorted(rows, key=lambda row: row.pk):
        row.number = changes[row.number]
        if (row.customer_id, row.number) in taken:
            doomed.append(row.pk)
        else:
            taken.add((row.customer_id, row.number))
            moved.append(row)
    for batch in _batches(doomed):
        CustomerPhone.objects.filter(pk__in=batch).delete()
    CustomerPhone.objects.bulk_update(moved, ["number"], batch_size=BATCH)


def _batches(values: list) -> list[list]:
    return [values[start : start + BATCH] for start in range(0, len(values), BATCH)]


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rewrite_customer_phones, migrations.RunPython.noop, elidable=True),
    ]
