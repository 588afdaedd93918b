package ai.oneinbox.edge.sip.message;

import gov.nist.javax.sip.parser.StringMsgParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

/**
 * The {@link SipParserBenchmark} operations timed in thread CPU time instead of wall time: on a machine whose
 * cores are shared with other work, wall-clock JMH scores include the time the thread waited for a core;
 * CPU time does not. Not a replacement for JMH (no forks, no blackholes); a cross-check of the ratio.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar ai.oneinbox.edge.sip.message.SipParserCpuTime}
 */
public final class SipParserCpuTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SipParserCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        byte[] bytes = SipParserBenchmark.TWILIO_INVITE.getBytes(StandardCharsets.UTF_8);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        SipRequest parsed = (SipRequest) SipParser.parse(direct, SipLimits.DEFAULTS);
        long sink = 0;
        for (int round = 1; round <= 6; round++) {
            long t0 = cpu();
            int n = 200_000;
            for (int i = 0; i < n; i++) {
                SipRequest r = (SipRequest) SipParser.parse(direct, SipLimits.DEFAULTS);
                sink += r.cseq().number();
                r.release();
            }
            long t1 = cpu();
            for (int i = 0; i < n; i++) {
                ByteBuf out = parsed.edit().pushVia("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-edge-1f2e3d4c5b6a")
                        .decrementMaxForwards().prependRecordRoute("<sip:10.0.0.1:5060;lr>")
                        .addHeader("X-OneInbox-Agent-Id", "agent-7").encode(PooledByteBufAllocator.DEFAULT);
                sink += out.readableBytes();
                out.release();
            }
            long t2 = cpu();
            int m = 20_000;
            for (int i = 0; i < m; i++) {
                sink += new StringMsgParser().parseSIPMessage(bytes, true, false, null).getSize();
            }
            long t3 = cpu();
            if (round > 2) { // the first rounds warm the JIT
                System.out.printf("round %d: ours parse %.0f ns, proxy edit %.0f ns, JAIN-SIP parse %.0f ns (CPU time/op)%n",
                        round, (t1 - t0) / (double) n, (t2 - t1) / (double) n, (t3 - t2) / (double) m);
            }
        }
        parsed.release();
        direct.release();
        System.out.println("(sink " + (sink & 1) + ")");
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
