from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self) -> None:
        from dispatch.signals import work_order_transitioned
        from repairs.panels import repair_panel
        from repairs.services.incidents import on_work_order_transitioned
        from tickets.panels import panel_register

        panel_register(repair_panel)
        work_order_transitioned.connect(
            on_work_order_transitioned, dispatch_uid="repairs.incident_follows_work_order"
        )
