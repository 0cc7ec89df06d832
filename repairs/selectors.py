"""Reads for repairs: what is known about a premise's supply right now."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import has_role, scope_queryset
from accounts.models import Role, User
from grid.models import AreaType, Feeder, Premise, Transformer
from repairs.models import (
    ACTIVE_INCIDENT_STATUSES,
    EtrChange,
    Incident,
    IncidentPart,
    OutageNotice,
    Repair,
)
from repairs.triage import Facts, IncidentFact, NoticeFact
from tickets.models import Ticket


def notice_list_active_for_premise(*, premise: Premise, now: datetime) -> list[OutageNotice]:
    """Current, uncancelled notices naming the premise's transformer or its feeder."""
    transformer = premise.transformer
    covering = OutageNotice.objects.filter(
        Q(
            pk__in=OutageNotice.transformers.through.objects.filter(
                transformer_id=transformer.pk
            ).values("outagenotice_id")
        )
        | Q(
            pk__in=OutageNotice.feeders.through.objects.filter(
                feeder_id=transformer.feeder_id
            ).values("outagenotice_id")
        ),
        cancelled_at__isnull=True,
        starts_at__lte=now,
        ends_at__gt=now,
    )
    return list(covering.prefetch_related("feeders", "transformers").order_by("ends_at", "pk"))


def _covering(transformer: Transformer) -> Q:
    """Incidents on the transformer, or on its feeder."""
    return Q(level=Incident.Level.FEEDER, feeder_id=transformer.feeder_id) | Q(
        level=Incident.Level.TRANSFORMER, transformer_id=transformer.pk
    )


def incident_get_active_for_premise(*, premise: Premise) -> Incident | None:
    """The active incident on the premise's feeder (preferred: it is the wider) or transformer."""
    return incident_get_active_for_transformer(transformer=premise.transformer)


def incident_get_active_for_transformer(*, transformer: Transformer) -> Incident | None:
    """The active incident on the transformer's feeder (preferred: it is the wider) or on it.

    A feeder incident whose part under the transformer is restored no longer covers it
    (DESIGN §3.10 partial restoration).
    """
    restored_here = IncidentPart.objects.filter(
        incident_id=OuterRef("pk"), transformer_id=transformer.pk, restored_at__isnull=False
    )
    return (
        Incident.objects.select_related("feeder", "transformer", "work_order")
        .filter(status__in=ACTIVE_INCIDENT_STATUSES)
        .filter(_covering(transformer))
        .exclude(Exists(restored_here))
        .order_by("level", "pk")  # "feeder" sorts before "transformer"
        .first()
    )


def incident_get_restored_for_premise(*, premise: Premise, since: datetime) -> Incident | None:
    """The incident whose restoration brought the premise's power back at `since` or later,
    the latest first, with that moment as `premise_restored_at` (DESIGN §3.10 nested outage).

    In a feeder incident the premise's transformer may have been restored on its own, while
    the rest of the feeder is still out: its part's time counts, not the incident's.
    """
    transformer = premise.transformer
    part_restored = IncidentPart.objects.filter(
        incident_id=OuterRef("pk"), transformer_id=transformer.pk
    ).values("restored_at")[:1]
    return (
        Incident.objects.select_related("feeder", "transformer")
        .filter(status__in=[*ACTIVE_INCIDENT_STATUSES, Incident.Status.RESTORED])
        .filter(_covering(transformer))
        .annotate(premise_restored_at=Coalesce(Subquery(part_restored), F("restored_at")))
        .filter(premise_restored_at__gte=since)
        .order_by("-premise_restored_at", "-pk")
        .first()
    )


