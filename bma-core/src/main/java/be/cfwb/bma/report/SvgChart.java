package be.cfwb.bma.report;

import be.cfwb.bma.internal.Html;

import java.util.List;
import java.util.Locale;

/**
 * Small inline SVG charts: self-contained (no script, no external resource), so a report
 * opens anywhere and can be mailed to management as one file.
 */
public final class SvgChart {

    /** One bar or point: a label on the x axis and a value. */
    public record Point(String label, double value) {
    }

    private static final int WIDTH = 720;
    private static final int HEIGHT = 220;
    private static final int LEFT = 48;
    private static final int BOTTOM = 40;
    private static final int TOP = 16;

    private SvgChart() {
    }

    /** A bar chart; {@code color} is a CSS colour. An empty series gives a chart saying so. */
    public static String bars(String title, List<Point> points, String color) {
        StringBuilder svg = open(title);
        if (points.isEmpty()) {
            return empty(svg);
        }
        double max = axis(svg, points);
        double slot = (double) (WIDTH - LEFT - 8) / points.size();
        double barWidth = Math.max(1, slot * 0.8);
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            double h = max == 0 ? 0 : (HEIGHT - TOP - BOTTOM) * p.value() / max;
            double x = LEFT + i * slot + (slot - barWidth) / 2;
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s : %s</title></rect>",
                    x, HEIGHT - BOTTOM - h, barWidth, h, color, Html.escape(p.label()), format(p.value())));
            label(svg, points, i, x + barWidth / 2);
        }
        return svg.append("</svg>").toString();
    }

    /** A line chart, e.g. a cumulative count per day. */
    public static String line(String title, List<Point> points, String color) {
        StringBuilder svg = open(title);
        if (points.isEmpty()) {
            return empty(svg);
        }
        double max = axis(svg, points);
        double step = points.size() == 1 ? 0 : (double) (WIDTH - LEFT - 16) / (points.size() - 1);
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            double x = LEFT + 8 + i * step;
            double y = HEIGHT - BOTTOM - (max == 0 ? 0 : (HEIGHT - TOP - BOTTOM) * points.get(i).value() / max);
            path.append(i == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s : %s</title></circle>",
                    x, y, color, Html.escape(points.get(i).label()), format(points.get(i).value())));
            label(svg, points, i, x);
        }
        svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\"/>");
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(String title) {
        return new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">"
                        + "<title>%s</title>", WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title), Html.escape(title)));
    }

    private static String empty(StringBuilder svg) {
        return svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"14\" fill=\"#666\">rien pour l’instant</text></svg>",
                LEFT, HEIGHT / 2)).toString();
    }

    private static double axis(StringBuilder svg, List<Point> points) {
        double max = points.stream().mapToDouble(Point::value).max().orElse(0);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>",
                LEFT, HEIGHT - BOTTOM, WIDTH - 4, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>",
                LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                LEFT - 4, TOP + 8, format(max)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>",
                LEFT - 4, HEIGHT - BOTTOM));
        return max;
    }

    /** Labels every n-th point so that they never overlap. */
    private static void label(StringBuilder svg, List<Point> points, int i, double x) {
        int every = Math.max(1, (int) Math.ceil(points.size() / 8.0));
        if (i % every == 0) {
            svg.append(String.format(Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                    x, HEIGHT - BOTTOM + 14, Html.escape(points.get(i).label())));
        }
    }

    private static String format(double value) {
        // French figures: 1 234,5 (a narrow space for thousands, a comma for decimals).
        return value == Math.rint(value) ? String.format(Locale.FRANCE, "%,d", (long) value) : String.format(Locale.FRANCE, "%,.1f", value);
    }
}
