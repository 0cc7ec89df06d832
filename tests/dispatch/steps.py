"""Work-order steps as a page or the API takes them: the step's form, then its service."""

from datetime import datetime
from typing import Any

from accounts.models import User
from config.errors import FieldErrors
from dispatch.forms import STEP_FORMS
from dispatch.models import WorkOrder
from dispatch.services import work_order_step
from dispatch.steps import work_order_role_check


def take_step(
    *,
    order: WorkOrder,
    action: str,
    actor: User,
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> WorkOrder:
    """Role, then input, then state, in the API's order; raises what the API would report."""
    if action in STEP_FORMS:
        work_order_role_check(actor=actor, action=action)
        form = STEP_FORMS[action](data=data or {}, order=order)
        if not form.is_valid():
            raise FieldErrors.from_form(form)
        data = form.cleaned_data
    return work_order_step(order=order, action=action, actor=actor, data=data or {}, now=now)
