-- Where the last verify that passed ended (issue 37): the last event it checked, its hash and link,
-- signed under the audit key. GET /api/admin/audit/verify?resume=true walks only the events after it,
-- once it has found that event unchanged. One row, replaced by each verify that passes.
create table audit_verified (
    only_row    boolean      primary key default true check (only_row),
    upto_id     bigint       not null,
    hash        varchar(64)  not null,
    link        varchar(64),
    -- HMAC-SHA256 under the audit key of 'vigile-audit-verified:' || upto_id || ':' || hash || ':' || coalesce(link, '')
    mac         varchar(64)  not null,
    verified_at timestamptz  not null
);

-- Writes the mark: the event must exist and the mark be signed under the key of the calling
-- transaction (set_config('vigile.audit_key', ...)), that key the one that signed the chain's anchor.
-- The application's role may call this and read the table, never write it otherwise: without the key
-- it can neither plant a mark nor remove one.
create function audit_mark_verified(p_upto bigint, p_mac text) returns void
    language plpgsql
    security definer
    set search_path = pg_catalog, public
as $$
declare
    marked audit_events;
    anchor audit_chain_keyed;
begin
    select * into marked from audit_events where id = p_upto and id > 0;
    if not found then
        raise exception 'audit row % does not exist', p_upto using errcode = 'no_data_found';
    end if;
    select * into anchor from audit_chain_keyed;
    if anchor.mac is null or anchor.mac <> encode(hmac(convert_to('vigile-audit-keyed-from:' || anchor.from_id,
                                                                 'UTF8'), audit_chain_key(), 'sha256'), 'hex') then
        raise exception 'not the audit key: a verified mark is written only under the key that signed the chain'
            using errcode = 'insufficient_privilege';
    end if;
    if p_mac is distinct from encode(hmac(convert_to('vigile-audit-verified:' || p_upto || ':' || marked.hash || ':'
                                                     || coalesce(marked.link, ''), 'UTF8'), audit_chain_key(), 'sha256'),
                                      'hex') then
        raise exception 'verified mark not signed under the audit key' using errcode = 'insufficient_privilege';
    end if;
    -- Always replaced, even by a mark further back (a verify that began earlier and ended later):
    -- that only makes the next resumed verify walk more.
    insert into audit_verified (upto_id, hash, link, mac, verified_at)
    values (p_upto, marked.hash, marked.link, p_mac, now())
    on conflict (only_row) do update
        set upto_id = excluded.upto_id, hash = excluded.hash, link = excluded.link, mac = excluded.mac,
            verified_at = excluded.verified_at;
end
$$;

revoke all on function audit_mark_verified(bigint, text) from public;
