"""The console's pages: the caller search and the call (console.py), the ticket kinds
recorded on a call (kinds.py) and the knowledge base (kb.py)."""
