package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Graph's v1.0 contract, read from the extract of its published metadata in the test
 * resources ({@code graph/v1.0-Prod-subset.csdl}, see {@code extract-subset.py} there): entity,
 * complex and enum types with their base types, properties and navigation properties, the bound
 * actions, the {@code users} entity set. Checks a request (path, query, JSON body) against it
 * and says, in words, every way the request leaves the contract.
 */
public final class GraphMetadata {

    /** A property or navigation property: its name and type ({@code Edm.String}, {@code Collection(message)}). */
    public record Member(String name, String type, boolean navigation) {
    }

    /** A bound action: its name, the type it is bound to and its other parameters. */
    public record Action(String name, String boundTo, Map<String, String> parameters) {
    }

    private record Type(String name, String kind, String baseType, Map<String, Member> members, Set<String> enumMembers) {
    }

    private static final String RESOURCE = "/graph/v1.0-Prod-subset.csdl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMPARISON = Pattern.compile("(?<![\\w/])([A-Za-z]\\w*)(?:/(\\w+))?\\s+(?:eq|ne|gt|ge|lt|le)\\s");
    private static final Pattern LAMBDA = Pattern.compile("([A-Za-z]\\w*)/(?:any|all)\\(\\s*(\\w+)\\s*:");

    private final Map<String, Type> types = new HashMap<>();
    private final List<Action> actions = new ArrayList<>();
    private final Map<String, String> entitySets = new HashMap<>();

    private GraphMetadata() {
    }

