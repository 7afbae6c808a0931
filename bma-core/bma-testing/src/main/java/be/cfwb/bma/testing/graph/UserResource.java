package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code /users/{id}} itself: GET the user, PATCH its password profile (mail 2's password). */
final class UserResource {

    private final StandInState state;

    UserResource(StandInState state) {
        this.state = state;
    }

    Answer answer(StandInRequest r) {
        if (r.method().equals("GET")) {
            return Answer.json(200, userJson(r.user()));
        }
        r.requireMethod("PATCH");
        return patch(r.user(), r.json());
    }

    private static ObjectNode userJson(StandInState.User user) {
        ObjectNode o = GraphStandIn.JSON.createObjectNode();
        o.put("id", user.id);
        o.put("userPrincipalName", user.userPrincipalName);
        o.put("mail", user.mail);
        o.put("displayName", user.userPrincipalName);
        o.put("accountEnabled", true);
        return o;
    }

    private Answer patch(StandInState.User user, ObjectNode body) {
        for (String field : GraphShapes.names(body)) {
            if (!GraphShapes.USER_PATCH_PROPERTIES.contains(field)) {
                throw new GraphRefusal(400, "Request_BadRequest", "Property '" + field + "' is not supported by the stand-in.");
            }
        }
        JsonNode profile = body.get("passwordProfile");
        if (profile != null) {
            checkPasswordProfile(profile);
            GraphRefusal.requireWrite(user);
            synchronized (state) {
                user.passwordProfile = ((ObjectNode) profile).deepCopy();
                user.passwordChanges++;
            }
        }
        return Answer.empty(204);
    }

    private static void checkPasswordProfile(JsonNode profile) {
        if (!profile.isObject()) {
            throw new GraphRefusal(400, "Request_BadRequest", "passwordProfile must be an object.");
        }
        for (String field : GraphShapes.names(profile)) {
            if (!GraphShapes.PASSWORD_PROFILE_PROPERTIES.contains(field)) {
                throw new GraphRefusal(400, "Request_BadRequest",
                        "Property '" + field + "' does not exist on type 'microsoft.graph.passwordProfile'.");
            }
        }
        String password = StandInState.text(profile, "password");
        if (password == null || !complex(password)) {
            throw new GraphRefusal(400, "Request_BadRequest",
                    "The specified password does not comply with password complexity requirements.");
        }
        JsonNode force = profile.get("forceChangePasswordNextSignIn");
        if (force != null && !force.isBoolean()) {
            throw new GraphRefusal(400, "Request_BadRequest", "forceChangePasswordNextSignIn must be a boolean.");
        }
    }

    /** Entra ID: 8 to 256 characters, three of the four classes. */
    private static boolean complex(String password) {
        if (password.length() < 8 || password.length() > 256) {
            return false;
        }
        int classes = 0;
        classes += password.chars().anyMatch(Character::isUpperCase) ? 1 : 0;
        classes += password.chars().anyMatch(Character::isLowerCase) ? 1 : 0;
        classes += password.chars().anyMatch(Character::isDigit) ? 1 : 0;
        classes += password.chars().anyMatch(c -> !Character.isLetterOrDigit(c)) ? 1 : 0;
        return classes >= 3;
    }
}
