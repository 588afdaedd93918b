package ai.oneinbox.edge.sip.transaction;

import java.util.ArrayList;
import java.util.List;

/** Records what a transaction reports to its TU, in order. */
final class RecordingUser implements ServerTransactionUser, ClientTransactionUser<String> {
  final List<String> events = new ArrayList<>();

  @Override
  public void response(int status, String response) {
    events.add("response " + status + " " + response);
  }

  @Override
  public void timedOut() {
    events.add("timedOut");
  }

  @Override
  public void transportFailed() {
    events.add("transportFailed");
  }

  @Override
  public void terminated() {
    events.add("terminated");
  }
}
