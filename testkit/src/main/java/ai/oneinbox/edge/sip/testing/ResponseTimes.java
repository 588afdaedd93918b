package ai.oneinbox.edge.sip.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-call response times from SIPp's {@code -trace_rtt} files ({@code Date_ms;response_time_ms;rtd_no},
 * one line per measured call with {@code -rtt_freq 1}), grouped by response-time-duration number.
 * SIPp measures them in whole milliseconds.
 */
public final class ResponseTimes {

  private final Map<Integer, double[]> byRtd;

  private ResponseTimes(Map<Integer, double[]> byRtd) {
    this.byRtd = byRtd;
  }

  static ResponseTimes read(List<Path> files) {
    List<String> lines = new ArrayList<>();
    for (Path f : files) {
      try {
        lines.addAll(Files.readAllLines(f, StandardCharsets.US_ASCII));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return parse(lines);
  }

  /** Parses rtt lines; the header line and malformed lines are skipped. */
  public static ResponseTimes parse(List<String> lines) {
    Map<Integer, List<Double>> values = new TreeMap<>();
    for (String line : lines) {
      String[] f = line.trim().split(";");
      if (f.length < 3) {
        continue;
      }
      try {
        double ms = Double.parseDouble(f[1]);
        int rtd = Integer.parseInt(f[2].trim());
        values.computeIfAbsent(rtd, k -> new ArrayList<>()).add(ms);
      } catch (NumberFormatException headerOrPartial) {
        // the header line, or a line SIPp is still writing
      }
    }
    Map<Integer, double[]> sorted = new TreeMap<>();
    values.forEach((rtd, v) -> {
      double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(a);
      sorted.put(rtd, a);
    });
    return new ResponseTimes(sorted);
  }

  /** Number of measurements of response time {@code rtd}. */
  public int count(int rtd) {
    return values(rtd).length;
  }

  /** The {@code p}-th percentile (0..100, nearest rank) of response time {@code rtd} in milliseconds; NaN if none. */
  public double percentileMillis(int rtd, double p) {
    double[] v = values(rtd);
    if (v.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * v.length);
    return v[Math.min(v.length - 1, Math.max(0, rank - 1))];
  }

  public double medianMillis(int rtd) {
    return percentileMillis(rtd, 50);
  }

  public double maxMillis(int rtd) {
    double[] v = values(rtd);
    return v.length == 0 ? Double.NaN : v[v.length - 1];
  }

  private double[] values(int rtd) {
    return byRtd.getOrDefault(rtd, new double[0]);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ResponseTimes{");
    byRtd.forEach((rtd, v) -> sb.append(" rtd").append(rtd).append(": n=").append(v.length)
        .append(" p50=").append(medianMillis(rtd)).append("ms p99=").append(percentileMillis(rtd, 99))
        .append("ms max=").append(maxMillis(rtd)).append("ms"));
    return sb.append(" }").toString();
  }
}
