"""The year of service bench/dashboard.py measures, as SQL (generate_series): minutes, not
hours, for a million tickets. Each step reads what the ones before it wrote.
"""

STATIONS = 40
FEEDERS_PER_STATION = 10
TRANSFORMERS_PER_FEEDER = 10


def steps(tickets: int, premises: int, calls: int) -> list[tuple[str, str]]:
    """(label, SQL) for each step, in the order they run."""
    return [
        (
            "stations, feeders, transformers",
            f"""
            INSERT INTO grid_station (code, name)
              SELECT 'ST' || lpad(i::text, 3, '0'), 'Station ' || i
              FROM generate_series(1, {STATIONS}) i;
            INSERT INTO grid_feeder (code, station_id)
              SELECT 'F' || s.id || '-' || j, s.id
              FROM grid_station s, generate_series(1, {FEEDERS_PER_STATION}) j;
            INSERT INTO grid_transformer (code, feeder_id)
              SELECT 'T' || f.id || '-' || j, f.id
              FROM grid_feeder f, generate_series(1, {TRANSFORMERS_PER_FEEDER}) j;
            INSERT INTO grid_department (code, name) VALUES ('MKT', 'Marketing');
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined, role, language)
              VALUES ('!', false, 'bench_agent', '', '', '', false, true, now(), 'agent', '');
            INSERT INTO complaints_category (code, name, active, position)
              SELECT 'cat' || i, 'Category ' || i, true, i FROM generate_series(1, 8) i
              ON CONFLICT DO NOTHING;
            """,
        ),
        (
            f"{premises:,} customers and premises",
            f"""
            INSERT INTO grid_customer (account_no, name)
              SELECT 'A' || lpad(i::text, 9, '0'), 'Customer ' || i
              FROM generate_series(1, {premises}) i;
            INSERT INTO grid_premise (meter_no, address, area_type, important, customer_id,
                transformer_id)
              SELECT 'M' || c.id, c.id || ' Road',
                     CASE WHEN r < 0.5 THEN 'urban' WHEN r < 0.9 THEN 'rural' ELSE 'remote' END,
                     false, c.id, t.ids[1 + floor(random() * array_length(t.ids, 1))::int]
              FROM (SELECT id, random() r FROM grid_customer) c,
                   (SELECT array_agg(id) ids FROM grid_transformer) t;
            """,
        ),
        (
            f"{tickets:,} tickets",
            f"""
            INSERT INTO tickets_ticket (number, kind, status, priority, channel, caller_phone,
                description, urge_count, unreachable_count, created_at, updated_at, resolved_at,
                closed_at, premise_id, station_id, customer_id)
              SELECT 'B' || g.i, g.kind,
                     CASE WHEN g.created_at > now() - interval '6 hours'
                            THEN (ARRAY['open', 'in_progress'])[1 + floor(random() * 2)::int]
                          WHEN random() < 0.05 THEN 'cancelled'
                          WHEN random() < 0.8 THEN 'closed' ELSE 'resolved' END,
                     'normal', 'hotline', '138' || lpad((g.i % 100000000)::text, 8, '0'), '',
                     0, 0, g.created_at, g.created_at, NULL, NULL,
                     CASE WHEN g.kind IN ('consultation', 'opinion', 'praise') AND g.r2 < 0.5
                          THEN NULL ELSE p.id END,
                     CASE WHEN g.kind IN ('consultation', 'opinion', 'praise') AND g.r2 < 0.5
                          THEN NULL ELSE f.station_id END,
                     p.customer_id
              FROM (
                SELECT i, random() r2,
                       now() - random() * interval '365 days' AS created_at,
                       CASE WHEN r < 0.45 THEN 'repair' WHEN r < 0.75 THEN 'consultation'
                            WHEN r < 0.80 THEN 'complaint' WHEN r < 0.92 THEN 'service_request'
                            WHEN r < 0.97 THEN 'opinion' ELSE 'praise' END AS kind,
                       1 + floor(random() * {premises})::int AS premise_n
                FROM (SELECT i, random() r FROM generate_series(1, {tickets}) i) s
              ) g
              JOIN grid_premise p ON p.id = g.premise_n
                                     + (SELECT min(id) - 1 FROM grid_premise)
              JOIN grid_transformer t ON t.id = p.transformer_id
              JOIN grid_feeder f ON f.id = t.feeder_id;
            """,
        ),
        (
            "work orders (85% of repairs) and repairs",
            """
            INSERT INTO dispatch_workorder (status, location, brief, hazards, important, arrive_by,
                restore_within, restore_by, arrived_in_time, actions, return_reason, created_at,
                updated_at, arrived_at, completed_at, returned_at, cancelled_at, station_id,
                ticket_id)
              SELECT CASE WHEN w.recent THEN (ARRAY['pending', 'assigned', 'en_route', 'on_site'])
                                             [1 + floor(random() * 4)::int]
                          WHEN w.r < 0.02 THEN 'cancelled' ELSE 'completed' END,
                     'x', '', '[]', false, w.arrive_by, interval '3 hours',
                     w.arrived_at + interval '3 hours',
                     CASE WHEN w.arrived_at IS NULL THEN NULL ELSE w.arrived_at <= w.arrive_by END,
                     '', '', w.created_at, w.created_at, w.arrived_at,
                     CASE WHEN w.recent OR w.r < 0.02 THEN NULL
                          ELSE w.arrived_at + random() * interval '4 hours' END,
                     CASE WHEN w.r BETWEEN 0.02 AND 0.05 THEN w.arrived_at END,
                     CASE WHEN w.r < 0.02 AND NOT w.recent THEN w.created_at END,
                     w.station_id, w.id
              FROM (
                SELECT t.id, t.station_id, t.created_at, random() r,
                       t.created_at > now() - interval '6 hours' AS recent,
                       t.created_at + CASE p.area_type WHEN 'urban' THEN interval '45 minutes'
                                      WHEN 'rural' THEN interval '90 minutes'
                                      ELSE interval '120 minutes' END AS arrive_by,
                       CASE WHEN t.created_at > now() - interval '6 hours' AND random() < 0.7
                            THEN NULL
                            ELSE t.created_at + (15 + random() * 120) * interval '1 minute'
                            END AS arrived_at
                FROM tickets_ticket t JOIN grid_premise p ON p.id = t.premise_id
                WHERE t.kind = 'repair' AND random() < 0.85
              ) w;
            INSERT INTO repairs_repair (ticket_id, scope, breaker, high_power_load,
                equipment_in_use, fault_side, hazards, outcome, reason, likely_cause)
              SELECT id, 'neighbours', 'not_tripped', false, '', 'utility', '[]', 'dispatch', '',
                     ''
              FROM tickets_ticket WHERE kind = 'repair';
            """,
        ),
        (
            "incidents (3,000, 15 active)",
            """
            INSERT INTO repairs_incident (level, status, etr, created_at, restored_at, feeder_id,
                station_id, transformer_id, cause_note)
              SELECT 'transformer', CASE WHEN i <= 15 THEN 'detected' ELSE 'restored' END,
                     now() + interval '2 hours',
                     now() - CASE WHEN i <= 15 THEN random() * interval '3 hours'
                                  ELSE random() * interval '365 days' END,
                     NULL, f.id, f.station_id, t.id, ''
              FROM generate_series(1, 3000) i
              JOIN grid_transformer t ON t.id = (SELECT min(id) FROM grid_transformer) + i - 1
              JOIN grid_feeder f ON f.id = t.feeder_id;
            UPDATE repairs_repair r SET incident_id = i.id
              FROM repairs_incident i
              WHERE r.ticket_id % 3000 = i.id % 3000 AND r.ticket_id % 7 = 0;
            """,
        ),
        (
            "complaints (4 in 5 called back)",
            """
            INSERT INTO complaints_complaint (ticket_id, status, is_report, major, major_reason,
                account_no, contact_by, reply_by, reply_by_fallback, contact_note, validity,
                judgement_reason, cause, rectification, reply_text, reopen_count, closed_as,
                category_id)
              SELECT t.id, 'closed', false, false, '', '', t.created_at + interval '1 day',
                     t.created_at + interval '6 days', false, '',
                     (ARRAY['valid', 'partially_valid', 'not_valid', ''])
                       [1 + floor(random() * 4)::int],
                     '', '', '', '', 0, '',
                     c.ids[1 + floor(random() * array_length(c.ids, 1))::int]
              FROM tickets_ticket t, (SELECT array_agg(id) ids FROM complaints_category) c
              WHERE t.kind = 'complaint';
            INSERT INTO tickets_callback (ticket_id, result, note, at)
              SELECT id, result, '', created_at + interval '2 days'
              FROM (SELECT id, created_at,
                           (ARRAY['satisfied', 'basically_satisfied', 'unsatisfied',
                                  'unreachable', ''])[1 + floor(random() * 5)::int] AS result
                    FROM tickets_ticket WHERE kind = 'complaint') called
              WHERE result <> '';
            """,
        ),
        (
            "timeline events (created, resolved, closed; 3% of tickets urged)",
            """
            INSERT INTO tickets_timelineevent (kind, at, note, old_status, new_status, data,
                ticket_id)
              SELECT 'created', created_at, '', '', 'open', '{}', id FROM tickets_ticket;
            INSERT INTO tickets_timelineevent (kind, at, note, old_status, new_status, data,
                ticket_id)
              SELECT 'resolve', created_at + interval '3 hours', '', 'in_progress', 'resolved',
                     '{}', id
              FROM tickets_ticket WHERE status IN ('resolved', 'closed');
            INSERT INTO tickets_timelineevent (kind, at, note, old_status, new_status, data,
                ticket_id)
              SELECT 'close', created_at + interval '2 days', '', 'resolved', 'closed', '{}', id
              FROM tickets_ticket WHERE status = 'closed';
            INSERT INTO tickets_timelineevent (kind, at, note, old_status, new_status, data,
                ticket_id)
              SELECT 'urged', LEAST(created_at + random() * interval '5 hours', now()), '', '', '',
                     '{}', id
              FROM tickets_ticket WHERE random() < 0.03;
            """,
        ),
        (
            f"{calls:,} calls",
            f"""
            INSERT INTO hotline_call (caller_phone, started_at, ended_at, reason, outcome, note,
                agent_id)
              SELECT '138' || lpad(i::text, 8, '0'), s.at, s.at + interval '4 minutes',
                     (ARRAY['repair', 'consultation', 'complaint', 'urge', 'other'])
                       [1 + floor(random() * 5)::int], 'recorded', '',
                     (SELECT id FROM accounts_user WHERE username = 'bench_agent')
              FROM (SELECT i, now() - random() * interval '365 days' AS at
                    FROM generate_series(1, {calls}) i) s;
            """,
        ),
        (
            "outage notices (2,000)",
            """
            INSERT INTO repairs_outagenotice (kind, reason, starts_at, ends_at, published_at,
                late_notice, station_id)
              SELECT 'planned', 'Maintenance', s.at, s.at + interval '8 hours',
                     s.at - interval '8 days', random() < 0.1,
                     (SELECT min(id) FROM grid_station) + (i % 40)
              FROM (SELECT i, now() - random() * interval '360 days' + interval '5 days' AS at
                    FROM generate_series(1, 2000) i) s;
            """,
        ),
    ]
