"""Reads of master data."""

from grid.models import Premise


def premise_get_by_meter(*, meter_no: str) -> Premise | None:
    """The premise with its network (transformer, feeder, station) and customer, or None."""
    return (
        Premise.objects.select_related("transformer__feeder__station", "customer")
        .filter(meter_no=meter_no)
        .first()
    )