def premise_facts(*, premise: Premise, now: datetime) -> Facts:
    """The facts triage needs (DESIGN §3.1 rules 2–4, §3.10 nested outage), in a fixed
    number of queries."""
    notices = notice_list_active_for_premise(premise=premise, now=now)
    outage = next((n for n in notices if n.kind != OutageNotice.Kind.RESTRICTION), None)
    restriction = next((n for n in notices if n.kind == OutageNotice.Kind.RESTRICTION), None)
    incident = incident_get_active_for_premise(premise=premise)
    since = now - timedelta(hours=settings.GRIDLINE_NESTED_OUTAGE_HOURS)
    restored = incident_get_restored_for_premise(premise=premise, since=since)
    return Facts(
        planned_outage=_notice_fact(outage),
        supply_restriction=_notice_fact(restriction),
        incident=_incident_fact(incident),
        restored_incident=_restored_fact(restored),
    )


@dataclass(frozen=True)
class RecordedRepair:
    """A recorded repair with the notice and incident it was decided on, as triage saw them:
    what its caller is read after recording (repairs.scripts)."""

    repair: Repair
    notice: NoticeFact | None
    incident: IncidentFact | None


def repair_recorded_get(*, ticket: Ticket) -> RecordedRepair:
    """The ticket's repair with its notice's devices and its incident's work order."""
    repair = (
        Repair.objects.select_related(
            "notice", "incident__feeder", "incident__transformer", "incident__work_order"
        )
        .prefetch_related("notice__feeders", "notice__transformers")
        .get(ticket=ticket)
    )
    return RecordedRepair(
        repair=repair, notice=_notice_fact(repair.notice), incident=_incident_fact(repair.incident)
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
        dispatched_at=incident.work_order.assigned_at if incident.work_order else None,
        stage=incident.stage,
    )


def _restored_fact(incident: Incident | None) -> IncidentFact | None:
    if incident is None:
        return None
    return IncidentFact(
        id=incident.pk,
        level=incident.level,
        device_code=incident.device_code,
        status=incident.status,
        restored_at=incident.premise_restored_at,  # type: ignore[attr-defined]
    )


def incident_list_for_user(*, user: User) -> QuerySet[Incident]:
    """Incidents of the user's scope, newest first, with their ticket count and parts."""
    qs = Incident.objects.select_related("station", "feeder", "transformer", "work_order__crew")
    qs = scope_queryset(qs, user, department_field=None)
    parts = Prefetch(
        "parts", queryset=IncidentPart.objects.select_related("transformer").order_by("pk")
    )
    return (
        qs.annotate(ticket_count=Count("repairs"))
        .prefetch_related(parts)
        .order_by("-created_at", "-pk")
    )


def incident_parts_unrestored(*, incident: Incident) -> list[Transformer]:
    """The transformers of a feeder incident not yet restored, by code; none for a
    transformer incident."""
    return list(
        Transformer.objects.filter(
            pk__in=IncidentPart.objects.filter(incident=incident, restored_at__isnull=True).values(
                "transformer_id"
            )
        ).order_by("code")
    )


def device_promise_facts(*, feeder: Feeder, transformer: Transformer | None) -> tuple[str, bool]:
    """What a crew sent to a device is promised by (DESIGN §3.2): the area type with the
    shortest arrival limit among the premises under it, and whether any is important.
    A device with no premises counts as urban."""
    if transformer is not None:
        premises = Premise.objects.filter(transformer=transformer)
    else:
        premises = Premise.objects.filter(transformer__feeder=feeder)
    area_types = set(premises.values_list("area_type", flat=True).distinct())
    limits = settings.GRIDLINE_ARRIVAL_MINUTES
    area = min(area_types, key=lambda a: limits[a], default=AreaType.URBAN)
    return area, premises.filter(important=True).exists()


def incident_get_for_user(*, user: User, pk: int | str) -> Incident:
    """One incident; Http404 when it is outside the user's scope (or the pk is not a number)."""
    try:
        return incident_list_for_user(user=user).get(pk=pk)
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such incident.")) from None


