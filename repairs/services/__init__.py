"""Writes for repairs, by sub-domain; import each name from the module that owns it.

- intake: recording a repair call (repair_create, dispatch_to_station, repair_brief).
- correlation: transformer and feeder incidents from the reports (DESIGN §3.3).
- incidents: acknowledge, ETR, restore, absorb, the incident SMS, and the incident
  following its work order (on_work_order_transitioned).
- progress_sms: the single-premise repair's caller told of its dispatch, the crew setting
  off and the work done (on_work_order_step_sms, a work-order step hook).
- notices: planned outages and supply restrictions (DESIGN §3.4).
- callbacks: what a repair's callback leads to (tickets.callbacks calls it): closing it,
  or reopening it to the station.
"""
