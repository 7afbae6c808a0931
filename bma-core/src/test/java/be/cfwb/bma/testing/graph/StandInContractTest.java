package be.cfwb.bma.testing.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Graph stand-in accepts, held to Microsoft's Graph v1.0 metadata: every property it
 * lets a message, a mail folder, a user or a password profile carry exists on that type, and
 * every route it serves is a navigation or a bound action of Graph. And the checker itself
 * catches what Graph would refuse, so that its silence means something.
 */
class StandInContractTest {

    private static final GraphMetadata GRAPH = GraphMetadata.load();

    private static List<String> missing(Set<String> properties, String type) {
        List<String> out = new ArrayList<>();
        for (String p : properties) {
            if (!p.startsWith("@odata.") && GRAPH.member(type, p).isEmpty()) {
                out.add(type + "." + p);
            }
        }
        return out;
    }

    @Test
    void everyPropertyTheStandInAcceptsExistsOnItsType() {
        List<String> missing = new ArrayList<>();
        missing.addAll(missing(GraphShapes.MESSAGE_PROPERTIES, "message"));
        missing.addAll(missing(GraphShapes.MESSAGE_PATCH_PROPERTIES, "message"));
        missing.addAll(missing(GraphShapes.FOLDER_PROPERTIES, "mailFolder"));
        missing.addAll(missing(GraphShapes.USER_PATCH_PROPERTIES, "user"));
        missing.addAll(missing(GraphShapes.PASSWORD_PROFILE_PROPERTIES, "passwordProfile"));
        assertThat(missing).isEmpty();
        assertThat(GRAPH.member("message", "singleValueExtendedProperties").orElseThrow().type())
                .isEqualTo("Collection(singleValueLegacyExtendedProperty)");
        assertThat(GRAPH.isA("fileAttachment", "attachment")).isTrue();
        assertThat(GRAPH.isA("itemAttachment", "attachment")).isTrue();
    }

    @Test
    void everyRouteTheStandInServesIsAGraphRoute() {
        List<String> violations = new ArrayList<>();
        for (String route : List.of("GET /v1.0/users/u", "PATCH /v1.0/users/u", "POST /v1.0/users/u/sendMail",
                "GET /v1.0/users/u/mailFolders", "POST /v1.0/users/u/mailFolders", "GET /v1.0/users/u/mailFolders/inbox",
                "GET /v1.0/users/u/mailFolders/f/childFolders", "POST /v1.0/users/u/mailFolders/f/childFolders",
                "GET /v1.0/users/u/mailFolders/f/messages", "POST /v1.0/users/u/mailFolders/f/messages",
                "GET /v1.0/users/u/messages", "GET /v1.0/users/u/messages/m", "PATCH /v1.0/users/u/messages/m",
                "DELETE /v1.0/users/u/messages/m", "GET /v1.0/users/u/messages/m/attachments",
                "POST /v1.0/users/u/messages/m/attachments",
                "POST /v1.0/users/u/messages/m/attachments/createUploadSession",
                "GET /v1.0/users/u/mailFolders/f/messages/$count")) {
            String[] parts = route.split(" ");
            violations.addAll(GRAPH.violations(parts[0], parts[1], null, null));
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theCheckerCatchesWhatGraphWouldRefuse() {
        assertThat(GRAPH.violations("POST", "/v1.0/users/u/mailFolders/inbox/messages", null,
                "{\"subject\":\"x\",\"isRead\":\"yes\",\"receivedAt\":\"2024-01-01T00:00:00Z\",\"importance\":\"urgent\","
                        + "\"singleValueExtendedProperties\":[{\"id\":\"Integer 0x0E07\",\"value\":1,\"type\":\"int\"}]}"))
                .anyMatch(v -> v.contains("'receivedAt' does not exist on microsoft.graph.message"))
                .anyMatch(v -> v.contains("isRead") && v.contains("Edm.Boolean"))
                .anyMatch(v -> v.contains("urgent") && v.contains("importance"))
                .anyMatch(v -> v.contains("singleValueExtendedProperties[0].value"))
                .anyMatch(v -> v.contains("'type' does not exist on microsoft.graph.singleValueLegacyExtendedProperty"));
        assertThat(GRAPH.violations("POST", "/v1.0/users/u/mailFolders/f/folders", null, null))
                .anyMatch(v -> v.contains("'folders'"));
        assertThat(GRAPH.violations("POST", "/v1.0/users/u/messages/m/attachments/createUploadSession", null,
                "{\"attachmentItem\":{\"attachmentType\":\"file\",\"name\":\"a.zip\",\"size\":1}}"))
                .anyMatch(v -> v.contains("no parameter 'attachmentItem'"));
        assertThat(GRAPH.violations("GET", "/v1.0/users/u/messages", "$select=subject,received&$filter=sender eq 'x'", null))
                .anyMatch(v -> v.contains("'received'"));
        assertThat(GRAPH.violations("POST", "/v1.0/users/u/messages/m/attachments", null,
                "{\"@odata.type\":\"#microsoft.graph.mailFolder\",\"name\":\"x\"}"))
                .anyMatch(v -> v.contains("is not a attachment"));
    }
}
