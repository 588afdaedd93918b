package ai.oneinbox.edge.sip.message;

import static ai.oneinbox.edge.sip.message.Messages.request;
import static ai.oneinbox.edge.sip.message.Messages.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.oneinbox.edge.sip.testing.NettyLeaks;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeaks.class)
class SipMessageEditorTest {

    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    private static final String INVITE = "INVITE sip:+14155550100@edge.example.com SIP/2.0\n"
            + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;rport, SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKb\n"
            + "Route: <sip:edge.example.com;lr>, <sip:next.example.com;lr>\n"
            + "Record-Route: <sip:upstream.example.com;lr>\n"
            + "Max-Forwards: 70\n"
            + "From: <sip:a@example.com>;tag=1\n"
            + "To: <sip:+14155550100@edge.example.com>\n"
            + "Call-ID: call-1\n"
            + "CSeq: 1 INVITE\n"
            + "X-Unknown: kept   as is\n"
            + "Content-Length: 4\n\nbody";

    @Test
    void proxyEditsWriteOnlyTheChangedLines() {
        SipRequest r = request(INVITE);
        try {
            String out = text(r.edit()
                    .pushVia("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKedge")
                    .decrementMaxForwards()
                    .prependRecordRoute("<sip:10.0.0.1;lr>")
                    .popRoute()
                    .requestUri("sip:agent@10.0.0.9:5080")
                    .receivedFrom("203.0.113.5", 40000)
                    .addHeader("X-OneInbox-Agent-Id", "agent-7")
                    .encode(ALLOC));
            assertEquals(Messages.crlf0("INVITE sip:agent@10.0.0.9:5080 SIP/2.0\n"
                    + "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKedge\n"
                    + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;received=203.0.113.5;rport=40000,"
                    + " SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKb\n"
                    + "Route: <sip:next.example.com;lr>\n"
                    + "Record-Route: <sip:10.0.0.1;lr>\n"
                    + "Record-Route: <sip:upstream.example.com;lr>\n"
                    + "Max-Forwards: 69\n"
                    + "From: <sip:a@example.com>;tag=1\n"
                    + "To: <sip:+14155550100@edge.example.com>\n"
                    + "Call-ID: call-1\n"
                    + "CSeq: 1 INVITE\n"
                    + "X-Unknown: kept   as is\n"
                    + "Content-Length: 4\n"
                    + "X-OneInbox-Agent-Id: agent-7\n\nbody"), out);
            // the edited octets parse back to what was meant
            SipRequest again = request(out);
            try {
                assertEquals(3, again.vias().size());
                assertEquals(Optional.of("z9hG4bKedge"), again.topVia().branch());
                assertEquals(OptionalInt.of(40000), again.vias().get(1).rport());
                assertEquals(OptionalInt.of(69), again.maxForwards());
                assertEquals(1, again.routes().size());
                assertEquals("10.0.0.1", again.recordRoutes().get(0).uri().host());
                assertEquals("body", again.body().toString(StandardCharsets.US_ASCII));
            } finally {
                again.release();
            }
        } finally {
            r.release();
        }
    }

    @Test
    void popViaForAResponseAndAddMaxForwardsWhenAbsent() {
        SipRequest r = request(INVITE.replace("Max-Forwards: 70\n", "").replace("Route: <sip:edge.example.com;lr>,"
                + " <sip:next.example.com;lr>\n", "Route: <sip:edge.example.com;lr>\n"));
        try {
            String out = text(r.edit().popVia().popRoute().decrementMaxForwards().encode(ALLOC));
            assertTrue(out.contains("\r\nVia: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKb\r\n"), out);
            assertTrue(!out.contains("\r\nRoute: "), out);
            assertTrue(out.contains("\r\nMax-Forwards: 70\r\n"), out);
        } finally {
            r.release();
        }
    }

    @Test
    void receivedOnlyWhenTheSourceDiffersOrRportWasAsked() {
        SipRequest r = request(INVITE.replace("192.0.2.1:5060;branch=z9hG4bKa;rport", "192.0.2.1:5060;branch=z9hG4bKa"));
        try {
            String same = text(r.edit().receivedFrom("192.0.2.1", 5060).encode(ALLOC));
            assertTrue(same.contains("\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa, SIP/2.0/UDP"), same);
            String other = text(r.edit().receivedFrom("[2001:db8::5]", 5060).encode(ALLOC));
            assertTrue(other.contains("\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;received=2001:db8::5, SIP"),
                    other);
        } finally {
            r.release();
        }
    }

    @Test
    void addsContentLengthWhenTheDatagramHadNone() {
        SipRequest r = request(INVITE.replace("Content-Length: 4\n", ""));
        try {
            String out = text(r.edit().removeHeader("x-unknown").encode(ALLOC));
            assertTrue(out.endsWith("CSeq: 1 INVITE\r\nContent-Length: 4\r\n\r\nbody"), out);
        } finally {
            r.release();
        }
    }

    @Test
    void responsesCopyTheDialogHeadersAndAddAToTag() {
        SipRequest r = request(INVITE);
        try {
            String out = new String(r.response(405, "Method Not Allowed").toTag("edge1")
                    .header("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS").toBytes(), StandardCharsets.UTF_8);
            assertEquals(Messages.crlf0("SIP/2.0 405 Method Not Allowed\n"
                    + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa;rport, SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKb\n"
                    + "From: <sip:a@example.com>;tag=1\n"
                    + "To: <sip:+14155550100@edge.example.com>;tag=edge1\n"
                    + "Call-ID: call-1\n"
                    + "CSeq: 1 INVITE\n"
                    + "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\n"
                    + "Content-Length: 0\n\n"), out);
            String trying = new String(r.response(100, "Trying").toBytes(), StandardCharsets.UTF_8);
            assertTrue(trying.contains("\r\nTo: <sip:+14155550100@edge.example.com>\r\n"), "no tag on 100");
            SipResponse parsed = assertInstanceOf(SipResponse.class, Messages.parseOk(out.getBytes(StandardCharsets.UTF_8)));
            try {
                assertEquals(405, parsed.statusCode());
                assertEquals(Optional.of("edge1"), parsed.to().tag());
                assertEquals(List.of("Method Not Allowed"), List.of(parsed.reasonPhrase()));
            } finally {
                parsed.release();
            }
        } finally {
            r.release();
        }
    }
}
