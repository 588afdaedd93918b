package ai.oneinbox.edge.sip.message;

import static ai.oneinbox.edge.sip.message.SipGrammar.NO_MATCH;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Parses one framed SIP message: the start line and the proxy headers strictly (RFC 3261 §25 and the
 * RFC 4475 torture tests), everything else indexed only. Never throws; a bad message is a
 * {@link SipParseError} carrying, when the request can be addressed, the octets of the answer.
 *
 * <p>Body framing is the datagram rule of RFC 3261 §18.3: without Content-Length the body is the rest of the
 * octets; with it, octets beyond it are ignored (RFC 4475 §3.1.1.8) and fewer than it are an error
 * (§3.1.2.2). Stream decoders hand over exactly one framed message, so the same rule serves both.
 */
public final class SipParser {

    private static final long MAX_CSEQ = 0xFFFF_FFFFL;

    private SipParser() {
    }

    /**
     * Parses the readable octets of {@code in} (neither consumed nor released). The octets are copied once
     * into a heap array the message owns, so a pooled receive buffer goes back to its pool at once and the
     * scanning runs on plain array reads. A {@link SipMessage} result must be released by the caller.
     */
    public static SipParseResult parse(ByteBuf in, SipLimits limits) {
        // beyond the limit only the head matters (to address the 513), so never copy more than limit + 1
        int length = Math.min(in.readableBytes(), limits.maxMessageBytes() + 1);
        byte[] b = new byte[length];
        in.getBytes(in.readerIndex(), b);
        return parse(b, length, limits);
    }

    /** Parses {@code octets[0, length)}; the array then belongs to the message (not copied). */
    public static SipParseResult parse(byte[] octets, int length, SipLimits limits) {
        Attempt a = new Attempt(octets, Math.min(length, limits.maxMessageBytes() + 1), limits);
        String error = a.run();
        if (error != null) {
            return a.error(error);
        }
        MessageHead head = a.head;
        head.octets = octets;
        head.buf = Unpooled.wrappedBuffer(octets, 0, head.bodyStart + head.bodyLength);
        if (a.isRequest) {
            return new SipRequest(head, a.method, a.uriStart, a.uriEnd);
        }
        return new SipResponse(head, a.status,
                new String(octets, a.reasonStart, head.startLineEnd - a.reasonStart, StandardCharsets.UTF_8));
    }

