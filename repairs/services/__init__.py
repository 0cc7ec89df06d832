"""Writes for repairs, by sub-domain; import each name from the module that owns it.

- intake: recording a repair call (repair_create, dispatch_to_station, repair_brief).
- correlation: transformer and feeder incidents from the reports (DESIGN §3.3).
- incidents: acknowledge, ETR, restore (whole, or a feeder incident's transformers one at
  a time), absorb, the incident SMS, and the incident following its work order
  (on_work_order_transitioned).
- progress_sms: the single-premise repair's caller told of its dispatch, the crew setting
  off and the work done (on_work_order_step_sms, a work-order step hook).
- declarations: declaring an incident before anyone calls, and dismissing one as "not an
  outage" (DESIGN §3.10); above correlation and intake, whose steps it reuses.
- notices: planned outages and supply restrictions (DESIGN §3.4).
- callbacks: what a repair's callback leads to (tickets.callbacks calls it): closing it,
  or reopening it to the station.
"""
