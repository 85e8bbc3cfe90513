/**
 * The audit log: owns {@code audit_events} and {@code audit_chain_keyed} (append-only, hash-chained,
 * keyed). Other features record through {@code AuditLog}; access denials arrive as {@code
 * common.problem.AccessRefused} events. May use {@code common}, {@code platform}, {@code security}.
 */
package dev.vigile.audit;
