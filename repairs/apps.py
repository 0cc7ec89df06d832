from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self) -> None:
        from dispatch.hooks import work_order_panels, work_order_step_hooks
        from repairs import messages  # noqa: F401  (registers repairs' message kinds)
        from repairs.panels import incident_order_panel, repair_panel
        from repairs.services.callbacks import repair_callbacks
        from repairs.services.incidents import on_work_order_transitioned
        from repairs.services.progress_sms import on_work_order_step_sms
        from tickets.callbacks import callback_followups
        from tickets.panels import ticket_panels

        ticket_panels.register(repair_panel)
        work_order_step_hooks.register(on_work_order_transitioned)
        work_order_step_hooks.register(on_work_order_step_sms)
        work_order_panels.register(incident_order_panel)
        callback_followups.register(repair_callbacks)
