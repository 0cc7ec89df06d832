from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "hotline"
    verbose_name = _("Hotline")

    def ready(self) -> None:
        from hotline import messages  # noqa: F401  (registers hotline's message kinds)
        from hotline.panels import calls_panel
        from tickets.panels import ticket_panels

        ticket_panels.register(calls_panel)
