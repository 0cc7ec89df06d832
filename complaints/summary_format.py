"""A stored complaint summary as people read it: the page, the CSV and the email share these.

The stored numbers hold codes and names; the labels are made here, in the reader's
language (the email's is LANGUAGE_CODE).
"""

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import Complaint, ComplaintSummary
from config.spreadsheet import SafeCsvWriter
from tickets.models import Channel, Deadline
from tickets.outbox import Attachment

DIMENSIONS = ("category", "department", "station", "validity", "channel")


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    previous: int

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def change_text(self) -> str:
        """'+3 (+50%)', '−2 (−40%)', '0', or '+2 (new)' when the previous period had none."""
        if self.change == 0:
            return "0"
        sign = "+" if self.change > 0 else "−"
        if self.previous == 0:
            # Translators: a count that the previous period did not have at all, e.g. "+8 (new)".
            return _("%(change)s (new)") % {"change": f"{sign}{abs(self.change)}"}
        percent = round(abs(self.change) * 100 / self.previous)
        return f"{sign}{abs(self.change)} ({sign}{percent}%)"


@dataclass(frozen=True)
class Report:
    summary: ComplaintSummary
    totals: dict[str, Row]
    breakdowns: dict[str, list[Row]]
    overdue: list[dict[str, Any]]
    repeated: list[dict[str, Any]]

    @property
    def title(self) -> str:
        return _("%(period)s complaint summary, %(first)s – %(last)s") % {
            "period": self.summary.get_period_display(),
            "first": self.summary.starts_on.isoformat(),
            "last": self.summary.ends_on.isoformat(),
        }


DIMENSION_TITLES = {
    "category": gettext_lazy("By category"),
    "department": gettext_lazy("By responsible department"),
    "station": gettext_lazy("By supply station"),
    "validity": gettext_lazy("By validity"),
    "channel": gettext_lazy("By channel"),
}


def summary_report(summary: ComplaintSummary) -> Report:
    """The stored numbers with labels in the active language."""
    data = summary.data
    totals = {
        "complaints": _("All complaints"),
        "reports": _("Reports (举报)"),
        "major": _("Major complaints"),
        "overdue": _("Complaints with a missed deadline"),
    }
    deadline_labels = dict(Deadline.Name.choices)
    overdue = [
        {
            **o,
            "category": _(o["category"]) if o["category"] else "",
            "deadline_label": deadline_labels.get(o["deadline"], o["deadline"]),
            "due": _local_text(o["due_at"]),
            "met": _local_text(o["met_at"]) if o["met_at"] else "",
        }
        for o in data.get("overdue", [])
    ]
    repeated = [
        {**r, "category": _(r["category"]) if r.get("category") else ""}
        for r in data.get("repeated", [])
    ]
    return Report(
        summary=summary,
        totals={key: Row(key, str(label), **data["totals"][key]) for key, label in totals.items()},
        breakdowns={
            dim: [
                Row(r["key"], _label(dim, r["key"], r["name"]), r["count"], r["previous"])
                for r in data["breakdowns"][dim]
            ]
            for dim in DIMENSIONS
        },
        overdue=overdue,
        repeated=repeated,
    )


def _label(dimension: str, key: str, name: str) -> str:
    if dimension == "category":
        return _(name) if name else key
    if dimension == "validity":
        return str(Complaint.Validity(key).label) if key else _("Not judged yet")
    if dimension == "channel":
        return str(Channel(key).label) if key in Channel.values else key
    if not key:
        return _("No department named yet") if dimension == "department" else _("No station")
    return name or key


def _local_text(iso: str) -> str:
    return timezone.localtime(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M")


def summary_csv(summary: ComplaintSummary) -> str:
    """The summary as CSV in blocks (numbers, overdue, repeated), with a BOM for Excel."""
    report = summary_report(summary)
    out = io.StringIO()
    out.write("\ufeff")
    writer = SafeCsvWriter(out)
    writer.writerow(
        [
            _("Complaint summary"),
            summary.period,
            summary.starts_on.isoformat(),
            summary.ends_on.isoformat(),
        ]
    )
    writer.writerow([])
    writer.writerow(
        [_("Breakdown"), _("Code"), _("Name"), _("This period"), _("Previous period"), _("Change")]
    )
    # The first column is the block's title in the reader's language; the codes stay in
    # their own column for whoever filters the sheet.
    totals_title = _("Totals")
    for row in report.totals.values():
        writer.writerow([totals_title, row.key, row.label, row.count, row.previous, row.change])
    for dimension in DIMENSIONS:
        title = str(DIMENSION_TITLES[dimension])
        for row in report.breakdowns[dimension]:
            writer.writerow([title, row.key, row.label, row.count, row.previous, row.change])
    writer.writerow([])
    writer.writerow(
        [_("Ticket"), _("Category"), _("Department"), _("Deadline"), _("Due"), _("Met")]
    )
    for o in report.overdue:
        writer.writerow(
            [o["number"], o["category"], o["department"], o["deadline_label"], o["due"], o["met"]]
        )
    writer.writerow([])
    writer.writerow(
        [
            _("Repeated issue"),
            _("Category"),
            _("Supply station"),
            _("Customer"),
            _("Complaints"),
            _("Numbers"),
        ]
    )
    kinds = {"customer": _("Same customer"), "category_station": _("Same category at a station")}
    for r in report.repeated:
        writer.writerow(
            [
                kinds.get(r["kind"], r["kind"]),
                r.get("category", ""),
                r.get("station", ""),
                r.get("customer", ""),
                r["count"],
                " ".join(r["numbers"]),
            ]
        )
    return out.getvalue()


def summary_csv_filename(summary: ComplaintSummary) -> str:
    return f"complaint-summary-{summary.period}-{summary.starts_on.isoformat()}.csv"


@dataclass(frozen=True)
class SummaryEmail:
    subject: str
    text: str
    html: str
    csv: Attachment


def summary_email(summary: ComplaintSummary, *, language: str = "") -> SummaryEmail:
    """The HTML email with a plain-text part and the CSV to attach, in `language` (the
    recipient's; by default LANGUAGE_CODE)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        report = summary_report(summary)
        total = report.totals["complaints"]
        subject = _("Gridline: %(title)s: %(count)d complaints (%(change)s)") % {
            "title": report.title,
            "count": total.count,
            "change": total.change_text,
        }
        context = {"report": report, "sections": summary_sections(report)}
        return SummaryEmail(
            subject=subject,
            text=render_to_string("complaints/email/summary.txt", context),
            html=render_to_string("complaints/email/summary.html", context),
            csv=Attachment(summary_csv_filename(summary), summary_csv(summary), "text/csv"),
        )


def summary_email_key(*, summary_id: int, recipient: str = "") -> str:
    """The outbox dedup key of a summary's email to one recipient; with none, their prefix."""
    return f"summary:{summary_id}:email:{recipient}"


def summary_sections(report: Report) -> list[dict[str, Any]]:
    """The breakdowns in order, each with its title, for the page and the email."""
    return [
        {"key": dim, "title": str(DIMENSION_TITLES[dim]), "rows": rows}
        for dim, rows in report.breakdowns.items()
    ]
