package ai.oneinbox.edge.sip.transaction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records what a transaction sends (with the virtual time) and what it discards. */
final class RecordingTransport implements TransactionTransport<String> {
  record Sent(Duration at, String message) {}

  private final VirtualScheduler clock;
  final List<Sent> sent = new ArrayList<>();
  final List<String> discarded = new ArrayList<>();

  RecordingTransport(VirtualScheduler clock) {
    this.clock = clock;
  }

  @Override
  public void send(String message) {
    sent.add(new Sent(clock.now(), message));
  }

  @Override
  public void discard(String message) {
    discarded.add(message);
  }

  List<String> messages() {
    return sent.stream().map(Sent::message).toList();
  }

  List<Long> timesMillis() {
    return sent.stream().map(s -> s.at().toMillis()).toList();
  }
}
