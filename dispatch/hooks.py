"""What apps above dispatch may register to follow work-order steps (config/hooks.py)."""

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from config.hooks import Hooks

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
