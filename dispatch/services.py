"""Writes to crews and work orders."""

from django.db import transaction

from accounts.models import User
from dispatch.models import Crew, CrewMember
from grid.models import Station


@transaction.atomic
def crew_member_set(*, user: User, crew: Crew) -> CrewMember:
    """Put the user in this crew (and only this one); the user's station follows the crew's."""
    membership, _created = CrewMember.objects.update_or_create(user=user, defaults={"crew": crew})
    if user.station_id != crew.station_id:
        user.station = crew.station
        user.save(update_fields=["station"])
    return membership


def crew_get_or_create(*, code: str, station: Station) -> tuple[Crew, bool]:
    """The crew with this code, created on the station when missing."""
    return Crew.objects.get_or_create(code=code, defaults={"station": station, "name": code})
