from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from dispatch import messages  # noqa: F401  (registers dispatch's message kinds)
        from dispatch.services import work_orders_follow_cancel, work_orders_follow_transfer
        from tickets.handling import ticket_cancel_hooks, ticket_transfer_hooks

        ticket_transfer_hooks.register(work_orders_follow_transfer)
        ticket_cancel_hooks.register(work_orders_follow_cancel)
