package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.sip.message.SipLimits;
import ai.oneinbox.edge.sip.message.SipMessage;
import ai.oneinbox.edge.sip.message.SipParseResult;
import ai.oneinbox.edge.sip.message.SipParser;
import ai.oneinbox.edge.sip.transport.InboundSource;
import ai.oneinbox.edge.sip.transport.SipMessageHandler;
import ai.oneinbox.edge.sip.transport.Transport;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * An in-memory {@link Transport}: what the proxy sends is recorded as text (and its buffer released), and
 * tests deliver text messages to the proxy as the transports would (parsed by the real codec).
 */
final class TestNetwork implements Transport {
  record Sent(TransportKind transport, InetSocketAddress to, String text) {
    String startLine() {
      return text.substring(0, text.indexOf("\r\n"));
    }

    /** Every value of header {@code name} (exact case as we write it), in order. */
    List<String> headers(String name) {
      List<String> values = new ArrayList<>();
      for (String line : text.split("\r\n")) {
        if (line.isEmpty()) {
          break;
        }
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          values.add(line.substring(colon + 1).trim());
        }
      }
      return values;
    }

    String header(String name) {
      List<String> v = headers(name);
      if (v.isEmpty()) {
        throw new AssertionError("no " + name + " in\n" + text);
      }
      return v.get(0);
    }

    int status() {
      return Integer.parseInt(startLine().split(" ")[1]);
    }

    boolean isResponse() {
      return text.startsWith("SIP/2.0 ");
    }

    String method() {
      return isResponse() ? header("CSeq").split(" ")[1] : startLine().split(" ")[0];
    }
  }

  final List<Sent> sent = new ArrayList<>();
  final Set<InetSocketAddress> unreachable = new HashSet<>();

  @Override
  public CompletionStage<Void> send(TransportKind transport, InetSocketAddress destination, ByteBuf message) {
    try {
      if (unreachable.contains(destination)) {
        return CompletableFuture.failedFuture(new java.net.ConnectException("unreachable " + destination));
      }
      sent.add(new Sent(transport, destination, message.toString(StandardCharsets.UTF_8)));
      return CompletableFuture.completedFuture(null);
    } finally {
      message.release();
    }
  }

  @Override
  public Optional<InetSocketAddress> localAddress(TransportKind transport) {
    return Optional.of(new InetSocketAddress("10.0.0.254", 5060));
  }

  /** Delivers {@code text} (lines joined with CRLF) to {@code handler} as if it came from {@code from}. */
  static void deliver(SipMessageHandler handler, String text, TransportKind kind, InetSocketAddress from) {
    ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    SipParseResult result = SipParser.parse(buf, SipLimits.DEFAULTS);
    buf.release(); // a parsed message holds its own retained slice
    if (!(result instanceof SipMessage message)) {
      throw new AssertionError("test message does not parse: " + result + "\n" + text);
    }
    try {
      handler.onMessage(message, new InboundSource(kind, from, new InetSocketAddress("10.0.0.254", 5060)));
    } finally {
      message.release();
    }
  }

  /** Messages sent since index {@code from} that match. */
  List<Sent> since(int from, Predicate<Sent> filter) {
    return sent.subList(from, sent.size()).stream().filter(filter).toList();
  }

  List<Sent> to(InetSocketAddress destination) {
    return sent.stream().filter(s -> s.to().equals(destination)).toList();
  }

  Sent last(InetSocketAddress destination) {
    List<Sent> list = to(destination);
    if (list.isEmpty()) {
      throw new AssertionError("nothing sent to " + destination + "; sent: " + sent);
    }
    return list.get(list.size() - 1);
  }

  /** A response to a request we saw sent: its Vias, From, To (with {@code toTag}), Call-ID, CSeq. */
  static String responseTo(Sent request, int status, String reason, String toTag, String... extra) {
    StringBuilder b = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
    for (String via : request.headers("Via")) {
      b.append("Via: ").append(via).append("\r\n");
    }
    for (String rr : request.headers("Record-Route")) {
      b.append("Record-Route: ").append(rr).append("\r\n");
    }
    b.append("From: ").append(request.header("From")).append("\r\n");
    String to = request.header("To");
    b.append("To: ").append(to.contains("tag=") || toTag.isEmpty() ? to : to + ";tag=" + toTag).append("\r\n");
    b.append("Call-ID: ").append(request.header("Call-ID")).append("\r\n");
    b.append("CSeq: ").append(request.header("CSeq")).append("\r\n");
    for (String e : extra) {
      b.append(e).append("\r\n");
    }
    b.append("Content-Length: 0\r\n\r\n");
    return b.toString();
  }
}
