from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from config.models import ChoiceLabels
from grid.models import Customer
from tickets.models import Ticket

# --- The knowledge base -------------------------------------------------------------------


class ArticleCategory(models.Model):
    """A shelf of the knowledge base (tariffs, metering, outages, business procedures)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    """One knowledge-base answer an agent reads to a caller; edited in the admin."""

    category = models.ForeignKey(
        ArticleCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    # Words callers use that the title and body may not: 峰谷, 电费, 欠费, 复电 ...
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_("Words callers use for this topic, separated by spaces."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("The answer in one or two sentences, shown in the search results."),
    )
    body = models.TextField(_("body"))
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["category__position", "title"]
        verbose_name = _("knowledge-base article")
        verbose_name_plural = _("knowledge-base articles")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("hotline:article", kwargs={"pk": self.pk})

    @property
    def title_for_reader(self) -> str:
        """The English title beside the article's own Chinese one, for a reader of English;
        nothing for a reader of Chinese, who would otherwise read every title twice."""
        language = translation.get_language() or ""
        return self.title_en if language.startswith("en") else ""


# --- Calls --------------------------------------------------------------------------------


# A telephony call rung at an agent and not answered or hung up yet: not the agent's open
# call (that one may be going on meanwhile), but the pop waiting in their console.
RINGING = Q(ended_at__isnull=True, call_id__isnull=False, answered_at__isnull=True)
# The call the agent is on: opened at the console, or answered on the phone, and not ended.
OPEN = Q(ended_at__isnull=True) & (Q(call_id__isnull=True) | Q(answered_at__isnull=False))
# Calls an agent handled: opened at the console, or answered on the phone (DESIGN §3.15).
HANDLED = Q(call_id__isnull=True) | Q(answered_at__isnull=False)
# Rung, never answered, hung up: counted as abandoned.
ABANDONED = Q(call_id__isnull=False, answered_at__isnull=True, ended_at__isnull=False)


class Call(ChoiceLabels, models.Model):
    """One call: who called, which agent, when, why and what came of it.

    Opened by the agent at the console, or by the telephony (DESIGN §3.15): a ring makes a
    ringing call, the answer starts it as the console would, the hang-up ends it with its
    recording; rung and hung up without an answer, it is abandoned. An agent has at most
    one call open at a time; rings may wait beside it.
    """

    class Reason(models.TextChoices):
        REPAIR = "repair", _("Fault repair")
        COMPLAINT = "complaint", _("Complaint")
        CONSULTATION = "consultation", _("Consultation")
        SERVICE_REQUEST = "service_request", _("Service request")
        OPINION = "opinion", _("Opinion or suggestion")
        PRAISE = "praise", _("Praise")
        URGE = "urge", _("Urge an open ticket")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("Ticket recorded")
        URGED = "urged", _("Open ticket urged")
        ANSWERED = "answered", _("Answered on the call")
        NOTHING = "nothing", _("Nothing to record")
        DROPPED = "dropped", _("Call dropped")

    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The telephony's own id, unique; null (not "") for a call opened at the console, so
    # that those never collide.
    call_id = models.CharField(  # noqa: DJ001
        _("telephony call id"), max_length=64, null=True, blank=True
    )
    rang_at = models.DateTimeField(_("rang"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # db_default too: the benchmark writes calls with SQL of its own.
    recording_url = models.URLField(
        _("recording"), max_length=500, blank=True, default="", db_default=""
    )
    tickets: "models.ManyToManyField[Ticket, CallTicket]" = models.ManyToManyField(
        Ticket, verbose_name=_("tickets"), through="CallTicket", related_name="calls"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            models.Index(fields=["agent", "-started_at"], name="call_agent_started"),
            models.Index(fields=["customer", "-started_at"], name="call_customer_started"),
            models.Index(fields=["caller_phone", "-started_at"], name="call_phone_started"),
            # The dashboard's calls of today.
            models.Index(fields=["started_at"], name="call_started"),
            # The console's poll, every second: the agent's calls not ended (ringing or open).
            models.Index(fields=["agent"], condition=Q(ended_at__isnull=True), name="call_unended"),
        ]
        constraints = [
            # The console shows one caller at a time: a second open call is a bug.
            models.UniqueConstraint(
                fields=["agent"], condition=OPEN, name="one_open_call_per_agent"
            ),
            # Each telephony call is recorded once, however often its events come.
            models.UniqueConstraint(fields=["call_id"], name="call_telephony_id_once"),
        ]

    def __str__(self) -> str:
        return f"{self.caller_phone or '—'} {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("hotline:call", kwargs={"pk": self.pk})

    @property
    def ringing(self) -> bool:
        return self.ended_at is None and self.call_id is not None and self.answered_at is None

    @property
    def is_open(self) -> bool:
        return self.ended_at is None and not self.ringing

    @property
    def abandoned(self) -> bool:
        return self.ended_at is not None and self.call_id is not None and self.answered_at is None

    @property
    def duration_seconds(self) -> int | None:
        """Its handling time, from the start (the answer) to the end; None while it goes on,
        and for an abandoned call, which nobody handled."""
        if self.ended_at is None or self.abandoned:
            return None
        return int((self.ended_at - self.started_at).total_seconds())


class CallEvent(ChoiceLabels, models.Model):
    """One telephony event as it came (DESIGN §3.15), kept once per call and event: a repeat
    is answered with the first one's call and changes nothing."""

    class Event(models.TextChoices):
        RING = "ring", _("Ring")
        ANSWER = "answer", _("Answer")
        HANGUP = "hangup", _("Hang-up")

    call_id = models.CharField(_("telephony call id"), max_length=64)
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    at = models.DateTimeField(_("at"))
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    # The call the event made or reached (not `call`: `call_id` is the telephony's).
    call_record = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="events"
    )
    # False when it came too late to change anything (an answer after the hang-up).
    applied = models.BooleanField(_("applied"))
    received_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("telephony event")
        verbose_name_plural = _("telephony events")
        constraints = [
            models.UniqueConstraint(fields=["call_id", "event"], name="call_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.event}"


class CallTicket(ChoiceLabels, models.Model):
    """A ticket a call created or urged."""

    class Action(models.TextChoices):
        CREATED = "created", _("Recorded")
        URGED = "urged", _("Urged")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="call_tickets"
    )
    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="call_links"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ticket of a call")
        verbose_name_plural = _("tickets of calls")
        constraints = [
            # One urge per ticket per call: a double click must not urge twice.
            models.UniqueConstraint(
                fields=["call", "ticket", "action"], name="call_ticket_action_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.action} {self.ticket_id}"


# --- What the other ticket kinds carry beyond the ticket ----------------------------------


class Consultation(models.Model):
    """A question answered on the call (DESIGN §3.5); the ticket's description is the question."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="consultation",
    )
    answer = models.TextField(_("answer given"), blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("knowledge-base article"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return str(self.ticket_id)


class ServiceRequest(ChoiceLabels, models.Model):
    """A request for a business service, replied to within the service-request deadline."""

    class Type(models.TextChoices):
        RECONNECTION = "reconnection", _("Reconnection after arrears are paid")
        NEW_CONNECTION = "new_connection", _("New connection")
        CAPACITY_CHANGE = "capacity_change", _("Capacity increase or decrease")
        METER_CHECK = "meter_check", _("Meter accuracy check")
        ACCOUNT_CHANGE = "account_change", _("Change of account holder or name")
        TARIFF_CHANGE = "tariff_change", _("Tariff change (peak/valley pricing)")
        OTHER = "other", _("Other service")

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="service_request",
    )
    request_type = models.CharField(_("service"), max_length=20, choices=Type.choices)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.request_type}"


class Feedback(models.Model):
    """An opinion or a praise: what it is about (the topic, or who is praised)."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    subject = models.CharField(_("about"), max_length=200)

    class Meta:
        verbose_name = _("opinion or praise")
        verbose_name_plural = _("opinions and praise")

    def __str__(self) -> str:
        return self.subject


# --- Two-way SMS --------------------------------------------------------------------------


class InboundSms(ChoiceLabels, models.Model):
    """One SMS the gateway delivered (DESIGN §3.12), kept once per `message_id`: a repeat is
    answered with the first one's action and ticket and changes nothing."""

    class Action(models.TextChoices):
        STATUS_SENT = "status_sent", _("Status sent")
        REPAIR_CREATED = "repair_created", _("Repair recorded")
        NESTED_OUTAGE = "nested_outage", _("Nested outage reported")
        ATTACHED = "attached", _("Added to a ticket")
        UNKNOWN_SENDER = "unknown_sender", _("Unknown sender")
        ASKED_TO_CALL = "asked_to_call", _("Asked to call the hotline")

    message_id = models.CharField(_("gateway message id"), max_length=100)
    sender = models.CharField(_("sender"), max_length=20)
    text = models.TextField(_("text"))
    at = models.DateTimeField(_("sent"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_sms",
    )
    received_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("inbound SMS")
        verbose_name_plural = _("inbound SMS")
        constraints = [
            # Each message is handled once, however often the gateway delivers it.
            models.UniqueConstraint(fields=["message_id"], name="inbound_sms_once"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.action}"


# --- Self-service sign-in -------------------------------------------------------------------


class SignInCode(models.Model):
    """A one-time code texted to a customer's phone for the self-service pages (DESIGN
    §3.12): kept as a keyed hash, never as the code; spent once, burnt after too many tries."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="sign_in_codes",
    )
    phone = models.CharField(_("phone"), max_length=20)
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    tries = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [
            # The hourly limit counts a phone's codes; verifying reads a customer's newest.
            models.Index(fields=["phone", "created_at"], name="sign_in_code_phone"),
            models.Index(fields=["customer", "-created_at"], name="sign_in_code_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.created_at:%Y-%m-%d %H:%M}"
