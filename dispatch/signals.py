"""Signals other apps listen to; repairs sits above dispatch, so it subscribes here."""

from django.dispatch import Signal

# Sent inside the transaction of every work-order step, after the order is saved,
# with order, action, actor, note and now. A receiver that raises rolls the step back.
work_order_transitioned = Signal()
