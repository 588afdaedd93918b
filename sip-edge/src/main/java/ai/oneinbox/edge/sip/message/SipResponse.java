package ai.oneinbox.edge.sip.message;

/** A SIP response: {@code SIP/2.0 SP Status-Code SP Reason-Phrase}. */
public final class SipResponse extends SipMessage {

    private final int statusCode;
    private final String reasonPhrase;

    SipResponse(MessageHead head, int statusCode, String reasonPhrase) {
        super(head);
        this.statusCode = statusCode;
        this.reasonPhrase = reasonPhrase;
    }

    @Override
    public boolean isRequest() {
        return false;
    }

    /** 100..699. */
    public int statusCode() {
        return statusCode;
    }

    /** The reason phrase as received (UTF-8), possibly empty (RFC 4475 §3.1.1.13). */
    public String reasonPhrase() {
        return reasonPhrase;
    }

    public boolean isProvisional() {
        return statusCode < 200;
    }

    @Override
    public SipResponse retain() {
        super.retain();
        return this;
    }
}
