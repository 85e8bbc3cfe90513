/**
 * What the identity context announces when it changes an account or a role: typed CDI events, fired
 * synchronously inside the changing transaction, so that what observers do (sessions cut off,
 * notices queued) commits or rolls back with the change. The identity context knows none of its
 * observers.
 */
package dev.vigile.identity.events;
