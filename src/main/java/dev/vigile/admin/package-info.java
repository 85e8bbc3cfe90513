/**
 * The admin dashboard: figures from the identity context, the audit log and the WebSocket
 * registry, asked of each through its own queries. Owns no table. Admin routes that change
 * users and roles live with the identity context, which owns their logic.
 */
package dev.vigile.admin;
