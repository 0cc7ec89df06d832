"""Field evidence (DESIGN §3.14): a checked file kept privately, and who may read it.

Every file is a row here, whatever it shows: a crew's photo of its work order or a file a
handler keeps with a complaint. A file belongs to its ticket, and is read by whoever may
read the ticket. A photo of an incident's work order belongs to no one ticket (the order
serves the incident, DESIGN §3.3): it names the order's station instead, and is read by
whoever may read that station's work. dispatch.WorkOrderPhoto links a photo to its work
order, from above: tickets never knows of work orders.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from grid.models import Station
from tickets.evidence import EXTENSIONS, IMAGE_TYPES, NAME_MAX_LENGTH
from tickets.models.ticket import Ticket


class Attachment(models.Model):
    """One file, checked by its content and re-encoded (tickets/evidence.py). Its keys in the
    `attachments` storage are random; its name is for display and download only."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before the work")
        AFTER = "after", _("After the work")
        OTHER = "other", _("Other")

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    # Only for a file with no ticket (a photo of an incident's work order): its scope.
    station = models.ForeignKey(
        Station,
        verbose_name=_("supply station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH + 8)
    content_type = models.CharField(
        _("content type"), max_length=40, choices=[(t, t) for t in EXTENSIONS]
    )
    size = models.PositiveIntegerField(_("size"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.OTHER)
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    file_key = models.CharField(_("stored as"), max_length=200, unique=True, editable=False)
    thumbnail_key = models.CharField(_("thumbnail"), max_length=200, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("added"))

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["ticket", "uploaded_at"], name="attachment_ticket")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=False) | models.Q(station__isnull=False),
                name="attachment_has_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tickets:attachment", kwargs={"pk": self.pk})

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None
