"""Who may take each step of a complaint (DESIGN §5.2): the pages offer, and the services and
the API check, only what the user's role allows on this complaint."""

from django.utils.translation import gettext as _

from accounts.access import has_role
from accounts.models import Role, User
from complaints.models import COMPLAINT_TRANSITIONS, Complaint
from config.errors import NotPermitted, TransitionNotAllowed

# Who may take each step besides an administrator (DESIGN §5.2). A handler acts only on
# the complaints of their own department.
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "contact": (Role.AGENT, Role.SUPERVISOR),
    "judge": (Role.SUPERVISOR,),
    "rectify": (Role.HANDLER,),
    "reply": (Role.HANDLER, Role.SUPERVISOR),
    "callback": (Role.AGENT, Role.SUPERVISOR),
}
RECORD_ROLES = (Role.AGENT, Role.SUPERVISOR)
# Who keeps files with a complaint (DESIGN §3.14): a handler only the department's.
ATTACH_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.HANDLER)


def complaint_may_act(*, user: User, complaint: Complaint, action: str) -> bool:
    """The user's role may take this step on this complaint (whatever its state)."""
    return _may(user, complaint, ACTION_ROLES[action])


def complaint_may_attach(*, user: User, complaint: Complaint) -> bool:
    """The user may add files to this complaint (at any step: evidence may come late)."""
    return _may(user, complaint, ATTACH_ROLES)


def complaint_attach_check(*, user: User, complaint: Complaint) -> None:
    """Raises NotPermitted (API: 403) unless the user may add files to the complaint."""
    if not complaint_may_attach(user=user, complaint=complaint):
        raise NotPermitted(_("Your role cannot add files to a complaint."))


def _may(user: User, complaint: Complaint, roles: tuple[str, ...]) -> bool:
    if not has_role(user, *roles):
        return False
    if user.role == Role.HANDLER and not user.is_superuser:
        return complaint.ticket.department_id is not None and (
            complaint.ticket.department_id == user.department_id
        )
    return True


def complaint_actions_for(*, user: User, complaint: Complaint) -> list[str]:
    """The steps to offer now: allowed by the state and by the user's role."""
    return [
        action
        for action in complaint.allowed_actions()
        if complaint_may_act(user=user, complaint=complaint, action=action)
    ]


def complaint_action_check(*, user: User, complaint: Complaint, action: str) -> None:
    """Raises NotPermitted (API: 403) unless the user may take the step."""
    if action not in COMPLAINT_TRANSITIONS:
        raise TransitionNotAllowed(
            _("Unknown action %(action)s.") % {"action": action}, field="action"
        )
    if not complaint_may_act(user=user, complaint=complaint, action=action):
        raise NotPermitted(_("Your role cannot do this to a complaint."))
