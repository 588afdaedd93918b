package ai.oneinbox.edge.sip.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cumulative counters of SIPp's statistics file ({@code -trace_stat}, ';'-separated, one header line and
 * one line per dump; the last line is the latest). Missing or empty file: all zero.
 */
public record SippStats(long callsCreated, long successfulCalls, long failedCalls, long retransmissions,
                        long failedUnexpectedMessage, long failedTimeoutOnRecv, long failedMaxUdpRetrans,
                        long failedRegexp, long outOfCallMessages, long deadCallMessages,
                        Map<String, String> raw) {

  public static final SippStats NONE = new SippStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

  static SippStats read(Path file) {
    List<String> lines;
    try {
      if (!Files.exists(file)) {
        return NONE;
      }
      lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parse(lines);
  }

  /** Parses the header line and the last complete data line. */
  public static SippStats parse(List<String> lines) {
    List<String> data = lines.stream().filter(l -> !l.isBlank()).toList();
    if (data.size() < 2) {
      return NONE;
    }
    String[] header = data.get(0).split(";", -1);
    // SIPp appends the line while running: a last line shorter than the header is still being written
    String[] last = data.get(data.size() - 1).split(";", -1);
    if (last.length < header.length - 1 && data.size() > 2) {
      last = data.get(data.size() - 2).split(";", -1);
    }
    Map<String, String> raw = new LinkedHashMap<>();
    for (int i = 0; i < header.length && i < last.length; i++) {
      if (!header[i].isEmpty()) {
        raw.put(header[i], last[i]);
      }
    }
    return new SippStats(
        count(raw, "TotalCallCreated"),
        count(raw, "SuccessfulCall(C)"),
        count(raw, "FailedCall(C)"),
        count(raw, "Retransmissions(C)"),
        count(raw, "FailedUnexpectedMessage(C)"),
        count(raw, "FailedTimeoutOnRecv(C)"),
        count(raw, "FailedMaxUDPRetrans(C)"),
        count(raw, "FailedRegexpDoesntMatch(C)") + count(raw, "FailedRegexpShouldntMatch(C)")
            + count(raw, "FailedRegexpHdrNotFound(C)"),
        count(raw, "OutOfCallMsgs(C)"),
        count(raw, "DeadCallMsgs(C)"),
        Map.copyOf(raw));
  }

  private static long count(Map<String, String> raw, String key) {
    String v = raw.getOrDefault(key, "").trim();
    if (v.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public String toString() {
    return "created " + callsCreated + ", successful " + successfulCalls + ", failed " + failedCalls
        + " (unexpected message " + failedUnexpectedMessage + ", recv timeout " + failedTimeoutOnRecv
        + ", max UDP retrans " + failedMaxUdpRetrans + ", regexp " + failedRegexp + "), retransmissions "
        + retransmissions + ", out-of-call " + outOfCallMessages + ", dead-call " + deadCallMessages;
  }
}
