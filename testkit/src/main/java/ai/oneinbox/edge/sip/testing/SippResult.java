package ai.oneinbox.edge.sip.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * What one SIPp run ended with. Exit codes (SIPp's): 0 all calls successful, 1 at least one failed, 97 ended
 * by an internal command, 99 ended without processing a call, 255 a fatal error; a process we stopped by
 * signal may end 0 or with the signal's code, so servers are judged by their call counts.
 */
public record SippResult(String scenario, int exitCode, SippStats stats, ResponseTimes responseTimes,
                         List<String> logLines, Path workDir) {

  public long successfulCalls() {
    return stats.successfulCalls();
  }

  public long failedCalls() {
    return stats.failedCalls();
  }

  /** A one-paragraph account for assertion messages. */
  public String describe() {
    return "sipp " + scenario + ": exit " + exitCode + ", " + stats + ", files in " + workDir;
  }
}