    /** The extract committed in the test resources. */
    public static GraphMetadata load() {
        try (InputStream in = GraphMetadata.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test class path");
            }
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document doc = f.newDocumentBuilder().parse(in);
            GraphMetadata m = new GraphMetadata();
            for (String kind : List.of("EntityType", "ComplexType", "EnumType")) {
                NodeList list = doc.getElementsByTagNameNS("*", kind);
                for (int i = 0; i < list.getLength(); i++) {
                    Element e = (Element) list.item(i);
                    Map<String, Member> members = new LinkedHashMap<>();
                    for (String tag : List.of("Property", "NavigationProperty")) {
                        for (Element p : children(e, tag)) {
                            members.put(p.getAttribute("Name"), new Member(p.getAttribute("Name"),
                                    local(p.getAttribute("Type")), tag.equals("NavigationProperty")));
                        }
                    }
                    Set<String> enumMembers = new java.util.HashSet<>();
                    for (Element p : children(e, "Member")) {
                        enumMembers.add(p.getAttribute("Name"));
                    }
                    String base = e.getAttribute("BaseType");
                    m.types.put(e.getAttribute("Name"), new Type(e.getAttribute("Name"), kind,
                            base.isEmpty() ? null : local(base), members, enumMembers));
                }
            }
            NodeList list = doc.getElementsByTagNameNS("*", "Action");
            for (int i = 0; i < list.getLength(); i++) {
                Element e = (Element) list.item(i);
                List<Element> params = children(e, "Parameter");
                Map<String, String> parameters = new LinkedHashMap<>();
                for (Element p : params.subList(1, params.size())) {
                    parameters.put(p.getAttribute("Name"), local(p.getAttribute("Type")));
                }
                m.actions.add(new Action(e.getAttribute("Name"), local(params.get(0).getAttribute("Type")), parameters));
            }
            list = doc.getElementsByTagNameNS("*", "EntitySet");
            for (int i = 0; i < list.getLength(); i++) {
                Element e = (Element) list.item(i);
                m.entitySets.put(e.getAttribute("Name"), local(e.getAttribute("EntityType")));
            }
            return m;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot read " + RESOURCE, e);
        }
    }

    private static List<Element> children(Element e, String tag) {
        List<Element> out = new ArrayList<>();
        NodeList list = e.getChildNodes();
        for (int i = 0; i < list.getLength(); i++) {
            if (list.item(i) instanceof Element c && tag.equals(c.getLocalName())) {
                out.add(c);
            }
        }
        return out;
    }

    /** {@code graph.message} and {@code microsoft.graph.message} → {@code message}; Edm types as they are. */
    static String local(String type) {
        if (type.startsWith("Collection(")) {
            return "Collection(" + local(type.substring("Collection(".length(), type.length() - 1)) + ")";
        }
        if (type.startsWith("#")) {
            type = type.substring(1);
        }
        for (String prefix : List.of("microsoft.graph.", "graph.")) {
            if (type.startsWith(prefix)) {
                return type.substring(prefix.length());
            }
        }
        return type;
    }

    /** Whether the type is known. */
    public boolean hasType(String type) {
        return types.containsKey(local(type));
    }

    /** The property or navigation property {@code name} of {@code type} or one of its base types. */
    public Optional<Member> member(String type, String name) {
        for (Type t = types.get(local(type)); t != null; t = t.baseType() == null ? null : types.get(t.baseType())) {
            Member m = t.members().get(name);
            if (m != null) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code type} is {@code base} or derives from it. */
    public boolean isA(String type, String base) {
        for (Type t = types.get(local(type)); t != null; t = t.baseType() == null ? null : types.get(t.baseType())) {
            if (t.name().equals(local(base))) {
                return true;
            }
        }
        return false;
    }

    /** The action {@code name} bound to {@code boundTo} (an entity type, or {@code Collection(type)}), or to a base of it. */
    public Optional<Action> action(String name, String boundTo) {
        for (Action a : actions) {
            if (!a.name().equals(name)) {
                continue;
            }
            boolean collection = boundTo.startsWith("Collection(");
            if (collection != a.boundTo().startsWith("Collection(")) {
                continue;
            }
            if (isA(element(boundTo), element(a.boundTo()))) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private static String element(String type) {
        return type.startsWith("Collection(") ? type.substring("Collection(".length(), type.length() - 1) : type;
    }

    /**
     * Everything in one request that leaves the contract: each path segment a navigation
     * property, a key or a bound action; each {@code $select}, {@code $expand} and
     * {@code $filter} name a member of the addressed type; the JSON body (if any) made only of
     * the addressed type's members (or the action's parameters), each value of its declared type.
     *
     * @param path  e.g. {@code /v1.0/users/a@b/mailFolders/inbox/messages}
     * @param query the decoded query string, or null
     * @param body  the JSON body, or null
     */
    public List<String> violations(String method, String path, String query, String body) {
        List<String> out = new ArrayList<>();
        String where = method + " " + path;
        List<String> segments = new ArrayList<>(List.of(path.replaceFirst("^/+", "").split("/")));
        if (segments.isEmpty() || !segments.get(0).equals("v1.0")) {
            return out;
        }
        segments.remove(0);
        String set = segments.remove(0);
        String type = entitySets.get(set);
        if (type == null) {
            out.add(where + ": no entity set '" + set + "'");
            return out;
        }
        boolean collection = true;
        Action action = null;
        for (String segment : segments) {
            if (segment.equals("$count") || segment.equals("$value")) {
                break;
            }
            if (action != null) {
                out.add(where + ": segment '" + segment + "' after action " + action.name());
                break;
            }
            Optional<Action> bound = action(segment, collection ? "Collection(" + type + ")" : type);
            if (bound.isPresent()) {
                action = bound.get();
                continue;
            }
            if (collection) {
                collection = false;
                continue;
            }
            Optional<Member> m = member(type, segment);
            if (m.isEmpty() || !m.get().navigation()) {
                out.add(where + ": '" + segment + "' is neither a navigation property nor a bound action of " + type);
                return out;
            }
            collection = m.get().type().startsWith("Collection(");
            type = element(m.get().type());
        }
        if (query != null) {
            checkQuery(query, type, where, out);
        }
        if (body != null && !body.isBlank()) {
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (Exception e) {
                out.add(where + ": body is not JSON");
                return out;
            }
            if (action != null) {
                for (var it = json.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    String paramType = action.parameters().get(name);
                    if (paramType == null) {
                        out.add(where + ": action " + action.name() + " has no parameter '" + name + "' (it has "
                                + action.parameters().keySet() + ")");
                    } else {
                        check(json.get(name), paramType, where + " " + name, out);
                    }
                }
            } else {
                check(json, type, where + " body", out);
            }
        }
        return out;
    }

    private void checkQuery(String query, String type, String where, List<String> out) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = pair.substring(0, eq);
            String value = URLDecoder.decode(pair.substring(eq + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
            switch (key) {
                case "$select" -> {
                    for (String name : value.split(",")) {
                        requireMember(type, name.strip(), where + " $select", out);
                    }
                }
                case "$expand" -> {
                    for (String item : topLevel(value)) {
                        String name = item.contains("(") ? item.substring(0, item.indexOf('(')).strip() : item.strip();
                        Optional<Member> m = requireMember(type, name, where + " $expand", out);
                        if (m.isPresent() && item.contains("(")) {
                            String inner = item.substring(item.indexOf('(') + 1, item.lastIndexOf(')'));
                            for (String option : inner.split(";")) {
                                if (option.strip().startsWith("$filter=")) {
                                    checkFilter(option.strip().substring("$filter=".length()), element(m.get().type()),
                                            where + " $expand filter", out);
                                }
                            }
                        }
                    }
                }
                case "$filter" -> checkFilter(value, type, where + " $filter", out);
                default -> {
                }
            }
        }
    }

    /** Names compared in a filter: lambda variables stand for the collection's element type. */
    private void checkFilter(String filter, String type, String where, List<String> out) {
        Map<String, String> variables = new HashMap<>();
        Matcher lambda = LAMBDA.matcher(filter);
        while (lambda.find()) {
            requireMember(type, lambda.group(1), where, out).ifPresent(m -> variables.put(lambda.group(2), element(m.type())));
        }
        String stripped = filter.replaceAll("'(?:[^']|'')*'", "''");
        Matcher c = COMPARISON.matcher(stripped);
        while (c.find()) {
            String head = c.group(1);
            if (variables.containsKey(head)) {
                if (c.group(2) != null) {
                    requireMember(variables.get(head), c.group(2), where, out);
                }
            } else {
                requireMember(type, head, where, out);
            }
        }
    }

    private Optional<Member> requireMember(String type, String name, String where, List<String> out) {
        Optional<Member> m = member(type, name);
        if (m.isEmpty()) {
            out.add(where + ": '" + name + "' does not exist on microsoft.graph." + type);
        }
        return m;
    }

    private static List<String> topLevel(String list) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char ch = list.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                out.add(list.substring(start, i));
                start = i + 1;
            }
        }
        out.add(list.substring(start));
        return out;
    }

    /** {@code node} against {@code type}: every property known, every value of its kind. */
    public void check(JsonNode node, String type, String where, List<String> out) {
        if (node == null || node.isNull()) {
            return;
        }
        if (type.startsWith("Collection(")) {
            if (!node.isArray()) {
                out.add(where + ": expected an array for " + type);
                return;
            }
            int i = 0;
            for (JsonNode item : node) {
                check(item, element(type), where + "[" + i++ + "]", out);
            }
            return;
        }
        if (type.startsWith("Edm.")) {
            boolean ok = switch (type) {
                case "Edm.Boolean" -> node.isBoolean();
                case "Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte" -> node.isIntegralNumber();
                case "Edm.Double", "Edm.Single", "Edm.Decimal" -> node.isNumber();
                case "Edm.Stream" -> true;
                default -> node.isTextual();
            };
            if (!ok) {
                out.add(where + ": " + node.getNodeType() + " given where Graph declares " + type);
            }
            return;
        }
        Type t = types.get(type);
        if (t == null) {
            out.add(where + ": type " + type + " is not in the metadata extract");
            return;
        }
        if (t.kind().equals("EnumType")) {
            if (!node.isTextual() || !t.enumMembers().contains(node.asText())) {
                out.add(where + ": '" + node + "' is not a member of enum " + type + " " + t.enumMembers());
            }
            return;
        }
        if (!node.isObject()) {
            out.add(where + ": expected an object of type " + type);
            return;
        }
        String actual = type;
        JsonNode odataType = node.get("@odata.type");
        if (odataType != null) {
            actual = local(odataType.asText());
            if (!isA(actual, type)) {
                out.add(where + ": @odata.type " + odataType.asText() + " is not a " + type);
                return;
            }
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.startsWith("@odata.") || name.contains("@odata.")) {
                continue;
            }
            Optional<Member> m = member(actual, name);
            if (m.isEmpty()) {
                out.add(where + ": property '" + name + "' does not exist on microsoft.graph." + actual);
            } else {
                check(node.get(name), m.get().type(), where + "." + name, out);
            }
        }
    }
}
