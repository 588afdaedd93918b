package ai.oneinbox.edge.sip.message;

import java.time.Duration;
import java.util.Objects;

/**
 * Every size limit the SIP codec enforces, in one place. Mirrors {@code sip.limits} of
 * {@code config/edge.yaml}; {@link #DEFAULTS} equals the file's defaults.
 *
 * <table>
 *   <caption>Limits and their defaults</caption>
 *   <tr><th>component</th><th>default</th><th>what happens when exceeded</th></tr>
 *   <tr><td>{@code maxMessageBytes}</td><td>65535</td>
 *       <td>start line + headers + body larger than this: 513 Message Too Large when the request can be
 *       addressed, else dropped; a stream connection is closed (framing is lost)</td></tr>
 *   <tr><td>{@code maxHeaders}</td><td>256</td><td>more header lines: 400</td></tr>
 *   <tr><td>{@code maxLineBytes}</td><td>8192</td>
 *       <td>a longer start line: 414 Request-URI Too Long; a longer header line (folding included): 400</td></tr>
 *   <tr><td>{@code streamIdleTimeout}</td><td>32 s</td>
 *       <td>a TCP/TLS connection silent this long is closed (also bounds a stalled partial message)</td></tr>
 * </table>
 */
public record SipLimits(int maxMessageBytes, int maxHeaders, int maxLineBytes, Duration streamIdleTimeout) {

    /** The defaults of {@code config/edge.yaml}. */
    public static final SipLimits DEFAULTS = new SipLimits(65535, 256, 8192, Duration.ofSeconds(32));

    public SipLimits {
        if (maxMessageBytes < 256) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 256, got " + maxMessageBytes);
        }
        if (maxHeaders < 8) {
            throw new IllegalArgumentException("maxHeaders must be at least 8, got " + maxHeaders);
        }
        if (maxLineBytes < 64 || maxLineBytes > maxMessageBytes) {
            throw new IllegalArgumentException(
                    "maxLineBytes must be in 64.." + maxMessageBytes + ", got " + maxLineBytes);
        }
        Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
        if (streamIdleTimeout.isNegative() || streamIdleTimeout.isZero()) {
            throw new IllegalArgumentException("streamIdleTimeout must be positive, got " + streamIdleTimeout);
        }
    }
}
