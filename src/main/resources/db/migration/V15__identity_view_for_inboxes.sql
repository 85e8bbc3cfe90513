-- Issue 34: one owner per table. users and user_roles belong to the identity feature; the
-- notifications feature reads what an inbox needs of its reader (since when the account exists,
-- the roles it holds) through this view, which identity's migrations keep. Filtered by id, as the
-- inbox queries do, PostgreSQL inlines it: the same plan as the join it replaces.
create view identity_inbox_readers as
    select u.id, u.created_at,
           array(select ur.role_name from user_roles ur where ur.user_id = u.id) as roles
    from users u;
