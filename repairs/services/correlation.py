"""Outage correlation (DESIGN §3.3): reports become transformer incidents, and transformer
incidents on one feeder become a feeder incident.

Correlation runs under a lock on the premise's feeder (repair_create takes it): every
incident on a feeder is decided by one transaction at a time, so two reports arriving at
the same instant can never open two incidents (the partial unique constraints on
Incident are the backstop).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.models import User
from dispatch.models import OPEN_WORK_ORDER_STATUSES, WorkOrder
from dispatch.services import work_order_merge
from grid.models import Feeder, Transformer
from repairs.messages import BRIEF_MERGED
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident, Repair
from repairs.services.incidents import (
    incident_absorb,
    incident_acknowledge,
    incident_open,
    incident_parts_create,
)
from repairs.triage import Outcome, Scope
from tickets.locks import rows_for_update
from tickets.messages import Text
from tickets.models import OPEN_STATUSES
from tickets.services import timeline_record_many

# A work order in these states has a crew that took it: its incident is acknowledged.
CREW_HAS_TAKEN = frozenset(
    {WorkOrder.Status.ACCEPTED, WorkOrder.Status.EN_ROUTE, WorkOrder.Status.ON_SITE}
)
# Reports that say more than one premise is out are the ones correlation counts.
CORRELATED_SCOPES = frozenset({Scope.NEIGHBOURS, Scope.AREA})


def incident_correlate(
    *, transformer: Transformer, actor: User | None, now: datetime
) -> Incident | None:
    """Open a transformer incident when enough of its reports agree, then see whether the
    feeder's incidents make a feeder incident. Returns the incident the new report is in.

    Call inside the transaction that holds the transformer's feeder lock.
    """
    reports = reports_uncorrelated(now=now, ticket__premise__transformer=transformer)
    if (
        len({premise_id for _ticket, premise_id in reports})
        < settings.GRIDLINE_INCIDENT_MIN_REPORTS
    ):
        return None
    feeder = transformer.feeder
    incident = incident_open(
        level=Incident.Level.TRANSFORMER, feeder=feeder, transformer=transformer, now=now
    )
    ticket_ids = [ticket_id for ticket_id, _premise in reports]
    location = _("Transformer %(code)s (feeder %(feeder)s)") % {
        "code": transformer.code,
        "feeder": feeder.code,
    }
    incident = incident_gather(
        incident=incident,
        ticket_ids=ticket_ids,
        location=location,
        brief=BRIEF_MERGED(count=len(ticket_ids), feeder=feeder.code, transformer=transformer.code),
        actor=actor,
        now=now,
    )
    return _correlate_feeder(feeder=feeder, actor=actor, now=now) or incident


def reports_uncorrelated(*, now: datetime, **where: Any) -> list[tuple[int, int]]:
    """(ticket, premise) of the open dispatched reports of neighbours or an area out, from
    the last GRIDLINE_INCIDENT_WINDOW_MINUTES, in no incident yet, filtered by `where`."""
    window = timedelta(minutes=settings.GRIDLINE_INCIDENT_WINDOW_MINUTES)
    return list(
        Repair.objects.filter(
            ticket__created_at__gte=now - window,
            ticket__status__in=OPEN_STATUSES,
            outcome=Outcome.DISPATCH,
            scope__in=CORRELATED_SCOPES,
            incident__isnull=True,
            **where,
        ).values_list("ticket_id", "ticket__premise_id")
    )


def _correlate_feeder(*, feeder: Feeder, actor: User | None, now: datetime) -> Incident | None:
    """Transformer incidents on enough of a feeder's transformers become one feeder incident."""
    if Incident.objects.filter(
        feeder=feeder, level=Incident.Level.FEEDER, status__in=ACTIVE_INCIDENT_STATUSES
    ).exists():
        # Out still elsewhere on the feeder (restored in parts, DESIGN §3.10): the
        # incidents under its restored transformers are new outages, each on its own.
        return None
    window = timedelta(minutes=settings.GRIDLINE_FEEDER_INCIDENT_WINDOW_MINUTES)
    parts = list(
        Incident.objects.filter(
            feeder=feeder,
            level=Incident.Level.TRANSFORMER,
            status__in=ACTIVE_INCIDENT_STATUSES,
            created_at__gte=now - window,
        ).order_by("pk")
    )
    if len(parts) < settings.GRIDLINE_FEEDER_INCIDENT_MIN_TRANSFORMERS:
        return None
    # The feeder keeps the latest estimate its parts' callers were given.
    incident = incident_open(
        level=Incident.Level.FEEDER,
        feeder=feeder,
        now=now,
        later_than=max((part.etr for part in parts if part.etr), default=None),
    )
    incident_parts_create(incident=incident)
    ticket_ids = list(Repair.objects.filter(incident__in=parts).values_list("ticket_id", flat=True))
    order_ids = [part.work_order_id for part in parts if part.work_order_id]
    # Work orders before incidents, the order a crew's completion locks them in.
    list(rows_for_update(WorkOrder.objects.filter(pk__in=order_ids)).values_list("pk"))
    # One at a time in pk order: still the order every other transaction locks them in.
    for part in parts:
        incident_absorb(incident=part, into=incident, now=now)
    location = _("Feeder %(code)s") % {"code": feeder.code}
    return incident_gather(
        incident=incident,
        ticket_ids=ticket_ids,
        order_ids=order_ids,
        location=location,
        brief=BRIEF_MERGED(count=len(ticket_ids), feeder=feeder.code),
        actor=actor,
        now=now,
    )


def incident_gather(
    *,
    incident: Incident,
    ticket_ids: list[int],
    location: str,
    brief: Text,
    actor: User | None,
    now: datetime,
    order_ids: list[int] | None = None,
) -> Incident:
    """Attach the reports to the incident and fold their work orders into one (also a
    declared incident's own order, repairs.services.declarations)."""
    if order_ids is None:
        order_ids = list(
            WorkOrder.objects.filter(
                ticket_id__in=ticket_ids, status__in=OPEN_WORK_ORDER_STATUSES
            ).values_list("pk", flat=True)
        )
    note = _("Merged into incident #%(id)s on %(device)s.") % {
        "id": incident.pk,
        "device": location,
    }
    order = work_order_merge(
        order_ids=order_ids, location=location, brief=brief, actor=actor, note=note, now=now
    )
    if order is not None:
        incident.work_order = order
        incident.save(update_fields=["work_order"])
    Repair.objects.filter(ticket_id__in=ticket_ids).update(incident=incident)
    timeline_record_many(
        ticket_ids=ticket_ids,
        kind="incident_attached",
        actor=actor,
        at=now,
        note=note,
        data={"incident": incident.pk, "work_order": order.pk if order else None},
    )
    if order is not None and order.status in CREW_HAS_TAKEN:
        # The kept order's crew accepted it before the merge: it will not accept again.
        return incident_acknowledge(incident=incident, actor=actor, now=now)
    return incident