def notice_list(*, now: datetime, current: bool = True) -> QuerySet[OutageNotice]:
    """Notices not yet over (active and upcoming, soonest first), or past ones (latest first).

    Notices are public: every member of staff sees every one.
    """
    qs = OutageNotice.objects.select_related("station", "published_by").prefetch_related(
        "feeders", "transformers"
    )
    if current:
        return qs.filter(cancelled_at__isnull=True, ends_at__gt=now).order_by("starts_at", "pk")
    return qs.filter(Q(cancelled_at__isnull=False) | Q(ends_at__lte=now)).order_by(
        "-starts_at", "-pk"
    )


def notice_may_change(*, user: User, notice: OutageNotice) -> bool:
    """Supervisors change any notice; a dispatcher only one confined to their station."""
    if has_role(user, Role.SUPERVISOR):
        return True
    return (
        has_role(user, Role.DISPATCHER)
        and user.station_id is not None
        and notice.station_id == user.station_id
    )


def notice_get_for_change(*, user: User, pk: int | str) -> OutageNotice:
    """A notice the user may edit or cancel; Http404 otherwise (as for out-of-scope objects,
    or a pk that is not a number)."""
    try:
        notice = OutageNotice.objects.prefetch_related("feeders", "transformers").get(pk=pk)
    except (OutageNotice.DoesNotExist, ValueError, TypeError):
        notice = None
    if notice is None or not notice_may_change(user=user, notice=notice):
        raise Http404(_("No such notice."))
    return notice


def notice_affected(*, notice: OutageNotice) -> dict:
    """How many premises the notice covers, and the important ones to call individually."""
    premises = Premise.objects.filter(
        Q(transformer__in=notice.transformers.all())
        | Q(transformer__feeder__in=notice.feeders.all())
    )
    important = list(
        premises.filter(important=True)
        .select_related("customer")
        .prefetch_related("customer__phones")
        .order_by("address")[:50]
    )
    return {"premises": premises.count(), "important": important}


def incident_premises(*, incident: Incident) -> QuerySet[Premise]:
    """The premises under the incident's device, important ones first, each with whether
    it called about this incident (a repair attached to it)."""
    if incident.transformer_id is not None:  # a transformer incident
        premises = Premise.objects.filter(transformer_id=incident.transformer_id)
    else:
        premises = Premise.objects.filter(transformer__feeder_id=incident.feeder_id)
    called = Ticket.objects.filter(premise_id=OuterRef("pk"), repair__incident=incident)
    return (
        premises.select_related("customer", "transformer")
        .prefetch_related("customer__phones")
        .annotate(called=Exists(called))
        .order_by("-important", "-called", "address", "pk")
    )


def incident_premise_counts(*, incident: Incident) -> dict[str, int]:
    """How many premises are under the device, and how many of them are important."""
    return (
        incident_premises(incident=incident)
        .order_by()
        .aggregate(premises=Count("pk"), important=Count("pk", filter=Q(important=True)))
    )


def incident_tickets(*, incident: Incident) -> QuerySet[Ticket]:
    """The repair tickets attached to the incident, oldest first, with how many calls each."""
    return (
        Ticket.objects.filter(repair__incident=incident)
        .select_related("premise", "customer")
        .annotate(call_count=Count("calls"))
        .order_by("created_at", "pk")
    )


def incident_ticket_numbers(*, incident: Incident) -> list[str]:
    return list(
        Ticket.objects.filter(repair__incident=incident)
        .order_by("created_at", "pk")
        .values_list("number", flat=True)
    )


def incident_etr_history(*, incident: Incident) -> list[EtrChange]:
    """Every estimate, latest first, with who set it."""
    return list(incident.etr_changes.select_related("actor").order_by("-at", "-pk"))


def incident_may_change(*, user: User, incident: Incident) -> bool:
    """Dispatchers and crews of the incident's station, and supervisors, set its ETR
    (scope_queryset has confined the station roles to their station already)."""
    return has_role(user, Role.DISPATCHER, Role.CREW, Role.SUPERVISOR)
