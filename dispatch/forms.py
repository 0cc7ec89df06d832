"""The station queue's filters. Step inputs need no form: work_order_act validates them."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from dispatch.models import OPEN_WORK_ORDER_STATUSES, WorkOrder
from grid.models import Station

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def open_status_choices() -> list[tuple[str, "StrOrPromise"]]:
    """The open statuses in the table's own order, for the status filter."""
    return [(v, label) for v, label in WorkOrder.Status.choices if v in OPEN_WORK_ORDER_STATUSES]


class QueueFilterForm(forms.Form):
    """GET filters of the queue; a value that does not validate is ignored, not an error page."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    station = forms.ModelChoiceField(
        label=_("Supply station"),
        required=False,
        queryset=Station.objects.order_by("code"),
        to_field_name="code",
        empty_label=_("All stations"),
    )

    def __init__(self, *args, all_stations: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("All open")),
            *open_status_choices(),
        ]
        # A dispatcher's queue is its own station: the selector scopes it, no select needed.
        if not all_stations:
            del self.fields["station"]

    def value(self, name: str) -> Any:
        """The cleaned value, or None when it is missing or did not validate."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or None
