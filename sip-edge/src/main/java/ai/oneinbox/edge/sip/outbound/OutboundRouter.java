package ai.oneinbox.edge.sip.outbound;

import ai.oneinbox.edge.routing.Agent;
import ai.oneinbox.edge.routing.E164;
import ai.oneinbox.edge.routing.NumberRoute;
import ai.oneinbox.edge.routing.Ownership;
import ai.oneinbox.edge.routing.Provider;
import ai.oneinbox.edge.routing.RoutingTable;
import ai.oneinbox.edge.routing.Trunk;
import ai.oneinbox.edge.sip.message.SipRequest;
import ai.oneinbox.edge.sip.message.SipUri;
import ai.oneinbox.edge.sip.transport.InboundSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides an outbound INVITE: who calls (the agent owning the caller number, which must be where the
 * INVITE came from), from which number, to which E.164 destination, through which trunk.
 *
 * <p>The caller number is the {@code P-Asserted-Identity} user when present (RFC 3325: the identity the
 * agent's platform asserts), else the From user. The agent is identified by its endpoint: the source
 * address of the INVITE is the host (and, over UDP, the port) of one of its {@code sip_uris}.
 */
final class OutboundRouter {
  private final RoutingTable table;
  private final OutboundConfig config;
  private final String region;
  private final AgentDigest digest;

  OutboundRouter(RoutingTable table, OutboundConfig config, String region, AgentDigest digest) {
    this.table = table;
    this.config = config;
    this.region = region;
    this.digest = digest;
  }

  /** The caller number the INVITE claims: P-Asserted-Identity, else From. */
  Optional<E164> callerNumber(SipRequest request) {
    Optional<String> pai = request.firstHeader("P-Asserted-Identity");
    if (pai.isPresent()) {
      Optional<E164> n = pai.flatMap(OutboundRouter::uriOf).flatMap(this::userNumber);
      if (n.isPresent()) {
        return n;
      }
    }
    return userNumber(request.from().uri());
  }

  /** The destination number of the Request-URI, normalised to E.164 (a national format: the region's). */
  Optional<E164> destination(SipRequest request) {
    return userNumber(request.requestUri());
  }

  /** Whether {@code source} is one of the endpoints of the agent owning the caller number. */
  boolean fromOwningAgent(SipRequest request, InboundSource source) {
    return callerNumber(request).flatMap(table::number).flatMap(r -> table.agent(r.agentId()))
        .filter(a -> isEndpointOf(a, source)).isPresent();
  }

  OutboundDecision decide(SipRequest request, InboundSource source) {
    Optional<E164> caller = callerNumber(request);
    if (caller.isEmpty()) {
      return new OutboundDecision.Refuse(403, "Forbidden (No Caller Number in From or P-Asserted-Identity)",
          "no E.164 caller number");
    }
    Optional<NumberRoute> number = table.number(caller.get());
    if (number.isEmpty()) {
      return new OutboundDecision.Refuse(403, "Forbidden (Caller Number Not Provisioned)",
          "caller " + caller.get() + " is not a OneInbox number");
    }
    Optional<Agent> agent = table.agent(number.get().agentId());
    if (agent.isPresent() && !isEndpointOf(agent.get(), source) && agent.get().credentials().isPresent()) {
      Optional<OutboundDecision> auth = authenticate(request, agent.get());
      if (auth.isPresent()) {
        return auth.get();
      }
    } else if (agent.isEmpty() || !isEndpointOf(agent.get(), source)) {
      return new OutboundDecision.Refuse(403, "Forbidden (Caller Number Not Assigned to the Calling Agent)",
          "caller " + caller.get() + " belongs to agent " + number.get().agentId() + ", not to "
              + source.remote().getAddress().getHostAddress() + ':' + source.remote().getPort());
    }
    if (!agent.get().enabled()) {
      return new OutboundDecision.Refuse(403, "Forbidden (Agent Disabled)",
          "agent " + agent.get().id() + " is disabled");
    }
    Optional<E164> destination = destination(request);
    if (destination.isEmpty()) {
      return new OutboundDecision.Refuse(484, "Address Incomplete (Destination Is No Phone Number)",
          "Request-URI user is no E.164 number: " + request.requestUri().raw());
    }
    Optional<OutboundDecision.TrunkChoice> trunk = trunkOf(number.get().ownership());
    if (trunk.isEmpty()) {
      return new OutboundDecision.Refuse(403, "Forbidden (No Outbound Trunk for This Number)",
          "number " + caller.get() + " (" + number.get().ownership().provider() + ") has no outbound trunk");
    }
    return new OutboundDecision.Proceed(agent.get(), caller.get(), destination.get(), trunk.get());
  }

  /**
   * Digest for an agent calling from an address that is not one of its endpoints (RFC 3261 §22.3): empty
   * when its {@code Proxy-Authorization} verifies, else the 407 or 403 to answer. The caller number has
   * already named the agent, so the answer is checked against that agent's credentials only.
   */
  private Optional<OutboundDecision> authenticate(SipRequest request, Agent agent) {
    List<String> answers = request.headerValues("Proxy-Authorization");
    if (answers.isEmpty()) {
      return Optional.of(new OutboundDecision.Challenge(digest.challenges(false),
          "agent " + agent.id() + " challenged: not from a registered endpoint"));
    }
    String why = "no Proxy-Authorization";
    for (String answer : answers) {
      AgentDigest.Verdict verdict = digest.verify(answer, request.method(), agent.credentials().orElseThrow());
      if (verdict instanceof AgentDigest.Verdict.Accepted) {
        return Optional.empty();
      }
      if (verdict instanceof AgentDigest.Verdict.Stale) {
        return Optional.of(new OutboundDecision.Challenge(digest.challenges(true),
            "agent " + agent.id() + " answered an expired nonce"));
      }
      why = ((AgentDigest.Verdict.Rejected) verdict).why();
    }
    return Optional.of(new OutboundDecision.Refuse(403, "Forbidden (Agent Authentication Failed)",
        "agent " + agent.id() + ": " + why));
  }

  /**
   * The number's trunk: its {@code sip_trunk} Termination URI (BYO), else its trunk's termination URI,
   * else for numbers bought through the platform (Paths A/B) the configured platform trunk.
   */
  Optional<OutboundDecision.TrunkChoice> trunkOf(Ownership ownership) {
    Optional<Trunk> trunk = ownership.trunkId().flatMap(table::trunk);
    Optional<String> uri = ownership.sipTrunk().or(() -> trunk.map(Trunk::terminationUri));
    if (uri.isPresent()) {
      Optional<SipUri> parsed = asUri(uri.get());
      if (parsed.isEmpty()) {
        return Optional.empty();
      }
      String name = trunk.map(Trunk::id).orElse(parsed.get().host());
      Provider provider = trunk.map(Trunk::provider).orElse(ownership.provider());
      return Optional.of(new OutboundDecision.TrunkChoice(name, parsed.get(), provider,
          trunk.map(Trunk::maxConcurrentCalls).orElse(0), trunk.flatMap(Trunk::credentials)));
    }
    if ((ownership.provider() == Provider.TWILIO || ownership.provider() == Provider.TELNYX)
        && !config.platformTrunkUri().isEmpty()) {
      return asUri(config.platformTrunkUri()).map(u -> new OutboundDecision.TrunkChoice("platform", u,
          ownership.provider(), 0, Optional.empty()));
    }
    return Optional.empty();
  }

  /** A termination URI as configured: {@code sip:host}, or a bare host name (Twilio shows it so). */
  static Optional<SipUri> asUri(String text) {
    String t = text.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("sip:") && !lower.startsWith("sips:")) {
      t = "sip:" + t;
    }
    return SipUri.parse(t).filter(SipUri::isSip);
  }

  private Optional<E164> userNumber(SipUri uri) {
    Optional<String> user = uri.userUnescaped();
    if (user.isEmpty() || user.get().isEmpty()) {
      return Optional.empty();
    }
    // visual separators are allowed in a telephone-subscriber (RFC 3966 §3)
    String digits = user.get().replace("-", "").replace(".", "").replace("(", "").replace(")", "");
    return E164.fromSipUser(digits, region);
  }

  private static Optional<SipUri> uriOf(String nameAddr) {
    int lt = nameAddr.indexOf('<');
    int gt = nameAddr.indexOf('>', lt + 1);
    String uri = lt >= 0 && gt > lt ? nameAddr.substring(lt + 1, gt) : nameAddr.trim();
    return SipUri.parse(uri);
  }

  /**
   * The source is the agent's endpoint: same address as a {@code sip_uris} host given as an address, and
   * over UDP the same port (default 5060). Over TCP/TLS the agent's source port is ephemeral, so the address
   * alone decides.
   */
  static boolean isEndpointOf(Agent agent, InboundSource source) {
    InetSocketAddress remote = source.remote();
    InetAddress address = remote.getAddress();
    for (String text : agent.sipUris()) {
      Optional<SipUri> uri = SipUri.parse(text);
      if (uri.isEmpty()) {
        continue;
      }
      String host = uri.get().host();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      byte[] literal = io.netty.util.NetUtil.createByteArrayFromIpAddressString(host);
      if (literal == null || !java.util.Arrays.equals(literal, address.getAddress())) {
        continue;
      }
      if (source.transport().isStream()) {
        return true;
      }
      int port = uri.get().port().orElse("sips".equals(uri.get().scheme()) ? 5061 : 5060);
      if (port == remote.getPort()) {
        return true;
      }
    }
    return false;
  }
}
