"""What apps above dispatch may register (config/hooks.py): to follow work-order steps, and
to add a panel to the work-order page."""

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from config.hooks import Hooks
from tickets.panels import Panel

if TYPE_CHECKING:
    from accounts.models import User
    from dispatch.models import WorkOrder


class WorkOrderStepHook(Protocol):
    """Called inside the step's transaction, after the order is saved; raising rolls it back."""

    def __call__(
        self, *, order: "WorkOrder", action: str, actor: "User | None", note: str, now: datetime
    ) -> None: ...


# repairs registers here: an incident follows the work order that serves it.
work_order_step_hooks: Hooks[WorkOrderStepHook] = Hooks("work-order steps")


class WorkOrderPanel(Protocol):
    """A panel for the work-order page (the crew's phone page), or None: given the order,
    already in the reader's scope, and the reader."""

    def __call__(self, order: "WorkOrder", user: "User") -> Panel | None: ...


# repairs registers here: an incident's order shows the incident and its ETR.
work_order_panels: Hooks[WorkOrderPanel] = Hooks("work-order panels")


def work_order_panels_for(order: "WorkOrder", *, user: "User") -> list[Panel]:
    return [panel for function in work_order_panels if (panel := function(order, user))]
