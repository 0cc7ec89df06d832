"""Who does what in the demo: the staff who take each step of a ticket, a complaint or a
work order, and the notes they write."""

import random
from dataclasses import dataclass
from typing import NamedTuple

from accounts.models import Role, User
from demo.data.cases import Case, step_action
from demo.data.staff import CREWS, STAFF
from demo.data.week import (
    CALLBACK_NOTES,
    CLOSE_NOTES,
    CONTACT_NOTES,
    PASSED_ON_NOTE,
    START_NOTES,
)
from tickets.models import Kind


class CrewCast(NamedTuple):
    """A crew of the demo and the member who takes its steps."""

    user: User
    code: str
    name: str


@dataclass
class Cast:
    """Who does what to the demo's tickets and work orders."""

    agents: dict[str, User]  # by username
    supervisor: User
    handler: User  # the back office of service requests and opinions
    handlers: dict[str, User]  # by department code: who rectifies and replies to complaints
    dispatchers: dict[str, User]  # by station code
    crews: dict[str, list[CrewCast]]  # by station code

    @classmethod
    def from_staff(cls, staff: dict[str, User]) -> "Cast":
        crew_names = {code: name for code, _station, name in CREWS}
        cast = cls(
            agents={},
            supervisor=staff["supervisor1"],
            handler=staff["handler1"],
            handlers={},
            dispatchers={},
            crews={},
        )
        for plan in STAFF:
            if plan.role == Role.AGENT:
                cast.agents[plan.username] = staff[plan.username]
            elif plan.role == Role.HANDLER:
                cast.handlers[plan.department] = staff[plan.username]
            elif plan.role == Role.DISPATCHER:
                cast.dispatchers[plan.station] = staff[plan.username]
            elif plan.role == Role.CREW:
                member = CrewCast(staff[plan.username], plan.crew, crew_names[plan.crew])
                cast.crews.setdefault(plan.station, []).append(member)
        return cast

    def step(self, case: Case, action: str, *, agent: User, rng: random.Random) -> tuple[User, str]:
        """Who takes one action on a repair's, a service request's or an opinion's ticket,
        and the note on the timeline."""
        if action == "close":
            if case.answered_on_call:
                return agent, "通话中已答复，客户无异议"
            return agent, rng.choice(CLOSE_NOTES)
        if action == "cancel":
            return agent, case.followup
        if action == "transfer":
            return self.supervisor, PASSED_ON_NOTE
        if action == "take":
            return self.handler, ""
        if action == "start":
            if case.kind == Kind.SERVICE_REQUEST:
                return self.handler, START_NOTES[case.kind]
            return self.supervisor, START_NOTES[case.kind]
        return self.handler, case.resolution

    def complaint_step(
        self, case: Case, step: str, *, agent: User, rng: random.Random
    ) -> tuple[User, str]:
        """Who takes one step of a complaint case (DESIGN §5.2), and the note of a contact or
        a callback: the agent talks to the customer, the supervisor judges, the responsible
        department's handler rectifies and replies."""
        action = step_action(step)
        if action == "contact":
            return agent, rng.choice(CONTACT_NOTES)
        if action == "callback":
            return self.callback(case, step, agent=agent)
        if action == "judge":
            return self.supervisor, ""
        return self.handlers[case.facts.department], ""

    def callback(self, case: Case, result: str, *, agent: User) -> tuple[User, str]:
        """Who calls a complaint's or a repair's customer back, and the note: an unsatisfied
        one's says why (the case's followup)."""
        return agent, CALLBACK_NOTES.get(result, case.followup)

    def order_step(
        self, case: Case, action: str, *, station_code: str, crew: CrewCast
    ) -> tuple[User, dict[str, str]]:
        """Who takes one step of a repair's work order, and its inputs for the step form."""
        dispatcher = self.dispatchers[station_code]
        if action == "assign":
            return dispatcher, {"crew": crew.code}
        if action == "cancel":
            return dispatcher, {"reason": case.followup}
        if action == "complete":
            return crew.user, {"cause": case.cause, "actions": case.resolution}
        return crew.user, {}
