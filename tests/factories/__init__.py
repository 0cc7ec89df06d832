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


# --- Field evidence (DESIGN §3.14) ------------------------------------------------------------


def image_file(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), **save: object) -> bytes:
    """A small real image, with some detail in it so every encoder has work to do."""
    import io

    from PIL import Image

    mode = "RGBA" if fmt == "PNG" else "RGB"
    image = Image.new(mode, size, (200, 60, 40) if mode == "RGB" else (200, 60, 40, 255))
    for x in range(0, size[0], 3):
        for y in range(0, size[1], 4):
            image.putpixel(
                (x, y), (x * 4 % 256, y * 5 % 256, 90) + ((255,) if mode == "RGBA" else ())
            )
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def pdf_file() -> bytes:
    """A minimal PDF: the header, one object, the end marker."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def checked_file(content: bytes | None = None, name: str = "photo.jpg"):
    """A file as the forms hand it to the services: checked by tickets/evidence.py."""
    from tickets.evidence import check

    return check(image_file() if content is None else content, name=name)


def photo_add(*, order, actor, stage: str = "before", content: bytes | None = None,
              name: str = "photo.jpg", **facts):  # fmt: skip
    """A crew's photo of its work order, through the service."""
    from dispatch.services import work_order_photo_add
    from tickets.attachments import PhotoFacts

    return work_order_photo_add(order=order, checked=checked_file(content, name),
                                facts=PhotoFacts(stage=stage, **facts), actor=actor)  # fmt: skip


def complaint_file_add(*, complaint, actor, content: bytes | None = None, name: str = "letter.pdf"):
    """A file kept with a complaint, through the service."""
    from complaints.services import complaint_attachment_add

    checked = checked_file(pdf_file() if content is None else content, name)
    return complaint_attachment_add(complaint=complaint, checked=checked, actor=actor)
