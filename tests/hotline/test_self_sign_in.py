"""The self-service sign-in (DESIGN §3.12): an account number, then a texted one-time code;
6 digits, 5 minutes, 5 tries, 3 codes per phone per hour, no hint whether an account exists."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from config.errors import FieldErrors
from hotline.models import SignInCode
from hotline.selfservice.signin import (
    SESSION_CUSTOMER,
    sign_in_code_send,
    sign_in_code_verify,
)
from tests.factories import CustomerFactory, CustomerPhoneFactory, PremiseFactory, UserFactory
from tickets.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    customer = CustomerFactory(account_no="0100200300", name="Wang Fang")
    CustomerPhoneFactory(customer=customer, number="07632281234")  # a landline: no SMS
    CustomerPhoneFactory(customer=customer, number="13800138000")
    CustomerPhoneFactory(customer=customer, number="13900139000")
    PremiseFactory(customer=customer, address="8 Riverside Road")
    return customer


def texted_code(phone: str = "13800138000") -> str:
    message = OutboxMessage.objects.filter(recipient=phone, kind="self_sign_in_code").latest("pk")
    return message.params["code"]


def test_a_code_goes_to_the_accounts_first_mobile_phone_and_is_kept_only_as_a_hash(customer):
    now = timezone.now()

    row = sign_in_code_send(account_no=" 0100200300 ", now=now)

    assert row is not None
    message = OutboxMessage.objects.get(kind="self_sign_in_code")
    assert message.recipient == "13800138000"
    assert message.language == settings.GRIDLINE_CUSTOMER_LANGUAGE
    code = message.params["code"]
    assert len(code) == 6
    assert code.isdigit()
    assert code not in row.code_hash
    assert row.expires_at == now + timedelta(minutes=5)
    assert sign_in_code_verify(account_no="0100200300", code=code, now=now) == customer


def test_a_code_works_once(customer):
    now = timezone.now()
    sign_in_code_send(account_no="0100200300", now=now)
    code = texted_code()
    sign_in_code_verify(account_no="0100200300", code=code, now=now)

    with pytest.raises(FieldErrors):
        sign_in_code_verify(account_no="0100200300", code=code, now=now)


def test_an_expired_code_is_refused(customer):
    now = timezone.now()
    sign_in_code_send(account_no="0100200300", now=now)

    with pytest.raises(FieldErrors) as refused:
        sign_in_code_verify(
            account_no="0100200300", code=texted_code(), now=now + timedelta(minutes=5, seconds=1)
        )

    assert "code" in refused.value.errors
    assert SignInCode.objects.get().used_at is None


def test_five_wrong_tries_burn_the_code(customer):
    now = timezone.now()
    sign_in_code_send(account_no="0100200300", now=now)
    code = texted_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _try in range(5):
        with pytest.raises(FieldErrors):
            sign_in_code_verify(account_no="0100200300", code=wrong, now=now)

    with pytest.raises(FieldErrors):
        sign_in_code_verify(account_no="0100200300", code=code, now=now)

    assert SignInCode.objects.get().tries == 5


def test_four_wrong_tries_leave_the_right_code_good(customer):
    now = timezone.now()
    sign_in_code_send(account_no="0100200300", now=now)
    code = texted_code()
    for _try in range(4):
        with pytest.raises(FieldErrors):
            sign_in_code_verify(account_no="0100200300", code="000000x", now=now)

    assert sign_in_code_verify(account_no="0100200300", code=code, now=now) == customer


def test_a_fourth_code_within_the_hour_is_not_sent(customer):
    now = timezone.now()
    for minute in range(3):
        assert sign_in_code_send(account_no="0100200300", now=now + timedelta(minutes=minute))

    fourth = sign_in_code_send(account_no="0100200300", now=now + timedelta(minutes=59))

    assert fourth is None
    assert SignInCode.objects.count() == 3
    assert OutboxMessage.objects.filter(kind="self_sign_in_code").count() == 3
    # An hour after the first, one more may go.
    assert sign_in_code_send(account_no="0100200300", now=now + timedelta(minutes=60, seconds=1))


def test_a_code_for_another_account_is_refused(customer):
    other = CustomerFactory(account_no="0999999999")
    CustomerPhoneFactory(customer=other, number="13700137000")
    now = timezone.now()
    sign_in_code_send(account_no="0100200300", now=now)
    sign_in_code_send(account_no="0999999999", now=now)

    with pytest.raises(FieldErrors):
        sign_in_code_verify(account_no="0999999999", code=texted_code("13800138000"), now=now)

    assert SignInCode.objects.filter(used_at__isnull=False).count() == 0


def test_an_unknown_account_or_one_without_a_mobile_gets_nothing_sent():
    landline_only = CustomerFactory(account_no="0200")
    CustomerPhoneFactory(customer=landline_only, number="07632281234")

    assert sign_in_code_send(account_no="0300") is None
    assert sign_in_code_send(account_no="0200") is None

    assert OutboxMessage.objects.count() == 0
    with pytest.raises(FieldErrors):
        sign_in_code_verify(account_no="0300", code="123456")


# --- The pages ------------------------------------------------------------------------------


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_signing_in_through_the_pages_starts_a_new_session_with_the_customer(client, customer):
    english(client)
    response = client.post("/self/sign-in/", {"account_no": "0100200300"})
    assert response.status_code == 302
    assert response["Location"] == "/self/sign-in/code/"
    before = client.session.session_key

    response = client.post("/self/sign-in/code/", {"code": texted_code()})

    assert response.status_code == 302
    assert response["Location"] == "/self/"
    assert client.session[SESSION_CUSTOMER] == customer.pk
    assert client.session.session_key != before
    page = client.get("/self/")
    assert page.status_code == 200
    assert "Wang Fang" in page.content.decode()
    assert "8 Riverside Road" in page.content.decode()


def test_the_pages_answer_an_unknown_account_exactly_as_a_known_one(client, customer):
    english(client)
    answers = []
    for account_no in ("0100200300", "0100200301"):
        response = client.post("/self/sign-in/", {"account_no": account_no}, follow=True)
        body = response.content.decode()
        answers.append((response.status_code, response.redirect_chain, "138****8000" in body))
        assert "If the account number is ours, a code is on its way" in body

    assert answers[0] == answers[1]
    assert OutboxMessage.objects.count() == 1


def test_a_wrong_code_answers_422_with_the_same_message_as_no_account(client, customer):
    english(client)
    client.post("/self/sign-in/", {"account_no": "0100200300"})

    response = client.post("/self/sign-in/code/", {"code": "12345x"})

    assert response.status_code == 422
    assert "This code is wrong or no longer valid." in response.content.decode()
    assert SESSION_CUSTOMER not in client.session


def test_the_pages_speak_the_customer_language_until_english_is_chosen(client):
    response = client.get("/self/sign-in/", HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Language"] == settings.GRIDLINE_CUSTOMER_LANGUAGE
    english(client)
    assert client.get("/self/sign-in/")["Content-Language"] == "en"


def test_a_staff_user_is_no_customer(client):
    user = UserFactory()
    client.force_login(user)

    response = client.get("/self/")

    assert response.status_code == 302
    assert response["Location"] == "/self/sign-in/"


def test_the_customers_session_ends_after_its_minutes(client, customer, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.post("/self/sign-in/", {"account_no": "0100200300"})
    client.post("/self/sign-in/code/", {"code": texted_code()})
    assert client.get("/self/").status_code == 200

    time_machine.shift(timedelta(minutes=settings.GRIDLINE_SELF_SESSION_MINUTES, seconds=1))

    assert client.get("/self/")["Location"] == "/self/sign-in/"
    assert SESSION_CUSTOMER not in client.session


def test_signing_out_forgets_the_customer(client, customer):
    client.post("/self/sign-in/", {"account_no": "0100200300"})
    client.post("/self/sign-in/code/", {"code": texted_code()})

    client.post("/self/sign-out/")

    assert client.get("/self/")["Location"] == "/self/sign-in/"
