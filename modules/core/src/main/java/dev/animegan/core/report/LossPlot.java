package dev.animegan.core.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small-multiples line chart of training losses: one panel per loss term, x = averaging round,
 * y = the term's value (own scale per panel, labelled min and max). Headless Java2D; no fonts
 * beyond the logical ones every JDK has.
 */
public final class LossPlot {
  private static final Color[] PHASE_COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
  private static final int PANEL_W = 320;
  private static final int PANEL_H = 170;
  private static final int COLUMNS = 3;

  /** One point: a round number, the phase it belongs to and its value. */
  public record Point(long round, String phase, double value) {}

  private LossPlot() {}

  /**
   * Renders {@code series} (term name to points, in round order). Non-finite values are skipped;
   * an empty series gets an empty panel with its name.
   */
  public static BufferedImage render(String title, Map<String, List<Point>> series) {
    int n = Math.max(1, series.size());
    int rows = (n + COLUMNS - 1) / COLUMNS;
    int width = COLUMNS * PANEL_W;
    int height = 30 + rows * PANEL_H;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, 10, 20);
      List<String> phases = new ArrayList<>();
      series.values().forEach(l -> l.forEach(p -> {
        if (!phases.contains(p.phase())) {
          phases.add(p.phase());
        }
      }));
      int i = 0;
      for (Map.Entry<String, List<Point>> e : series.entrySet()) {
        int x0 = (i % COLUMNS) * PANEL_W;
        int y0 = 30 + (i / COLUMNS) * PANEL_H;
        panel(g, x0, y0, e.getKey(), e.getValue(), phases);
        i++;
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static void panel(Graphics2D g, int x0, int y0, String name, List<Point> points, List<String> allPhases) {
    int left = x0 + 50;
    int right = x0 + PANEL_W - 10;
    int top = y0 + 22;
    int bottom = y0 + PANEL_H - 22;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.setColor(Color.BLACK);
    g.drawString(name, x0 + 50, y0 + 14);
    g.setColor(new Color(0xDDDDDD));
    g.drawRect(left, top, right - left, bottom - top);
    List<Point> finite = new ArrayList<>();
    for (Point p : points) {
      if (Double.isFinite(p.value())) {
        finite.add(p);
      }
    }
    if (finite.isEmpty()) {
      g.setColor(Color.GRAY);
      g.drawString("no data", left + 10, (top + bottom) / 2);
      return;
    }
    long minX = finite.get(0).round();
    long maxX = finite.get(finite.size() - 1).round();
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (Point p : finite) {
      minY = Math.min(minY, p.value());
      maxY = Math.max(maxY, p.value());
    }
    if (maxY - minY < 1e-12) {
      maxY = minY + Math.max(1e-6, Math.abs(minY) * 0.01);
    }
    g.setColor(Color.DARK_GRAY);
    g.drawString(fmt(maxY), x0 + 2, top + 10);
    g.drawString(fmt(minY), x0 + 2, bottom);
    g.drawString(Long.toString(minX), left, bottom + 14);
    String maxLabel = Long.toString(maxX);
    g.drawString(maxLabel, right - g.getFontMetrics().stringWidth(maxLabel), bottom + 14);
    g.setStroke(new BasicStroke(1.5f));
    List<String> phases = new ArrayList<>();
    Point prev = null;
    for (Point p : finite) {
      if (!phases.contains(p.phase())) {
        phases.add(p.phase());
      }
      g.setColor(PHASE_COLORS[allPhases.indexOf(p.phase()) % PHASE_COLORS.length]);
      int x = maxX == minX ? (left + right) / 2 : (int) Math.round(left + (p.round() - minX) * (double) (right - left) / (maxX - minX));
      int y = (int) Math.round(bottom - (p.value() - minY) * (bottom - top) / (maxY - minY));
      if (prev != null && prev.phase().equals(p.phase())) {
        int px = maxX == minX ? x : (int) Math.round(left + (prev.round() - minX) * (double) (right - left) / (maxX - minX));
        int py = (int) Math.round(bottom - (prev.value() - minY) * (bottom - top) / (maxY - minY));
        g.drawLine(px, py, x, y);
      } else {
        g.fillOval(x - 2, y - 2, 4, 4);
      }
      prev = p;
    }
    int lx = right - 4;
    for (int k = phases.size() - 1; k >= 0; k--) {
      String label = phases.get(k);
      lx -= g.getFontMetrics().stringWidth(label) + 8;
      g.setColor(PHASE_COLORS[allPhases.indexOf(label) % PHASE_COLORS.length]);
      g.drawString(label, lx, y0 + 14);
    }
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
