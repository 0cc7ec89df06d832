"""The dashboard's filters: a period of days and a station. A bad value never breaks the page:
it falls back to the default and says so."""

from datetime import date, timedelta
from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grid.models import Station

DEFAULT_DAYS = 30


class DashboardFilterForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)
    station = forms.ChoiceField(label=gettext_lazy("Supply station"), required=False)

    def __init__(self, *args, stations: list[Station] | None, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for name in ("start", "end"):
            self.fields[name].widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
        # An empty form shows the period the page shows.
        self.fields["start"].initial = today - timedelta(days=DEFAULT_DAYS - 1)
        self.fields["end"].initial = today
        # A dispatcher's dashboard is their own station: no choice to offer.
        if stations is None:
            del self.fields["station"]
            self.stations: dict[str, Station] = {}
        else:
            # Choices from the stations the page has loaded anyway: no query of its own.
            self.stations = {station.code: station for station in stations}
            cast(forms.ChoiceField, self.fields["station"]).choices = [
                ("", _("All stations")),
                *[(station.code, station.name) for station in stations],
            ]

    def period(self) -> tuple[date, date, list[str]]:
        """(first, last, warnings): the chosen days, at most today, at most
        GRIDLINE_DASHBOARD_MAX_RANGE_DAYS long; the last 30 days when none is chosen."""
        warnings: list[str] = []
        if self.is_bound and not self.is_valid():
            warnings.append(_("Some filters were not understood and were left out."))
        data = getattr(self, "cleaned_data", {})  # an unbound form has none
        last = data.get("end") or self.today
        if last > self.today:
            last = self.today
        first = data.get("start") or last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            warnings.append(_("The period started after it ended: showing its last day."))
            first = last
        longest = settings.GRIDLINE_DASHBOARD_MAX_RANGE_DAYS
        if (last - first).days + 1 > longest:
            warnings.append(_("At most %(days)d days at a time.") % {"days": longest})
            first = last - timedelta(days=longest - 1)
        return first, last, warnings

    def chosen_station(self) -> Station | None:
        if "station" not in self.fields:
            return None
        self.is_valid()  # an unknown station is dropped, the other filters still apply
        code = getattr(self, "cleaned_data", {}).get("station") or ""
        return self.stations.get(code)
