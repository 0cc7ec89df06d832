"""Input for the ticket steps every kind shares, for the pages and the API alike."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from config.forms import TextField
from tickets import evidence
from tickets.callbacks import NOTE_MAX_LENGTH, NOTE_TOO_LONG
from tickets.models import CallbackResult

URGE_NOTE_MAX_LENGTH = 500


class UrgeForm(forms.Form):
    """A repeat call (DESIGN §3.7): what the caller said, if anything."""

    note = TextField(
        label=_("What the caller said"), required=False, max_length=URGE_NOTE_MAX_LENGTH
    )


class CallbackForm(forms.Form):
    """A callback's result and what the customer said (DESIGN §3.5): the one input of the
    console's callback queue, the complaint page and POST /complaints/{number}/callback/."""

    result = forms.ChoiceField(
        label=_("Result"),
        choices=CallbackResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the callback's result.")},
    )
    note = TextField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": NOTE_TOO_LONG},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels without a colon, as the complaint page that shows this form writes them.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class EvidenceFileField(forms.FileField):
    """One uploaded file, checked by its content (tickets/evidence.py): the cleaned value is
    the evidence.CheckedFile to keep. A file over the size limit is refused before it is
    read."""

    default_error_messages = {
        "required": _("Choose a file."),
        "empty": _("The file is empty."),
    }

    def clean(self, data: Any, initial: Any = None) -> evidence.CheckedFile | None:
        upload = super().clean(data, initial)
        if not upload:
            return None
        if upload.size is not None and upload.size > settings.GRIDLINE_ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(evidence.too_large_text(), code="too_large")
        upload.seek(0)
        try:
            return evidence.check(upload.read(), name=upload.name or "")
        except evidence.EvidenceRefused as exc:
            raise forms.ValidationError(str(exc), code="refused") from None


class AttachmentForm(forms.Form):
    """A file for a ticket: an image (JPEG, PNG, WebP) or a PDF, at most 10 MiB (DESIGN §3.14)."""

    file = EvidenceFileField(label=_("File"))
    api_help = {
        "file": _(
            "A JPEG, PNG or WebP image or a PDF, checked by its content; at most "
            "GRIDLINE_ATTACHMENT_MAX_BYTES (10,485,760) bytes."
        )
    }
