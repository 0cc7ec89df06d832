"""Model behaviour shared by every app."""

from django.db import models
from django.utils.encoding import force_str


class ChoiceLabels:
    """Cheap `get_<field>_display()`: put it before models.Model in a model's bases.

    Django's own rebuilds the field's choices into a dict on every call, hashing (and so
    translating) every label of the field; a list page of 50 rows spent most of its
    rendering time there. This looks the value up in a dict built once per field and
    translates only the label it returns, in the language active at the time.
    """

    def _get_FIELD_display(self, field: models.Field):
        labels = field.__dict__.get("_labels_by_value")
        if labels is None:
            labels = field.__dict__["_labels_by_value"] = dict(field.flatchoices)
        value = getattr(self, field.attname)
        return force_str(labels.get(value, value), strings_only=True)
