"""Panels that apps above tickets add to the ticket page.

tickets cannot import the apps built on it, so they register a panel function in
`ticket_panels` at start-up (in their AppConfig.ready): repairs shows the triage, the work
order and the incident of a repair ticket. A panel function is given the ticket (already
in the reader's scope) and the reader, for what it reads of its own through its scoped
selectors (a work order's photos); it returns None when it has nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import User
from config.hooks import Hooks
from tickets.models import Ticket


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PanelFunction = Callable[[Ticket, User], Panel | None]
ticket_panels: Hooks[PanelFunction] = Hooks("ticket panels")


def panels_for(ticket: Ticket, *, user: User) -> list[Panel]:
    return [panel for function in ticket_panels if (panel := function(ticket, user)) is not None]
