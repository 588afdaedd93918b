package ai.oneinbox.edge.sip.message;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** Test helpers: parse text or fixtures, with the input buffer released at once. */
public final class Messages {

    private Messages() {
    }

    /** Text with "\n" line ends turned into CRLF. */
    public static byte[] crlf(String text) {
        return text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Text with "\n" line ends turned into CRLF, as a string. */
    public static String crlf0(String text) {
        return new String(crlf(text), StandardCharsets.UTF_8);
    }

    public static SipParseResult parse(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            return SipParser.parse(in, SipLimits.DEFAULTS);
        } finally {
            in.release();
        }
    }

    public static SipMessage parseOk(byte[] bytes) {
        SipParseResult r = parse(bytes);
        return assertInstanceOf(SipMessage.class, r, () -> String.valueOf(r));
    }

    public static SipRequest request(String text) {
        return assertInstanceOf(SipRequest.class, parseOk(crlf(text.replace("\r\n", "\n"))));
    }

    public static SipParseError error(String text) {
        SipParseResult r = parse(crlf(text));
        if (r instanceof SipMessage) {
            ((SipMessage) r).release();
        }
        return assertInstanceOf(SipParseError.class, r, "should be rejected");
    }

    public static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }

    public static byte[] fixture(String name) {
        return Corpus.bytes("../messages/" + name);
    }
}
