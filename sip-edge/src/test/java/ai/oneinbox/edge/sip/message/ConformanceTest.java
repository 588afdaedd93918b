package ai.oneinbox.edge.sip.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.testing.NettyLeaks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 4475 / RFC 5118 torture tests, as expectations.tsv calls them: valid messages parse, messages that
 * are invalid for syntax reasons are rejected with the status the RFC asks for.
 */
@ExtendWith(NettyLeaks.class)
class ConformanceTest {

    /**
     * Invalid per the table, but accepted on purpose: the fault is in a header the edge never reads, and
     * the RFC itself allows accepting it.
     */
    private static final Map<String, String> ACCEPTED_ON_PURPOSE = Map.of(
            "baddate.dat", "Date is not read by a proxy; RFC 4475 §3.1.2.12 says not to reject unless it matters");

    /** Valid per the table, rejected on purpose (with the reason). */
    private static final Map<String, String> REJECTED_ON_PURPOSE = Map.of();

    /** Expected status for invalid requests other than 400. */
    private static final Map<String, Integer> STATUS = Map.of("badvers.dat", 505);

    /** Invalid requests that cannot be answered (no Via to answer along): dropped. */
    private static final Set<String> DROPPED = Set.of("test.dat");

    static Stream<Arguments> corpus() {
        return Corpus.expectations().stream().map(e -> Arguments.of(e.file(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void parsesAsTheRfcSays(String file, Corpus.Expectation expectation) {
        ByteBuf in = Unpooled.wrappedBuffer(Corpus.bytes("rfc4475/" + file));
        SipParseResult result = SipParser.parse(in, SipLimits.DEFAULTS);
        try {
            boolean expectValid = (expectation.valid() || ACCEPTED_ON_PURPOSE.containsKey(file))
                    && !REJECTED_ON_PURPOSE.containsKey(file);
            if (expectValid) {
                assertInstanceOf(SipMessage.class, result, () -> file + ": " + result);
                SipMessage m = (SipMessage) result;
                assertEquals(expectation.response(), !m.isRequest(), "request/response");
                assertTrue(m.topVia().host().length() > 0);
            } else {
                assertInstanceOf(SipParseError.class, result, () -> file + " should be rejected");
                SipParseError error = (SipParseError) result;
                if (expectation.response()) {
                    assertEquals(0, error.status(), () -> file + ": " + error.reason());
                    assertTrue(error.response().isEmpty());
                } else if (DROPPED.contains(file)) {
                    assertTrue(error.response().isEmpty(), () -> file + ": no answer can be addressed");
                } else {
                    int status = STATUS.getOrDefault(file, 400);
                    assertEquals(status, error.status(), () -> file + ": " + error.reason());
                    String answer = new String(error.response().orElseThrow(), StandardCharsets.UTF_8);
                    assertTrue(answer.startsWith("SIP/2.0 " + status + " "), answer);
                    assertTrue(answer.endsWith("Content-Length: 0\r\n\r\n"), answer);
                }
            }
        } finally {
            if (result instanceof SipMessage) {
                ((SipMessage) result).release();
            }
            assertEquals(1, in.refCnt(), "input buffer untouched");
            in.release();
        }
    }
}
