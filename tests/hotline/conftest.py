"""A caller with two premises on North station's network, and calls opened for them."""

from importlib import import_module

import pytest
from django.apps import apps

from hotline import services
from tests.factories import CustomerFactory, CustomerPhoneFactory, PremiseFactory

PHONE = "13800138000"


@pytest.fixture
def customer(station_north):
    customer = CustomerFactory(account_no="0318000001", name="陈伟")
    CustomerPhoneFactory(customer=customer, number=PHONE)
    CustomerPhoneFactory(customer=customer, number="07632281234")
    return customer


@pytest.fixture
def home(customer, station_north):
    return PremiseFactory(
        customer=customer,
        meter_no="441800000123",
        address="英德市英城街道和平北路18号",
        transformer__code="YD01-T0315",
        transformer__feeder__code="YD01-F02",
        transformer__feeder__station=station_north,
    )


@pytest.fixture
def shop(customer, station_north):
    return PremiseFactory(
        customer=customer,
        meter_no="441800000456",
        address="英德市英城街道人民路7号商铺",
        transformer__code="YD01-T0400",
        transformer__feeder__code="YD01-F05",
        transformer__feeder__station=station_north,
    )


@pytest.fixture
def call(agent, customer, home, shop):
    """An open call from the customer on their usual mobile."""
    return services.call_start(agent=agent, caller_phone=PHONE, customer=customer)


@pytest.fixture
def knowledge_base(db):
    """The articles the migration seeds; seeded again (idempotently) because tests on a
    transactional database empty every table when they end."""
    import_module("hotline.migrations.0002_knowledge_base").seed(apps, None)
