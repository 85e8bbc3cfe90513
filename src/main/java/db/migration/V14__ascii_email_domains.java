package db.migration;

import dev.vigile.common.text.Emails;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Issue 33: addresses are now kept with their domain in its ASCII form (IDNA), and logins look that
 * form up. Accounts stored before with a non-ASCII domain are converted, so that they can still
 * sign in; one whose ASCII form another account already holds is left as it was (two accounts
 * for one mailbox: an administrator decides), and said so in the migration's output.
 */
public class V14__ascii_email_domains extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        Map<UUID, String> converted = new LinkedHashMap<>();
        try (PreparedStatement ps =
                        c.prepareStatement("select id, email from users where email !~ '^[\\x01-\\x7f]*$'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String email = rs.getString(2);
                String ascii = Emails.lookupKey(email);
                if (!ascii.equals(email)) {
                    converted.put((UUID) rs.getObject(1), ascii);
                }
            }
        }
        try (PreparedStatement ps =
                c.prepareStatement("update users set email = ?, updated_at = now(), version = version + 1"
                        + " where id = ? and not exists (select 1 from users where email = ?)")) {
            for (Map.Entry<UUID, String> e : converted.entrySet()) {
                ps.setString(1, e.getValue());
                ps.setObject(2, e.getKey());
                ps.setString(3, e.getValue());
                if (ps.executeUpdate() == 0) {
                    java.util.logging.Logger.getLogger(V14__ascii_email_domains.class.getName())
                            .warning("User " + e.getKey()
                                    + " keeps its address: its ASCII form belongs to another account");
                }
            }
        }
    }
}
