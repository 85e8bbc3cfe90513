/**
 * Shared kernel, below every feature and knowing none: problem+json errors, paging, web plumbing
 * (client address, headers, JSON-B, input guards), text rules (emails), permission names.
 */
package dev.vigile.common;
