"""The one shape of a transition table, shared by every model with a status.

Each table lives next to its model (tickets, work orders, complaints, incidents) and is
keyed by action: the verb a person presses, which is also the timeline event's kind and
the API endpoint's name. Services look the action up here under the row lock; pages may
call `allowed_actions` to offer buttons, as a hint only.
"""

from collections.abc import Callable, Mapping
from typing import NamedTuple

from django.utils.translation import gettext as _

from config.errors import TransitionNotAllowed


class Transition(NamedTuple):
    """One row: the statuses an action is allowed from, where it leads, what it stamps."""

    sources: frozenset[str]
    target: str
    # The timestamp field the step stamps, where the model keeps one per step.
    stamp: str = ""


TransitionTable = Mapping[str, Transition]


def allowed_actions(table: TransitionTable, status: str) -> list[str]:
    """The actions the table allows from this status, in table order."""
    return [action for action, transition in table.items() if status in transition.sources]


def transition_check(
    table: TransitionTable, *, action: str, status: str, refusal: Callable[[], str]
) -> Transition:
    """The table's row for `action` from `status`; TransitionNotAllowed otherwise.

    `refusal` words the refusal for the object at hand; it is called only when needed.
    """
    transition = table.get(action)
    if transition is None:
        raise TransitionNotAllowed(
            _("Unknown action %(action)s.") % {"action": action}, field="action"
        )
    if status not in transition.sources:
        raise TransitionNotAllowed(refusal(), field="action")
    return transition
