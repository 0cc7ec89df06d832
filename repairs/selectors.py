"""Reads for repairs: what is known about a premise's supply right now."""

from datetime import datetime

from django.db.models import Q

from grid.models import Premise
from repairs.models import ACTIVE_INCIDENT_STATUSES, Incident, OutageNotice
from repairs.triage import Facts, IncidentFact, NoticeFact


def notice_list_active_for_premise(*, premise: Premise, now: datetime) -> list[OutageNotice]:
    """Current, uncancelled notices naming the premise's transformer or its feeder."""
    transformer = premise.transformer
    covering = OutageNotice.objects.filter(
        Q(pk__in=OutageNotice.transformers.through.objects.filter(transformer_id=transformer.pk)
          .values("outagenotice_id"))
        | Q(pk__in=OutageNotice.feeders.through.objects.filter(feeder_id=transformer.feeder_id)
            .values("outagenotice_id")),
        cancelled_at__isnull=True,
        starts_at__lte=now,
        ends_at__gt=now,
    )  # fmt: skip
    return list(covering.prefetch_related("feeders", "transformers").order_by("ends_at", "pk"))


def incident_get_active_for_premise(*, premise: Premise) -> Incident | None:
    """The active incident on the premise's feeder (preferred: it is the wider) or transformer."""
    transformer = premise.transformer
    return (
        Incident.objects.select_related("feeder", "transformer")
        .filter(status__in=ACTIVE_INCIDENT_STATUSES)
        .filter(
            Q(level=Incident.Level.FEEDER, feeder_id=transformer.feeder_id)
            | Q(level=Incident.Level.TRANSFORMER, transformer_id=transformer.pk)
        )
        .order_by("level", "pk")  # "feeder" sorts before "transformer"
        .first()
    )


def premise_facts(*, premise: Premise, now: datetime) -> Facts:
    """The facts triage needs (DESIGN §3.1 rules 2–4), in a fixed number of queries."""
    notices = notice_list_active_for_premise(premise=premise, now=now)
    outage = next((n for n in notices if n.kind != OutageNotice.Kind.RESTRICTION), None)
    restriction = next((n for n in notices if n.kind == OutageNotice.Kind.RESTRICTION), None)
    incident = incident_get_active_for_premise(premise=premise)
    return Facts(
        planned_outage=_notice_fact(outage),
        supply_restriction=_notice_fact(restriction),
        incident=_incident_fact(incident),
    )


def _notice_fact(notice: OutageNotice | None) -> NoticeFact | None:
    if notice is None:
        return None
    codes = [f.code for f in notice.feeders.all()] + [t.code for t in notice.transformers.all()]
    return NoticeFact(
        id=notice.pk,
        kind=notice.kind,
        starts_at=notice.starts_at,
        ends_at=notice.ends_at,
        reason=notice.reason,
        device_codes=", ".join(codes),
    )


def _incident_fact(incident: Incident | None) -> IncidentFact | None:
    if incident is None:
        return None
    return IncidentFact(
        id=incident.pk,
        level=incident.level,
        device_code=incident.device_code,
        status=incident.status,
        etr=incident.etr,
        dispatched_at=None,  # the incident's work order lands with the dispatch issue
    )
