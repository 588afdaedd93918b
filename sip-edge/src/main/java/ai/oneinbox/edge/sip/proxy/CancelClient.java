package ai.oneinbox.edge.sip.proxy;

import ai.oneinbox.edge.sip.message.SipResponse;
import ai.oneinbox.edge.sip.transaction.ClientTransactionUser;
import ai.oneinbox.edge.sip.transaction.NonInviteClientTransaction;
import ai.oneinbox.edge.sip.transaction.TransactionKey;
import ai.oneinbox.edge.sip.transaction.TransactionTable;
import ai.oneinbox.edge.sip.transport.TransportKind;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * The CANCEL of a forwarded INVITE (RFC 3261 §9.1), inbound legs and outbound calls alike: a non-INVITE
 * client transaction on the INVITE's branch whose answers matter to no one (the INVITE's 487 does).
 */
public final class CancelClient implements ProxyCore.ClientSide, ClientTransactionUser<SipResponse> {
  private final ProxyCore.Shard shard;
  private final TransactionKey key;
  private NonInviteClientTransaction<ByteBuf, SipResponse> tx;

  private CancelClient(ProxyCore.Shard shard, TransactionKey key) {
    this.shard = shard;
    this.key = key;
  }

  /** Sends the CANCEL of {@code sent} (the INVITE sent on {@code branch}) to the INVITE's next hop. */
  public static void send(ProxyCore core, ProxyCore.Shard shard, String branch, TransportKind transport,
      InetSocketAddress destination, OutboundRequests.SentInvite sent) {
    TransactionKey key = new TransactionKey(branch, "", "CANCEL");
    WireTransport wire = new WireTransport(core.transport(), transport, destination, shard.scheduler());
    CancelClient user = new CancelClient(shard, key);
    user.tx = new NonInviteClientTransaction<>(core.config().timers(), shard.scheduler(), wire,
        transport.isStream(), OutboundRequests.cancel(core.alloc(), sent), user);
    wire.onError(user.tx::transportError);
    if (shard.clients().add(key, user) == TransactionTable.AddResult.ADDED) {
      user.tx.start();
    } else {
      user.tx.transportError(); // releases the CANCEL; the INVITE's 64*T1 guard ends the leg
    }
  }

  @Override
  public void response(SipResponse response) {
    tx.receiveResponse(response.statusCode(), response);
  }

  @Override
  public void abort() {
    tx.abort();
  }

  @Override
  public void response(int status, SipResponse response) {}

  @Override
  public void timedOut() {}

  @Override
  public void transportFailed() {}

  @Override
  public void terminated() {
    shard.clients().remove(key, this);
  }
}
