"""The customer card: open tickets first, deadlines, recent calls, and the outage banner."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hotline import services
from hotline.selectors import customer_card_get
from repairs.models import Incident, OutageNotice
from tests.factories import CustomerFactory, PremiseFactory, ticket_create
from tickets.models import Deadline
from tickets.services import deadline_open, ticket_transition

from .conftest import PHONE


def card_for(customer, **kwargs):
    return customer_card_get(customer=customer, caller_phone=PHONE, now=timezone.now(), **kwargs)


def test_open_tickets_come_first_with_their_deadline(customer, home):
    now = timezone.now()
    closed = ticket_create(kind="consultation", customer=customer, now=now - timedelta(hours=1))
    ticket_transition(ticket=closed, action="resolve", actor=None)
    older_open = ticket_create(kind="repair", premise=home, now=now - timedelta(days=2))
    newest_open = ticket_create(kind="service_request", customer=customer, now=now)
    deadline_open(
        ticket=older_open,
        name=Deadline.Name.ARRIVE_BY,
        starts_at=now - timedelta(days=2),
        due_at=now - timedelta(minutes=5),
    )

    card = card_for(customer)

    assert [row.ticket for row in card.open_tickets] == [newest_open, older_open]
    assert card.recent_tickets == [closed]
    shown_newest, shown_older = card.open_tickets
    assert shown_older.next_deadline.name == Deadline.Name.ARRIVE_BY
    assert shown_older.overdue is True
    assert shown_newest.next_deadline is None
    assert shown_newest.overdue is False


def test_tickets_recorded_on_the_customers_phone_without_an_account_are_theirs(customer, home):
    by_phone = ticket_create(kind="opinion", caller_phone=PHONE)
    ticket_create(kind="opinion", caller_phone="13900000000")

    assert [row.ticket for row in card_for(customer).open_tickets] == [by_phone]


def test_an_unregistered_caller_sees_what_was_recorded_on_their_number(db, agent):
    mine = ticket_create(kind="consultation", caller_phone="13911112222")
    ticket_create(kind="consultation", caller_phone="13900000000")

    card = customer_card_get(customer=None, caller_phone="13911112222", now=timezone.now())

    assert [row.ticket for row in card.open_tickets] == [mine]
    assert card.premises == []


def test_premise_knows_its_open_repair(customer, home, shop):
    repair = ticket_create(kind="repair", premise=home)

    premises = {row.premise.pk: row for row in card_for(customer).premise_repairs}

    assert premises[home.pk].open_repair == repair
    assert premises[shop.pk].open_repair is None


def test_recent_calls_leave_out_the_current_one(agent, customer, home):
    earlier = services.call_start(agent=agent, caller_phone=PHONE, customer=customer)
    current = services.call_start(agent=agent, caller_phone=PHONE, customer=customer)

    card = card_for(customer, exclude_call_id=current.pk)

    assert card.recent_calls == [earlier]


def notice(premise, *, kind=OutageNotice.Kind.PLANNED, starts, ends, on="transformer", **kw):
    created = OutageNotice.objects.create(
        kind=kind,
        reason="更换10kV柱上开关",
        starts_at=starts,
        ends_at=ends,
        published_at=starts - timedelta(days=8),
        **kw,
    )
    if on == "transformer":
        created.transformers.set([premise.transformer])
    else:
        created.feeders.set([premise.transformer.feeder])
    return created


def test_banner_for_an_active_notice_on_the_feeder_says_what_to_tell(customer, home, shop):
    now = timezone.now()
    notice(home, starts=now - timedelta(hours=1), ends=now + timedelta(hours=3), on="feeder")

    (banner,) = card_for(customer).banners

    assert banner.kind == "notice"
    assert banner.active is True
    assert banner.premises == [home]
    # The device is the agent's (the banner's title and the notice list); the caller hears
    # the window and the reason.
    assert "YD01-F02" not in banner.script.text + banner.script.meaning_text
    assert "更换10kV柱上开关" in banner.script.text
    assert banner.script.lang == "zh-Hans"


def test_banner_for_an_upcoming_notice_gives_its_date(customer, home):
    starts = timezone.now() + timedelta(days=3)
    notice(home, starts=starts, ends=starts + timedelta(hours=8))

    (banner,) = card_for(customer).banners

    assert banner.active is False
    assert timezone.localtime(starts).strftime("%Y-%m-%d %H:%M") in banner.script.text


def test_no_banner_for_past_cancelled_or_other_notices(customer, home):
    now = timezone.now()
    notice(home, starts=now - timedelta(hours=5), ends=now - timedelta(hours=1))
    notice(home, starts=now, ends=now + timedelta(hours=2), cancelled_at=now)
    elsewhere = PremiseFactory()
    notice(elsewhere, starts=now, ends=now + timedelta(hours=2))

    assert card_for(customer).banners == []


def test_banner_for_an_active_incident_comes_first(customer, home, shop):
    now = timezone.now()
    notice(shop, starts=now + timedelta(days=2), ends=now + timedelta(days=2, hours=4))
    Incident.objects.create(
        level=Incident.Level.TRANSFORMER,
        station=home.transformer.feeder.station,
        feeder=home.transformer.feeder,
        transformer=home.transformer,
        etr=now + timedelta(hours=2),
        created_at=now,
    )

    incident_banner, notice_banner = card_for(customer).banners

    assert (incident_banner.kind, incident_banner.premises) == ("incident", [home])
    assert "YD01-T0315" in incident_banner.title  # for the agent
    assert "YD01-T0315" not in incident_banner.script.text  # what the caller hears
    assert "YD01-T0315" not in incident_banner.script.meaning_text
    assert incident_banner.incident.stage == "reported"
    assert (notice_banner.kind, notice_banner.premises) == ("notice", [shop])


def test_no_banner_for_a_restored_incident(customer, home):
    Incident.objects.create(
        level=Incident.Level.FEEDER,
        station=home.transformer.feeder.station,
        feeder=home.transformer.feeder,
        status=Incident.Status.RESTORED,
        created_at=timezone.now(),
    )

    assert card_for(customer).banners == []


def test_no_banner_under_a_transformer_restored_on_its_own(customer, home, shop):
    from dispatch.models import CauseCode
    from repairs.services.declarations import incident_declare
    from repairs.services.incidents import incident_restore_parts

    feeder = home.transformer.feeder
    shop.transformer.feeder = feeder  # both premises on one feeder, two transformers
    shop.transformer.save(update_fields=["feeder"])
    incident = incident_declare(feeder=feeder, transformer=None, actor=None)
    incident_restore_parts(
        incident=incident,
        transformers=[home.transformer],
        cause=CauseCode.objects.get(code="weather"),
        note="",
        actor=None,
    )

    (banner,) = card_for(customer).banners

    assert banner.incident == incident
    assert banner.premises == [shop]


@pytest.mark.parametrize("tickets", [3, 300])
def test_card_query_count_is_the_same_for_3_and_300_tickets(
    tickets, customer, home, shop, agent, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(tickets):
        ticket = ticket_create(kind="repair", premise=home, now=now - timedelta(minutes=n))
        deadline_open(
            ticket=ticket,
            name=Deadline.Name.ARRIVE_BY,
            starts_at=now,
            due_at=now + timedelta(minutes=45),
        )
        if n % 2:
            ticket_transition(ticket=ticket, action="resolve", actor=None)
    for _ in range(3):
        services.call_start(agent=agent, caller_phone=PHONE, customer=customer)
    notice(home, starts=now, ends=now + timedelta(hours=1))
    CustomerFactory()

    # Customer, premises, phones; open tickets, their deadlines; earlier tickets;
    # calls, their tickets; notices, their feeders, their transformers; incidents.
    with django_assert_max_num_queries(12):
        card = card_for(customer)

    assert len(card.open_tickets) == min((tickets + 1) // 2, 30)
    assert len(card.banners) == 1
