from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from complaints import notices  # noqa: F401  (registers complaints' message kinds)
        from complaints.callbacks import complaint_callbacks
        from complaints.duplicates import complaint_close_as_duplicate
        from complaints.panels import complaint_panel
        from tickets.callbacks import callback_followups
        from tickets.handling import ticket_cancel_hooks
        from tickets.panels import ticket_panels

        ticket_panels.register(complaint_panel)
        callback_followups.register(complaint_callbacks)
        ticket_cancel_hooks.register(complaint_close_as_duplicate)
