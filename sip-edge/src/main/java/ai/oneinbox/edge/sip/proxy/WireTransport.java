package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.sip.transaction.TimerScheduler;
import ai.oneinbox.edge.sip.transaction.TransactionTransport;
import ai.oneinbox.edge.sip.transport.Transport;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * A transaction's view of the transport: one destination, octets it may send several times (each send
 * hands the transport its own retained duplicate), and send failures reported back on the transaction's
 * scheduler.
 */
final class WireTransport implements TransactionTransport<ByteBuf> {
  private final Transport transport;
  private final TransportKind kind;
  private final InetSocketAddress destination;
  private final TimerScheduler scheduler;
  private Runnable onError = () -> {};

  WireTransport(Transport transport, TransportKind kind, InetSocketAddress destination,
      TimerScheduler scheduler) {
    this.transport = transport;
    this.kind = kind;
    this.destination = destination;
    this.scheduler = scheduler;
  }

  /** What to do when a send fails (the transaction's {@code transportError}). */
  void onError(Runnable handler) {
    this.onError = handler;
  }

  @Override
  public void send(ByteBuf message) {
    transport.send(kind, destination, message.retainedDuplicate()).whenComplete((ok, error) -> {
      if (error != null) {
        scheduler.execute(onError);
      }
    });
  }

  @Override
  public void discard(ByteBuf message) {
    message.release();
  }
}
