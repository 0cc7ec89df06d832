"""gunicorn's settings for Gridline; gunicorn reads this file from the directory it starts in.

Command-line options (workers, bind) still apply on top of it.
"""

# gunicorn's own limit (4094 bytes) would answer a long URL with a plain-text 400 before
# Django sees it; at gunicorn's maximum, Django answers 414 in the API's JSON
# (settings.GRIDLINE_MAX_URL_LENGTH).
limit_request_line = 8190
