package ai.oneinbox.edge.sip.message;

/**
 * {@code CSeq: 4711 INVITE}.
 *
 * @param number sequence number, 0..2^32-1 (RFC 3261 §8.1.1.5)
 * @param method method, case-sensitive as received
 */
public record CSeq(long number, String method) {

    @Override
    public String toString() {
        return number + " " + method;
    }
}