    private static final String[] METHODS = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK",
        "UPDATE", "INFO", "REFER", "NOTIFY", "SUBSCRIBE", "MESSAGE", "PUBLISH"};

    /** The method in [start, end): a shared constant for the RFC methods (no allocation), else a new string. */
    static String method(byte[] b, int start, int end) {
        for (String m : METHODS) {
            if (m.length() == end - start && b[start] == m.charAt(0)) {
                boolean same = true;
                for (int k = 1; k < m.length(); k++) {
                    if (b[start + k] != m.charAt(k)) {
                        same = false;
                        break;
                    }
                }
                if (same) {
                    return m;
                }
            }
        }
        return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /**
     * The answer to a request whose octets cannot be taken as a message though its head can be read: a
     * stream that lost its framing (no or invalid Content-Length) or a message over the size limit.
     * {@code head} holds the start line and headers; the answer copies Via, From, To, Call-ID and CSeq from
     * it when they are there. Never throws.
     */
    public static SipParseError reject(ByteBuf head, SipLimits limits, int status, String reason) {
        byte[] b = new byte[head.readableBytes()];
        head.getBytes(head.readerIndex(), b);
        Attempt a = new Attempt(b, b.length, limits);
        a.startLine();
        a.indexHeaders();
        a.errorStatus = status;
        return a.error(reason);
    }

    /** One parse over a slice whose index 0 is the first octet of the message. */
    private static final class Attempt {
        final byte[] b;
        final int n;
        final SipLimits limits;
        final MessageHead head = new MessageHead();
        boolean isRequest;
        String method;
        int uriStart;
        int uriEnd;
        int status;
        int reasonStart;
        int errorStatus = 400;
        boolean headersIndexed;

        Attempt(byte[] b, int n, SipLimits limits) {
            this.b = b;
            this.n = n;
            this.limits = limits;
            head.index = new HeaderIndex(Math.min(limits.maxHeaders(), 16));
        }

        /** Null when the message is acceptable, else the reason; {@link #errorStatus} says what to answer. */
        String run() {
            String startLineError = startLine();
            String headerError = indexHeaders(); // also for an answer to a message that fails otherwise
            if (n > limits.maxMessageBytes()) {
                // before the other checks: beyond the limit the octets were cut, so the head may look incomplete
                errorStatus = 513;
                return "message larger than " + limits.maxMessageBytes() + " octets";
            }
            if (startLineError != null) {
                return startLineError;
            }
            if (headerError != null) {
                return headerError;
            }
            String error = body();
            if (error == null) {
                error = proxyHeaders();
            }
            if (error != null && !isRequest) {
                errorStatus = 0;
            }
            return error;
        }

        // ---- Request-Line / Status-Line

        private String startLine() {
            int lf = SipGrammar.indexOf(b, 0, Math.min(n, limits.maxLineBytes() + 2), SipGrammar.LF);
            if (lf < 0) {
                errorStatus = n > limits.maxLineBytes() ? 414 : 400;
                readMethod(n);
                return n > limits.maxLineBytes() ? "start line too long" : "no end of start line";
            }
            int end = lf > 0 && b[lf - 1] == SipGrammar.CR ? lf - 1 : lf;
            head.startLineEnd = end;
            if (end >= 4 && SipGrammar.equalsIgnoreCase(b, 0, 4, "sip/")) {
                return statusLine(end);
            }
            isRequest = true;
            return requestLine(end);
        }

        private void readMethod(int end) {
            int m = SipGrammar.consumeToken(b, 0, end);
            if (m > 0 && m < end && b[m] == SipGrammar.SP) {
                isRequest = true;
                method = method(b, 0, m);
            }
        }

        private String requestLine(int end) {
            int m = SipGrammar.consumeToken(b, 0, end);
            if (m == 0 || m >= end || b[m] != SipGrammar.SP) {
                isRequest = false;
                errorStatus = 0;
                return "malformed Request-Line method";
            }
            method = method(b, 0, m);
            uriStart = m + 1;
            int sp = SipGrammar.indexOf(b, uriStart, end, SipGrammar.SP);
            if (sp < 0) {
                return "Request-Line without SIP-Version";
            }
            uriEnd = sp;
            if (uriEnd == uriStart) {
                return "extra SP in Request-Line"; // RFC 4475 §3.1.2.9
            }
            int version = sp + 1;
            if (!isSip20(version, end)) {
                if (isSipVersion(version, end)) {
                    errorStatus = 505;
                    return "SIP version not supported";
                }
                return "malformed SIP-Version in Request-Line";
            }
            if (!UriParser.validate(b, uriStart, uriEnd, false)) {
                return "malformed Request-URI";
            }
            return null;
        }

        private String statusLine(int end) {
            if (!isSip20(0, Math.min(end, 7)) || end < 11 || b[7] != SipGrammar.SP) {
                return "malformed Status-Line";
            }
            long code = SipGrammar.parseDecimal(b, 8, 11, 999);
            if (code < 100 || code > 699 || (end > 11 && b[11] != SipGrammar.SP)) {
                return "malformed Status-Code";
            }
            status = (int) code;
            reasonStart = end > 11 ? 12 : 11;
            for (int i = reasonStart; i < end; i++) {
                byte c = b[i];
                if (c == SipGrammar.CR || c == 0) {
                    return "malformed Reason-Phrase";
                }
            }
            return null;
        }

        private boolean isSip20(int i, int end) {
            return end - i == 7 && SipGrammar.equalsIgnoreCase(b, i, end, "sip/2.0");
        }

        private boolean isSipVersion(int i, int end) {
            if (end - i < 7 || !SipGrammar.equalsIgnoreCase(b, i, i + 4, "sip/")) {
                return false;
            }
            int dot = SipGrammar.indexOf(b, i + 4, end, (byte) '.');
            return dot > i + 4 && SipGrammar.parseDecimal(b, i + 4, dot, 99999) >= 0
                    && SipGrammar.parseDecimal(b, dot + 1, end, 99999) >= 0;
        }

        // ---- message-header lines

        private String indexHeaders() {
            int i = SipGrammar.eolEnd(b, head.startLineEnd, n);
            if (i == NO_MATCH) {
                return "no end of start line";
            }
            HeaderIndex index = head.index;
            while (true) {
                if (i >= n) {
                    return "no empty line after the headers";
                }
                int eol = SipGrammar.eolEnd(b, i, n);
                if (eol != NO_MATCH) {
                    head.bodyStart = eol;
                    headersIndexed = true;
                    return null;
                }
                int lineStart = i;
                int nameEnd = SipGrammar.consumeToken(b, i, n);
                if (nameEnd == i) {
                    return "malformed header name";
                }
                int valueStart = SipGrammar.expectHCOLON(b, nameEnd, n);
                if (valueStart == NO_MATCH) {
                    return "header line without colon";
                }
                // the value runs to the end of the line, continuation lines (folding) included
                int lineEnd;
                int j = valueStart;
                while (true) {
                    // one pass to the line end: CRLF or LF; a CR anywhere else is an error (RFC 3261 §25.1)
                    int k = j;
                    while (k < n && b[k] > SipGrammar.CR) {
                        k++;
                    }
                    while (k < n && b[k] != SipGrammar.LF && b[k] != SipGrammar.CR) {
                        k++;
                        while (k < n && b[k] > SipGrammar.CR) {
                            k++;
                        }
                    }
                    if (k >= n) {
                        return "no empty line after the headers";
                    }
                    int lf;
                    if (b[k] == SipGrammar.CR) {
                        if (k + 1 >= n || b[k + 1] != SipGrammar.LF) {
                            return k + 1 >= n ? "no empty line after the headers" : "bare CR in a header line";
                        }
                        lineEnd = k;
                        lf = k + 1;
                    } else {
                        lineEnd = k;
                        lf = k;
                    }
                    if (lf + 1 < n && SipGrammar.isWsp(b[lf + 1])) {
                        j = lf + 1;
                        continue;
                    }
                    break;
                }
                if (lineEnd - lineStart > limits.maxLineBytes()) {
                    return "header line longer than " + limits.maxLineBytes() + " octets";
                }
                if (index.count >= limits.maxHeaders()) {
                    return "more than " + limits.maxHeaders() + " header lines";
                }
                int valueEnd = lineEnd;
                while (valueEnd > valueStart && SipGrammar.isWsp(b[valueEnd - 1])) {
                    valueEnd--;
                }
                if (valueStart > valueEnd) {
                    valueStart = valueEnd; // HCOLON's SWS ran into the end of an empty value
                }
                index.add(lineStart, nameEnd, valueStart, valueEnd, lineEnd, SipHeaderName.of(b, lineStart, nameEnd));
                i = SipGrammar.eolEnd(b, lineEnd, n);
            }
        }

        // ---- message-body framing (RFC 3261 §18.3, datagram rule)

        private String body() {
            HeaderIndex index = head.index;
            int h = index.first(SipHeaderName.CONTENT_LENGTH);
            int available = n - head.bodyStart;
            if (h < 0) {
                head.bodyLength = available;
                return null;
            }
            if (index.countOf(SipHeaderName.CONTENT_LENGTH) > 1) {
                return "more than one Content-Length"; // RFC 4475 §3.3.9
            }
            long length = SipGrammar.parseDecimal(b, index.valueStart(h), index.valueEnd(h), Integer.MAX_VALUE);
            if (length < 0) {
                return "malformed Content-Length"; // RFC 4475 §3.1.2.3
            }
            if (length > available) {
                return "Content-Length larger than the message"; // RFC 4475 §3.1.2.2
            }
            head.bodyLength = (int) length;
            return null;
        }

        // ---- the headers a proxy needs

        private String proxyHeaders() {
            HeaderIndex index = head.index;
            int fromLine = -1;
            int toLine = -1;
            int callIdLine = -1;
            int cseqLine = -1;
            int maxForwardsLine = -1;
            int firstVia = -1;
            for (int h = 0; h < index.count; h++) {
                int vs = index.valueStart(h);
                int ve = index.valueEnd(h);
                switch (index.kind(h)) {
                    case VIA:
                        if (!ValueParsers.scanList(b, vs, ve, ValueParsers.Element.VIA)) {
                            return "malformed Via";
                        }
                        if (firstVia < 0) {
                            firstVia = h;
                        }
                        break;
                    case FROM:
                        if (fromLine >= 0) {
                            return "more than one From";
                        }
                        fromLine = h;
                        break;
                    case TO:
                        if (toLine >= 0) {
                            return "more than one To";
                        }
                        toLine = h;
                        break;
                    case CALL_ID:
                        if (callIdLine >= 0) {
                            return "more than one Call-ID";
                        }
                        callIdLine = h;
                        break;
                    case CSEQ:
                        if (cseqLine >= 0) {
                            return "more than one CSeq";
                        }
                        cseqLine = h;
                        break;
                    case MAX_FORWARDS:
                        if (maxForwardsLine >= 0) {
                            return "more than one Max-Forwards";
                        }
                        maxForwardsLine = h;
                        break;
                    case CONTACT:
                        if (!ValueParsers.scanList(b, vs, ve, ValueParsers.Element.CONTACT)) {
                            return "malformed Contact";
                        }
                        break;
                    case ROUTE:
                        if (!ValueParsers.scanList(b, vs, ve, ValueParsers.Element.NAME_ADDR)) {
                            return "malformed Route";
                        }
                        break;
                    case RECORD_ROUTE:
                        if (!ValueParsers.scanList(b, vs, ve, ValueParsers.Element.NAME_ADDR)) {
                            return "malformed Record-Route";
                        }
                        break;
                    default:
                        break;
                }
            }
            if (firstVia < 0) {
                return "missing Via";
            }
            if (fromLine < 0) {
                return "missing From";
            }
            if (toLine < 0) {
                return "missing To";
            }
            if (callIdLine < 0) {
                return "missing Call-ID";
            }
            if (cseqLine < 0) {
                return "missing CSeq";
            }
            int vs = index.valueStart(firstVia);
            head.topViaStart = vs;
            head.topViaEnd = ValueParsers.scanVia(b, vs, index.valueEnd(firstVia));
            head.fromStart = index.valueStart(fromLine);
            head.fromEnd = single(fromLine);
            if (head.fromEnd < 0) {
                return "malformed From";
            }
            head.toStart = index.valueStart(toLine);
            head.toEnd = single(toLine);
            if (head.toEnd < 0) {
                return "malformed To";
            }
            String error = callId(callIdLine);
            if (error == null) {
                error = cseq(cseqLine);
            }
            if (error == null && maxForwardsLine >= 0) {
                long mf = SipGrammar.parseDecimal(b, index.valueStart(maxForwardsLine), index.valueEnd(maxForwardsLine),
                        255);
                if (mf < 0) {
                    return "malformed Max-Forwards";
                }
                head.maxForwards = (int) mf;
            }
            return error;
        }

        /** End of the single address value of line {@code h}, or -1 when malformed or followed by more. */
        private int single(int h) {
            int vs = head.index.valueStart(h);
            int ve = head.index.valueEnd(h);
            int end = ValueParsers.scanAddress(b, vs, ve, false);
            if (end == NO_MATCH || SipGrammar.consumeSWS(b, end, ve) != ve) {
                return -1;
            }
            return end;
        }

        private String callId(int h) {
            int vs = head.index.valueStart(h);
            int ve = head.index.valueEnd(h);
            int j = SipGrammar.consumeWord(b, vs, ve);
            if (j == vs) {
                return "malformed Call-ID";
            }
            if (j < ve && b[j] == '@') {
                int k = SipGrammar.consumeWord(b, j + 1, ve);
                if (k == j + 1) {
                    return "malformed Call-ID";
                }
                j = k;
            }
            if (j != ve) {
                return "malformed Call-ID";
            }
            head.callId = ValueParsers.ascii(b, vs, ve);
            return null;
        }

        private String cseq(int h) {
            int vs = head.index.valueStart(h);
            int ve = head.index.valueEnd(h);
            int digitsEnd = vs;
            while (digitsEnd < ve && SipGrammar.isDigit(b[digitsEnd])) {
                digitsEnd++;
            }
            long number = SipGrammar.parseDecimal(b, vs, digitsEnd, MAX_CSEQ);
            if (number < 0) {
                return "malformed CSeq number"; // RFC 4475 §3.1.2.4
            }
            int m = SipGrammar.consumeLWS(b, digitsEnd, ve);
            if (m == digitsEnd) {
                return "malformed CSeq";
            }
            int mEnd = SipGrammar.expectToken(b, m, ve);
            if (mEnd != ve) {
                return "malformed CSeq method";
            }
            String cseqMethod = method(b, m, mEnd);
            if (isRequest && !cseqMethod.equals(method)) {
                return "CSeq method does not match the Request-Line"; // RFC 4475 §3.1.2.17
            }
            head.cseq = new CSeq(number, cseqMethod);
            return null;
        }

        // ---- the answer to a request that cannot be processed

        SipParseError error(String reason) {
            if (!isRequest || errorStatus == 0 || method == null || "ACK".equals(method)) {
                return new SipParseError(reason, isRequest && method != null ? errorStatus : 0, Optional.empty());
            }
            if (head.index.first(SipHeaderName.VIA) < 0) {
                return new SipParseError(reason, errorStatus, Optional.empty());
            }
            String phrase;
            switch (errorStatus) {
                case 505:
                    phrase = "Version Not Supported";
                    break;
                case 513:
                    phrase = "Message Too Large";
                    break;
                case 414:
                    phrase = "Request-URI Too Long";
                    break;
                default:
                    phrase = "Bad Request";
                    break;
            }
            byte[] response = ResponseWriter.fromIndex(b, head.index, errorStatus, phrase, reason);
            return new SipParseError(reason, errorStatus, Optional.of(response));
        }
    }
}
