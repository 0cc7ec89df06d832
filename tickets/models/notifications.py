"""In-app notifications (the bell); tickets/notify.py writes them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.messages import render
from tickets.models.ticket import Ticket


class Notification(models.Model):
    """An in-app notice to a member of staff (the bell in the navigation): what happened (a
    message kind and its values, tickets/messages.py), written in the reader's language when
    shown (DESIGN §3.16)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=50, blank=True, db_default="")
    params = models.JSONField(_("values"), default=dict, db_default={}, blank=True)
    # Only a sentence stored before notifications kept their kind, which the migration could
    # not read back: shown as it is. Blank for every notification written since.
    text = models.CharField(_("text"), max_length=500, blank=True)
    # event × user: the same event never notifies one person twice.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user"),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """What happened, in the active language (the reader's, on their pages)."""
        if not self.kind:
            return self.text
        return render(self.kind, self.params).text
