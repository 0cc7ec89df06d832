"""The tickets app's models, one module per concept; import them from here, as Django does."""

from tickets.models.attachments import Attachment
from tickets.models.callbacks import Callback, CallbackResult
from tickets.models.deadlines import Deadline, DeadlineStep
from tickets.models.idempotency import IdempotencyKey
from tickets.models.notifications import Notification
from tickets.models.outbox import OutboxMessage
from tickets.models.ticket import (
    NUMBER_PREFIX,
    OPEN_STATUSES,
    PRIORITY_ORDER,
    TICKET_TRANSITIONS,
    Channel,
    Holder,
    Kind,
    Priority,
    Ticket,
    TicketCounter,
)
from tickets.models.timeline import (
    EVENT_KIND_LABELS,
    TimelineAppendOnly,
    TimelineEvent,
)

__all__ = [
    "EVENT_KIND_LABELS",
    "NUMBER_PREFIX",
    "OPEN_STATUSES",
    "PRIORITY_ORDER",
    "TICKET_TRANSITIONS",
    "Attachment",
    "Callback",
    "CallbackResult",
    "Channel",
    "Deadline",
    "DeadlineStep",
    "Holder",
    "IdempotencyKey",
    "Kind",
    "Notification",
    "OutboxMessage",
    "Priority",
    "Ticket",
    "TicketCounter",
    "TimelineAppendOnly",
    "TimelineEvent",
]
