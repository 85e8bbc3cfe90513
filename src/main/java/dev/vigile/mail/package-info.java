/**
 * Mail. Owns the outbox ({@code mail_outbox}): other features hand a {@link dev.vigile.mail.Mail}
 * to {@link dev.vigile.mail.Mailer} inside the transaction of the change that causes it, and the
 * outbox worker sends it over SMTP once that transaction has committed, with retries. {@link
 * dev.vigile.mail.MailTemplates} renders the plain-text and HTML bodies, in English or French.
 */
package dev.vigile.mail;
