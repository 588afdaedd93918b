package ai.oneinbox.edge.sip.message;

/** A SIP request: {@code Method SP Request-URI SP SIP/2.0}. */
public final class SipRequest extends SipMessage {

    private final String method;
    private SipUri requestUri;
    final int uriStart;
    final int uriEnd;

    SipRequest(MessageHead head, String method, int uriStart, int uriEnd) {
        super(head);
        this.method = method;
        this.uriStart = uriStart;
        this.uriEnd = uriEnd;
    }

    @Override
    public boolean isRequest() {
        return true;
    }

    /** The method, case-sensitive as received ("INVITE"; "RE%47IST%45R" is an unknown method, not REGISTER). */
    public String method() {
        return method;
    }

    public boolean isMethod(String name) {
        return method.equals(name);
    }

    /** The Request-URI (read on first use; the parser has already checked it). */
    public SipUri requestUri() {
        SipUri uri = requestUri;
        if (uri == null) {
            uri = UriParser.parse(octets, uriStart, uriEnd, false);
            requestUri = uri;
        }
        return uri;
    }

    /** Starts a response to this request (Via, From, To, Call-ID and CSeq copied as RFC 3261 §8.2.6.2 says). */
    public SipResponseBuilder response(int status, String reasonPhrase) {
        return new SipResponseBuilder(this, status, reasonPhrase);
    }

    @Override
    public SipRequest retain() {
        super.retain();
        return this;
    }
}
