"""The burst under faults (issue "Faults"): repairs recorded while Redis and PostgreSQL restart.

    make bench-faults                                   # 20 clients, 90 s, ~3 minutes in all
    .venv/bin/python -m bench.faults --clients 3 --seconds 6 --redis-down 2   # the smoke form

Everything it breaks is its own: a PostgreSQL cluster (initdb into a temp folder) and a
redis-server on free ports, with gunicorn and one Celery worker with beat pointed at them.
N clients record repairs, each with a fresh Idempotency-Key, and retry THE SAME body with THE
SAME key on a 5xx or a dropped connection (bounded), as a real client does. A supervisor sets
incident ETRs meanwhile, so the outbox has SMS to send. Mid-burst, Redis is killed for a
while and started again (empty); later PostgreSQL restarts (`pg_ctl restart -m fast`).
Afterwards it waits (bounded) for the outbox to drain and counts what the guarantees promise:
each key answered 201 or a clear 4xx, each 201 one stored ticket, no ticket without a 201,
no key left claimed, every message sent once. It reports; it never fails on a number.

    __main__.py   the run: own services, migrate and load, gunicorn and the worker, collect
    clients.py    the burst: repair clients with their keys and retries, the ETR supervisor
    outages.py    the schedule: Redis down and up again, then the PostgreSQL restart
    worker.py     the Celery worker (with beat) the run starts
    sms.py        the SMS backend that records each message sent
    counting.py   FaultsResult: what the database, the SMS record and the logs say afterwards
    report.py     the RESULTS.md section
"""
