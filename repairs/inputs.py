"""A repair call's input, from the API's JSON body or the wizard's form alike: the premise
by its meter number, the triage answers, the caller's phone and the description. Every bad
field is reported at once (TriageInputInvalid), so both show all of them together."""

from django.utils.translation import gettext as _

from grid.models import Premise
from grid.phones import normalise_phone
from grid.selectors import premise_get_by_meter
from repairs.triage import Answers, TriageInputInvalid, parse_answers

DESCRIPTION_MAX_LENGTH = 2000


def triage_input_parse(data: object) -> tuple[Premise, Answers]:
    """The premise and the answers, or TriageInputInvalid naming every bad field at once."""
    errors: dict[str, list[str]] = {}
    answers = None
    try:
        answers = parse_answers(data)
    except TriageInputInvalid as exc:
        errors.update(exc.errors)
    meter_no = data.get("meter_no") if isinstance(data, dict) else None
    premise = None
    if not isinstance(meter_no, str) or not meter_no.strip() or "\x00" in meter_no:
        errors["meter_no"] = [_("Give the meter number of the premise without power.")]
    else:
        premise = premise_get_by_meter(meter_no=meter_no.strip())
        if premise is None:
            errors["meter_no"] = [_("No premise has meter number %(meter)s.") % {"meter": meter_no}]
    # premise and answers are set exactly when their fields have no error.
    if errors or premise is None or answers is None:
        raise TriageInputInvalid(errors)
    return premise, answers


def repair_input_parse(data: object) -> tuple[Premise, Answers, str, str]:
    """Premise, answers, caller phone and description; every bad field reported at once."""
    errors: dict[str, list[str]] = {}
    premise = answers = None
    try:
        premise, answers = triage_input_parse(data)
    except TriageInputInvalid as exc:
        errors.update(exc.errors)
    data = data if isinstance(data, dict) else {}
    phone = data.get("caller_phone") or ""
    if isinstance(phone, str):
        phone = phone.strip()
    if not isinstance(phone, str):
        errors["caller_phone"] = [_("Give the caller's phone as text.")]
    elif phone:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            errors["caller_phone"] = [_("%(phone)s is not a phone number.") % {"phone": phone}]
    description = data.get("description") or ""
    if not isinstance(description, str) or "\x00" in description:
        errors["description"] = [_("Give the description as text.")]
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = [
            _("Keep the description under %(n)d characters.") % {"n": DESCRIPTION_MAX_LENGTH}
        ]
    if errors or premise is None or answers is None:
        raise TriageInputInvalid(errors)
    return premise, answers, phone, description.strip()
