-- The browser form's CSRF token is bound to its session: the hash of the token last handed to the
-- session's browser. A cookie refresh or logout must present that token, not merely a header equal
-- to a cookie (any pair of equal values passed that double-submit check).
alter table sessions add column csrf_hash varchar(64);
