package dev.vigile.identity.accounts.control;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;

/** The accounts' façade inside identity: a user by id, or 404. */
@ApplicationScoped
public class Accounts {
    /** The longest display name, wherever one is set. */
    public static final int DISPLAY_NAME_MAX = 100;

    @Inject
    UserRepository users;

    public User get(UUID id) {
        return users.findById(id).orElseThrow(() -> ApplicationException.notFound("No such user."));
    }
}
