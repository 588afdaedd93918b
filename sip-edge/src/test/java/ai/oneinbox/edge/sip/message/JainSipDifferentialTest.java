package ai.oneinbox.edge.sip.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.Stream;
import javax.sip.address.SipURI;
import javax.sip.header.MaxForwardsHeader;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test against the JAIN-SIP RI parser ({@code StringMsgParser}), the reference: the RFC 4475 /
 * 5118 corpus, the fuzz seeds, and seeded random mutations of both. Where JAIN-SIP accepts a message, we
 * accept it too and agree on the method, Request-URI, status code and the proxy headers; the places where we
 * reject on purpose are {@link #DELIBERATE}, each with why.
 *
 * <p>The other direction (we accept, JAIN-SIP does not) is allowed and counted; on this corpus it is two
 * mutations of {@code semiuri.dat} whose header block holds a line of white space only inside a folded
 * Accept value. RFC 3261's {@code LWS = [*WSP CRLF] 1*WSP} makes that two folds in a row; JAIN-SIP ends the
 * header section there and so loses the Via below it.
 */
@Timeout(120)
public class JainSipDifferentialTest {

    /** Mutations per seed message; fixed seeds make every run the same. */
    private static final int MUTATIONS_PER_SEED = 24;

    /**
     * Our rejection reasons where JAIN-SIP's parser is more lenient, on purpose. A disagreement whose reason
     * starts with one of these keys is accepted by the test.
     */
    static final Map<String, String> DELIBERATE = Map.ofEntries(
            Map.entry("missing ", "StringMsgParser does not check mandatory headers (its stack does, later);"
                    + " a proxy needs Via/From/To/Call-ID/CSeq to answer or forward at all (RFC 3261 §8.1.1)"),
            Map.entry("more than one ", "RFC 4475 §3.3.8/§3.3.9: several Call-ID/From/To/CSeq/Max-Forwards/"
                    + "Content-Length values are invalid; JAIN-SIP keeps the last or first one"),
            Map.entry("CSeq method does not match", "RFC 4475 §3.1.2.17 asks for 400; the parser leaves that to"
                    + " the stack"),
            Map.entry("Content-Length larger than the message", "RFC 4475 §3.1.2.2: on a datagram that is a 400;"
                    + " StringMsgParser (strict=false) takes the octets that are there"),
            Map.entry("malformed Contact", "Contact is validated up front (RFC 4475 §3.1.2.1, §3.1.2.13); JAIN-SIP"
                    + " tolerates e.g. empty parameters"),
            Map.entry("malformed Via", "every Via value is checked (a proxy pops and answers along them);"
                    + " JAIN-SIP tolerates e.g. empty parameters"),
            Map.entry("malformed Route", "name-addr with <> required (RFC 3261 §20.34)"),
            Map.entry("malformed Record-Route", "name-addr with <> required (RFC 3261 §20.30)"),
            Map.entry("malformed From", "strict name-addr / addr-spec (RFC 4475 §3.1.2.6, §3.1.2.14, §3.1.2.15)"),
            Map.entry("malformed To", "strict name-addr / addr-spec (RFC 4475 §3.1.2.6, §3.1.2.14, §3.1.2.15)"),
            Map.entry("malformed Call-ID", "Call-ID = word [\"@\" word] (RFC 3261 §25.1)"),
            Map.entry("malformed CSeq", "CSeq = 1*DIGIT LWS Method, at most 2^32-1 (RFC 3261 §8.1.1.5)"),
            Map.entry("malformed Max-Forwards", "Max-Forwards is 0..255; JAIN-SIP's parser accepts more"),
            Map.entry("malformed Request-URI", "strict SIP-URI: no headers in a Request-URI (RFC 4475 §3.1.2.11),"
                    + " escapes must be %HH"),
            Map.entry("extra SP in Request-Line", "RFC 4475 §3.1.2.9 allows rejecting"),
            Map.entry("malformed SIP-Version", "RFC 3261 §7.1: exactly one SP between the parts"),
            Map.entry("Request-Line without SIP-Version", "RFC 3261 §7.1"),
            Map.entry("malformed Status-Line", "RFC 3261 §7.2"),
            Map.entry("malformed Status-Code", "3DIGIT in 100..699"),
            Map.entry("malformed Reason-Phrase", "no CR or NUL in a Reason-Phrase"),
            Map.entry("malformed Content-Length", "1*DIGIT only (RFC 4475 §3.1.2.3)"),
            Map.entry("header line without colon", "RFC 3261 §7.3.1; JAIN-SIP skips such lines"),
            Map.entry("malformed header name", "header names are tokens; JAIN-SIP skips such lines"),
            Map.entry("no empty line after the headers", "a datagram must hold the whole head"),
            Map.entry("no end of start line", "a datagram must hold the whole head"),
            Map.entry("malformed Request-Line method", "method is a token followed by one SP"),
            Map.entry("SIP version not supported", "505 (RFC 4475 §3.1.2.16)"),
            Map.entry("bare CR in a header line", "a header value never holds a bare CR (RFC 3261 §25.1);"
                    + " JAIN-SIP takes \"\\r\\r\\n\" as the end of the header section"));

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JainSipDifferentialTest.class);
    private static final Map<String, Integer> OUTCOMES = new java.util.concurrent.ConcurrentSkipListMap<>();

    @org.junit.jupiter.api.AfterAll
    static void summary() {
        LOG.info("differential outcomes: {}", OUTCOMES);
    }

    private static void count(String outcome) {
        OUTCOMES.merge(outcome, 1, Integer::sum);
    }

    static Stream<Arguments> inputs() {
        List<Arguments> cases = new ArrayList<>();
        List<String> seeds = new ArrayList<>();
        for (Corpus.Expectation e : Corpus.expectations()) {
            seeds.add("rfc4475/" + e.file());
        }
        seeds.addAll(Corpus.fuzzSeeds());
        seeds.add("../messages/twilio-invite.sip");
        for (String seed : seeds) {
            byte[] bytes = Corpus.bytes(seed);
            cases.add(Arguments.of(seed, bytes));
            Random random = new Random(seed.hashCode());
            for (int k = 0; k < MUTATIONS_PER_SEED; k++) {
                cases.add(Arguments.of(seed + "#" + k, Mutator.mutate(bytes, random)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void agreesWithJainSipWhereItAccepts(String name, byte[] bytes) {
        SIPMessage reference = jain(bytes);
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        SipParseResult ours;
        try {
            ours = SipParser.parse(in, SipLimits.DEFAULTS);
        } finally {
            in.release();
        }
        if (ours instanceof SipMessage) {
            SipMessage message = (SipMessage) ours;
            try {
                if (reference != null) {
                    compare(name, reference, message, bytes);
                    count("both accept");
                } else {
                    count("we accept, JAIN-SIP rejects");
                }
            } finally {
                message.release();
            }
            return;
        }
        if (reference == null) {
            count("both reject");
            return;
        }
        String reason = ((SipParseError) ours).reason();
        count("JAIN-SIP accepts, we reject: " + reason);
        if (DELIBERATE.keySet().stream().noneMatch(reason::startsWith)) {
            fail(name + ": JAIN-SIP accepts, we reject with \"" + reason + "\"");
        }
    }

    /**
     * What JAIN-SIP accepts: {@code StringMsgParser} parses it and it has the headers without which the RI's
     * message channels drop it as a bad message (Via, From, To, Call-ID, CSeq).
     */
    private static SIPMessage jain(byte[] bytes) {
        try {
            SIPMessage m = new StringMsgParser().parseSIPMessage(bytes, true, false, null);
            if (m == null || m.getTopmostVia() == null || m.getFrom() == null || m.getTo() == null
                    || m.getCallId() == null || m.getCSeq() == null) {
                return null;
            }
            return m;
        } catch (Exception | StackOverflowError e) {
            return null;
        }
    }

    private static void compare(String name, SIPMessage ref, SipMessage ours, byte[] bytes) {
        if (ref instanceof SIPRequest) {
            SIPRequest r = (SIPRequest) ref;
            if (!(ours instanceof SipRequest)) {
                fail(name + ": JAIN-SIP sees a request");
            }
            SipRequest o = (SipRequest) ours;
            assertEquals(r.getMethod(), o.method(), name + " method");
            javax.sip.address.URI uri = r.getRequestURI();
            if (uri instanceof SipURI) {
                SipURI s = (SipURI) uri;
                assertEquals(Optional.ofNullable(s.getUser()), o.requestUri().user().map(Params::unescape)
                        .map(u -> s.getUser() != null && s.getUser().contains("%") ? o.requestUri().user().get() : u),
                        name + " R-URI user");
                assertEquals(stripBrackets(s.getHost()).toLowerCase(), stripBrackets(o.requestUri().host()).toLowerCase(),
                        name + " R-URI host");
                assertEquals(s.getPort() < 0 ? OptionalInt.empty() : OptionalInt.of(s.getPort()), o.requestUri().port(),
                        name + " R-URI port");
            } else {
                assertEquals(uri.getScheme().toLowerCase(), o.requestUri().scheme(), name + " R-URI scheme");
            }
        } else {
            SIPResponse r = (SIPResponse) ref;
            if (!(ours instanceof SipResponse)) {
                fail(name + ": JAIN-SIP sees a response");
            }
            assertEquals(r.getStatusCode(), ((SipResponse) ours).statusCode(), name + " status");
        }
        gov.nist.javax.sip.header.Via via = ref.getTopmostVia();
        assertEquals(Optional.ofNullable(via.getBranch()), ours.topVia().branch(), name + " Via branch");
        assertEquals(stripBrackets(via.getHost()).toLowerCase(), stripBrackets(ours.topVia().host()).toLowerCase(),
                name + " Via host");
        assertEquals(via.getPort() < 0 ? OptionalInt.empty() : OptionalInt.of(via.getPort()), ours.topVia().port(),
                name + " Via port");
        assertEquals(ref.getCallId().getCallId(), ours.callId(), name + " Call-ID");
        assertEquals(ref.getCSeq().getSeqNumber(), ours.cseq().number(), name + " CSeq number");
        assertEquals(ref.getCSeq().getMethod(), ours.cseq().method(), name + " CSeq method");
        MaxForwardsHeader mf = (MaxForwardsHeader) ref.getHeader(MaxForwardsHeader.NAME);
        assertEquals(mf == null ? OptionalInt.empty() : OptionalInt.of(mf.getMaxForwards()), ours.maxForwards(),
                name + " Max-Forwards");
        // an addr-spec without <> whose scheme is not sip/sips: JAIN-SIP folds the ";tag=..." into the opaque
        // URI; RFC 3261 §20.10 says parameters after such an addr-spec are header parameters (we follow it)
        if (ours.from().uri().isSip() || ours.from().raw().contains("<")) {
            assertEquals(Optional.ofNullable(ref.getFromTag()), ours.from().tag(), name + " From tag");
        }
        if (ours.to().uri().isSip() || ours.to().raw().contains("<")) {
            assertEquals(Optional.ofNullable(ref.getToTag()), ours.to().tag(), name + " To tag");
        }
        // JAIN-SIP takes every octet after the head as the body even when Content-Length says fewer; RFC 4475
        // §3.1.1.8 says to ignore them (we do), so Content-Length is compared where the two agree on octets
        if (ref.getContentLength() != null && !ours.headerValues("Content-Length").isEmpty()
                && bytes.length - headLength(bytes) == ours.contentLength()) {
            assertEquals(ref.getContentLength().getContentLength(), ours.contentLength(), name + " Content-Length");
        }
    }

    private static int headLength(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                return i + 2;
            }
            if (bytes[i] == '\n' && i + 2 < bytes.length && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') {
                return i + 3;
            }
        }
        return bytes.length;
    }

    private static String stripBrackets(String host) {
        if (host == null) {
            return "";
        }
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Seeded structural and octet mutations of a SIP message. */
    public static final class Mutator {
        private static final byte[] SIP_CHARS = ";,:<>\"@= \t\r\n%[]/?&*0123456789abcXYZ".getBytes(StandardCharsets.US_ASCII);

        private Mutator() {
        }

        public static byte[] mutate(byte[] in, Random random) {
            byte[] out = in.clone();
            int rounds = 1 + random.nextInt(3);
            for (int r = 0; r < rounds && out.length > 2; r++) {
                int op = random.nextInt(7);
                int at = random.nextInt(out.length);
                switch (op) {
                    case 0: // replace one octet with a SIP delimiter or a random octet
                        out[at] = random.nextInt(4) == 0 ? (byte) random.nextInt(256)
                                : SIP_CHARS[random.nextInt(SIP_CHARS.length)];
                        break;
                    case 1: // delete a short run
                        out = splice(out, at, Math.min(out.length, at + 1 + random.nextInt(8)), new byte[0]);
                        break;
                    case 2: // insert a delimiter
                        out = splice(out, at, at, new byte[] {SIP_CHARS[random.nextInt(SIP_CHARS.length)]});
                        break;
                    case 3: // duplicate a line
                        out = duplicateLine(out, at);
                        break;
                    case 4: // flip the case of a letter
                        if (Character.isLetter(out[at])) {
                            out[at] ^= 0x20;
                        }
                        break;
                    case 5: // truncate
                        out = java.util.Arrays.copyOf(out, Math.max(1, at));
                        break;
                    default: // fold a line: CRLF + SP before a random position in the head
                        out = splice(out, at, at, new byte[] {'\r', '\n', ' '});
                        break;
                }
            }
            return out;
        }

        private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
            byte[] out = new byte[in.length - (to - from) + insert.length];
            System.arraycopy(in, 0, out, 0, from);
            System.arraycopy(insert, 0, out, from, insert.length);
            System.arraycopy(in, to, out, from + insert.length, in.length - to);
            return out;
        }

        private static byte[] duplicateLine(byte[] in, int at) {
            int start = at;
            while (start > 0 && in[start - 1] != '\n') {
                start--;
            }
            int end = at;
            while (end < in.length && in[end] != '\n') {
                end++;
            }
            end = Math.min(in.length, end + 1);
            byte[] line = java.util.Arrays.copyOfRange(in, start, end);
            return splice(in, end, end, line);
        }
    }
}
