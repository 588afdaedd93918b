package ai.oneinbox.edge.sip.message;

import java.util.Optional;

/**
 * Why some octets are not an acceptable SIP message, and what to answer.
 *
 * @param reason   what is wrong, for logs and metrics (never includes message octets)
 * @param status   the status a request deserves (400, 505, 513, 414, ...), or 0 when it is no request or no
 *                 answer can be addressed (malformed responses are dropped, RFC 4475 §3.1.2.5, §3.1.2.19)
 * @param response the complete response octets to send back to the source, when the request could be
 *                 addressed (a Via, and not an ACK); the transport sends them as they are
 */
public record SipParseError(String reason, int status, Optional<byte[]> response) implements SipParseResult {

    public SipParseError {
        response = response.map(byte[]::clone);
    }

    /** The response octets (a copy), when an answer can be addressed. */
    @Override
    public Optional<byte[]> response() {
        return response.map(byte[]::clone);
    }
}
