import factory
from django.utils import timezone

from accounts.models import Role, User
from dispatch.models import Crew
from grid.models import (
    AreaType,
    Customer,
    CustomerPhone,
    Department,
    Feeder,
    Premise,
    Station,
    Transformer,
)

PASSWORD = "correct-horse-battery"


class StationFactory(factory.django.DjangoModelFactory[Station]):
    class Meta:
        model = Station
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ST{n:03d}")
    name = factory.Sequence(lambda n: f"Station {n}")


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"Department {n}")


class FeederFactory(factory.django.DjangoModelFactory[Feeder]):
    class Meta:
        model = Feeder

    code = factory.Sequence(lambda n: f"F{n:04d}")
    station = factory.SubFactory(StationFactory)


class TransformerFactory(factory.django.DjangoModelFactory[Transformer]):
    class Meta:
        model = Transformer

    code = factory.Sequence(lambda n: f"T{n:05d}")
    feeder = factory.SubFactory(FeederFactory)


class CustomerFactory(factory.django.DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    account_no = factory.Sequence(lambda n: f"A{n:08d}")
    name = factory.Faker("name")


class CustomerPhoneFactory(factory.django.DjangoModelFactory[CustomerPhone]):
    class Meta:
        model = CustomerPhone

    customer = factory.SubFactory(CustomerFactory)
    number = factory.Sequence(lambda n: f"1380000{n:04d}")


class PremiseFactory(factory.django.DjangoModelFactory[Premise]):
    class Meta:
        model = Premise

    meter_no = factory.Sequence(lambda n: f"M{n:010d}")
    address = factory.Sequence(lambda n: f"{n} Riverside Road")
    area_type = AreaType.URBAN
    transformer = factory.SubFactory(TransformerFactory)
    customer = factory.SubFactory(CustomerFactory)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.AGENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CrewFactory(factory.django.DjangoModelFactory[Crew]):
    class Meta:
        model = Crew
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"CREW{n:03d}")
    name = factory.Sequence(lambda n: f"Crew {n}")
    station = factory.SubFactory(StationFactory)


def ticket_create(**kwargs):
    """A ticket made the way the product makes it: through the service."""
    from tickets.services import ticket_create as create

    kwargs.setdefault("kind", "consultation")
    kwargs.setdefault("actor", None)
    kwargs.setdefault("now", timezone.now())
    return create(**kwargs)


def work_order_create(*, station=None, ticket=None, premise=None, **kwargs):
    """A pending work order made through the dispatch service.

    With a premise (or none given), it serves a new repair ticket on that
    premise, as repairs dispatches it; pass ticket=False for an order with no ticket.
    """
    from datetime import timedelta

    from dispatch.services import work_order_create as create

    now = kwargs.pop("now", timezone.now())
    if ticket is None:
        premise = premise or PremiseFactory(transformer__feeder__station=station)
        ticket = ticket_create(kind="repair", premise=premise, now=now)
        station = station or ticket.station
    elif ticket is False:
        ticket = None
    kwargs.setdefault("location", premise.address if premise else "Transformer T1")
    kwargs.setdefault("arrive_by", now + timedelta(minutes=45))
    kwargs.setdefault("restore_within", timedelta(hours=3))
    kwargs.setdefault("actor", None)
    return create(station=station or ticket.station, ticket=ticket, now=now, **kwargs)
