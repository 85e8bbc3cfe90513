package dev.vigile.audit.control;

/** Constants of the audit hash chain (computed by the database, see V2__admin_audit.sql). */
final class AuditChain {
    /** The previous hash of the first row. */
    static final String GENESIS = "0".repeat(64);

    private AuditChain() {}
}
