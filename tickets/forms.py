"""Input for the ticket steps every kind shares, for the pages and the API alike."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import TextField

URGE_NOTE_MAX_LENGTH = 500


class UrgeForm(forms.Form):
    """A repeat call (DESIGN §3.7): what the caller said, if anything."""

    note = TextField(
        label=_("What the caller said"), required=False, max_length=URGE_NOTE_MAX_LENGTH
    )
