package be.cfwb.bma.testing.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OData query options the toolkit sends, and only those: {@code $top}/{@code $skip} paging
 * with next links, {@code $count}, a {@code $filter} on one extended property and an
 * {@code $expand} of extended properties by id. Anything else is refused, so that a query the
 * toolkit starts sending is noticed here before Exchange sees it.
 */
final class ODataQuery {

    private static final Pattern ANY_FILTER = Pattern.compile(
            "(?i)\\s*singleValueExtendedProperties/any\\(\\s*(\\w+)\\s*:\\s*\\1/id\\s+eq\\s+'((?:[^']|'')*)'\\s+and\\s+"
                    + "\\1/value\\s+eq\\s+'((?:[^']|'')*)'\\s*\\)\\s*");
    private static final Pattern EXPAND_PROPERTY = Pattern.compile(
            "(?i)\\s*singleValueExtendedProperties\\(\\s*\\$filter\\s*=\\s*(id\\s+eq\\s+'(?:[^']|'')*'"
                    + "(?:\\s+or\\s+id\\s+eq\\s+'(?:[^']|'')*')*)\\s*\\)\\s*");
    private static final Pattern EXPAND_ID = Pattern.compile("(?i)id\\s+eq\\s+'((?:[^']|'')*)'");

    /** {@code $filter=singleValueExtendedProperties/any(ep: ep/id eq 'id' and ep/value eq 'value')}. */
    record PropertyFilter(String id, String value) {
    }

    private ODataQuery() {
    }

    static Map<String, String> parse(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(decode(pair.substring(0, eq)), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A path segment or query name; a '+' in it is a plus, not a space. */
    static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The property filter of {@code $filter}, if any; any other filter is refused. */
    static Optional<PropertyFilter> propertyFilter(String filter) {
        if (filter == null) {
            return Optional.empty();
        }
        Matcher m = ANY_FILTER.matcher(filter);
        if (!m.matches()) {
            throw new GraphRefusal(400, "BadRequest", "The stand-in supports only $filter="
                    + "singleValueExtendedProperties/any(ep: ep/id eq '...' and ep/value eq '...'), not: " + filter);
        }
        return Optional.of(new PropertyFilter(m.group(2).replace("''", "'"), m.group(3).replace("''", "'")));
    }

    /**
     * The property ids of {@code $expand=singleValueExtendedProperties($filter=id eq '...' or ...)};
     * any other expansion is refused with {@code refusal}.
     */
    static List<String> expandedIds(String expand, String refusal) {
        Matcher matcher = EXPAND_PROPERTY.matcher(expand);
        if (!matcher.matches()) {
            throw new GraphRefusal(400, "BadRequest", refusal);
        }
        List<String> ids = new ArrayList<>();
        Matcher m = EXPAND_ID.matcher(matcher.group(1));
        while (m.find()) {
            ids.add(m.group(1).replace("''", "'"));
        }
        return ids;
    }

    /**
     * A page of {@code values} per {@code $top}/{@code $skip}, with an {@code @odata.nextLink} to
     * {@code self} as Graph pages.
     */
    static ObjectNode page(Map<String, String> q, ArrayNode values, String self) {
        int top = q.containsKey("$top") ? Integer.parseInt(q.get("$top")) : 10;
        if (top < 1 || top > 1000) {
            throw new GraphRefusal(400, "ErrorInvalidUrlQuery", "$top must be between 1 and 1000.");
        }
        int skip = q.containsKey("$skip") ? Integer.parseInt(q.get("$skip")) : 0;
        ObjectNode root = GraphStandIn.JSON.createObjectNode();
        ArrayNode page = root.putArray("value");
        for (int i = skip; i < Math.min(values.size(), skip + top); i++) {
            page.add(values.get(i));
        }
        if (skip + top < values.size()) {
            Map<String, String> next = new LinkedHashMap<>(q);
            next.put("$skip", Integer.toString(skip + top));
            next.put("$top", Integer.toString(top));
            root.put("@odata.nextLink", self + "?" + encode(next));
        }
        return root;
    }

    private static String encode(Map<String, String> q) {
        List<String> parts = new ArrayList<>();
        q.forEach((k, v) -> parts.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")));
        return String.join("&", parts);
    }
}
