"""The outbox of email and SMS; tickets/outbox.py writes and sends its rows."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels
from tickets.messages import Rendered, render
from tickets.models.ticket import Ticket


class OutboxMessage(ChoiceLabels, models.Model):
    """A message to send, written in the transaction of the event it reports (DESIGN §3.6).

    A worker claims a batch of unsent rows (SKIP LOCKED, stamping `claimed_at`) and
    marks them sent; the dedup key makes the same message to the same
    recipient on the same channel impossible to queue twice.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    # A short message (a notification's email, a customer SMS) stores what happened (a
    # message kind and its values, tickets/messages.py) and its reader's language, and is
    # written in it when sent (DESIGN §3.16); subject and body then keep what went out.
    # A document (the complaint summary) is written per recipient when queued: no kind.
    kind = models.CharField(_("kind"), max_length=50, blank=True, db_default="")
    params = models.JSONField(_("values"), default=dict, db_default={}, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, db_default="")
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    # Email only: an HTML alternative to the body, and text files attached as
    # [filename, content, mimetype] (the complaint summary's CSV).
    html_body = models.TextField(_("HTML body"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # e.g. "notice:12:published:13800001234" — event × recipient × channel.
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
    )
    created_at = models.DateTimeField(_("queued"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # After a failure, not before this time (the backoff doubles with each attempt).
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent",
            )
        ]

    def __str__(self) -> str:
        content = self.content()
        return f"{self.channel} to {self.recipient}: {(content.text or content.body)[:40]}"

    def content(self) -> Rendered:
        """What the message says: written from its kind in its reader's language until it
        is sent, and as it went out (or as it was queued, without a kind) after."""
        if self.kind and self.sent_at is None:
            return render(self.kind, self.params, language=self.language or settings.LANGUAGE_CODE)
        if self.channel == self.Channel.SMS:
            return Rendered(self.body, self.body)
        return Rendered(self.subject, self.body)
