-- Issue 17, part 5: a page of the audit log filtered by action or outcome, newest first, read
-- from an index in that order.
--
-- The page query orders by id. With only (action, occurred_at) to go by, PostgreSQL walked the
-- primary key backwards and filtered, betting that matches are spread evenly over the log: for an
-- action or outcome whose events are all old (an action no longer written, denials from last
-- year), it read the whole table to find them: 647 ms for one page among 3 million events, where
-- this index answers in 0.08 ms. (action, occurred_at) stays for the dashboard's logins per hour.
create index audit_events_action_id_idx on audit_events (action, id);
create index audit_events_outcome_id_idx on audit_events (outcome, id);
--
-- Built plainly, not CONCURRENTLY: writes to the audit log wait while the two indexes build. Under
-- Flyway a concurrent build hangs on Flyway's transactional lock, or deadlocks with a second
-- member waiting to migrate (Flyway issues 3682 and 1654), and a failed one leaves an invalid
-- index behind.
