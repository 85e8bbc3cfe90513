-- Runs after every migration run, as the migrating (owner) role. When the application connects
-- as another role, that role gets exactly what it needs and nothing else: rows of the tables it
-- uses, never DDL (it owns nothing), and on the audit chain only reading and appending.
-- ${runtime_role} is checked by the application to be a plain identifier before it gets here.
do $grants$
declare
    runtime text := '${runtime_role}';
begin
    if runtime = '' or runtime = current_user then
        return;
    end if;
    execute format('revoke all on all tables in schema public from %I', runtime);
    execute format('revoke all on all sequences in schema public from %I', runtime);
    execute format('grant usage on schema public to %I', runtime);
    execute format('grant select, insert, update, delete on all tables in schema public to %I', runtime);
    execute format('revoke all on flyway_schema_history from %I', runtime);
    execute format('revoke update, delete on audit_events from %I', runtime);
    execute format('revoke insert, update, delete on audit_chain_keyed from %I', runtime);
    execute format('grant update (mac) on audit_chain_keyed to %I', runtime);
    execute format('revoke insert, update, delete on audit_event_tally from %I', runtime);
    execute format('revoke insert, update, delete on audit_checkpoints from %I', runtime);
    execute format('grant execute on function audit_retire(bigint, text) to %I', runtime);
    execute format('revoke insert, update, delete on audit_verified from %I', runtime);
    execute format('grant execute on function audit_mark_verified(bigint, text) to %I', runtime);
    execute format('grant usage, select on all sequences in schema public to %I', runtime);
end
$grants$;
