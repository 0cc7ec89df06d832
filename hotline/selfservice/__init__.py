"""The customers' self-service pages at /self/ (DESIGN §3.12): sign-in with an account number
and a texted one-time code, the outages on their premises, their tickets, a fault report, a
complaint or an opinion, and the rating of a resolved repair.

A customer is never a staff User: the signed-in customer lives in the session under
SESSION_CUSTOMER (hotline.selfservice.signin), which no staff page or API reads.
"""
