"""Reads for the console, one module per part of it; callers use the package's names.

Every function here runs a fixed number of queries, whatever the customer's history:
the console must show it within a second of the phone number.
"""

from hotline.selectors.callbacks import callback_queue, callback_ticket_get
from hotline.selectors.callers import (
    CallerMatch,
    CallerResults,
    MatchedBy,
    caller_search,
    customer_list_by_phone,
    customer_list_for_api,
    premise_page_by_address,
)
from hotline.selectors.calls import (
    call_get_for_agent,
    call_get_for_user,
    call_get_open,
    call_links_implied,
    call_list_for_ticket,
    call_list_popped,
    call_list_today,
    call_ticket_list,
    call_unended_state,
    premise_get_for_call,
    premise_list_for_call,
    repair_get_open_for_premise,
)
from hotline.selectors.card import (
    Banner,
    CustomerCard,
    banner_list_for_premises,
    customer_card_get,
    open_deadlines_prefetch,
)
from hotline.selectors.kb import (
    article_category_list,
    article_get,
    article_list_by_ids,
    article_search,
)
from hotline.selectors.outages import OutageLookup, PremiseOutage, outage_lookup

__all__ = [
    "Banner",
    "CallerMatch",
    "CallerResults",
    "CustomerCard",
    "MatchedBy",
    "OutageLookup",
    "PremiseOutage",
    "article_category_list",
    "article_get",
    "article_list_by_ids",
    "article_search",
    "banner_list_for_premises",
    "call_get_for_agent",
    "call_get_for_user",
    "call_get_open",
    "call_links_implied",
    "call_list_for_ticket",
    "call_list_popped",
    "call_list_today",
    "call_ticket_list",
    "call_unended_state",
    "callback_queue",
    "callback_ticket_get",
    "caller_search",
    "customer_card_get",
    "customer_list_by_phone",
    "customer_list_for_api",
    "open_deadlines_prefetch",
    "outage_lookup",
    "premise_get_for_call",
    "premise_list_for_call",
    "premise_page_by_address",
    "repair_get_open_for_premise",
]
