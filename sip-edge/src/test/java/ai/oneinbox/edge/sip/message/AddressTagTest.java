package ai.oneinbox.edge.sip.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SipMessage#fromTag()} and {@link SipMessage#toTag()} read the tag without parsing the address; they
 * must give what the full parse gives, for every message the parser accepts.
 */
class AddressTagTest {

    static Stream<Arguments> accepted() {
        List<Arguments> out = new ArrayList<>();
        for (Corpus.Expectation e : Corpus.expectations()) {
            out.add(Arguments.of("rfc4475/" + e.file()));
        }
        for (String seed : Corpus.fuzzSeeds()) {
            out.add(Arguments.of(seed));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void theQuickTagIsTheParsedTag(String resource) {
        byte[] bytes = Corpus.bytes(resource);
        SipParseResult first = Messages.parse(bytes);
        if (!(first instanceof SipMessage quick)) {
            return; // refused: nothing to read tags from
        }
        SipMessage full = (SipMessage) Messages.parse(bytes);
        try {
            Optional<String> fromTag = quick.fromTag(); // before anything parsed the address
            Optional<String> toTag = quick.toTag();
            assertEquals(full.from().tag(), fromTag, "From tag of " + resource);
            assertEquals(full.to().tag(), toTag, "To tag of " + resource);
            assertEquals(fromTag, full.fromTag(), "and the same once the address is parsed");
        } finally {
            quick.release();
            full.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "<sip:a@example.com>;tag=abc",
        "sip:a@example.com;tag=abc",
        "sip:a@example.com ; tag = abc ;x=y",
        "\"Bob; <not the uri> \\\" ;tag=nope\" <sip:b@example.com;tag=urip>;tag=real",
        "Bob Smith <sip:b@example.com;transport=udp>;x=1;TAG=Up",
        "<sip:a@example.com;tag=inside>",
        "sip:a@example.com",
        "<sip:a@example.com>;tagx=1;xtag=2",
        "<sip:a@example.com>;tag",
    })
    void trickyAddressesGiveTheParsersAnswer(String from) {
        String text = "OPTIONS sip:x@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-t1\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: " + from + "\r\n"
            + "To: " + from + "\r\n"
            + "Call-ID: t1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        byte[] bytes = Messages.crlf(text);
        SipMessage quick = Messages.parseOk(bytes);
        SipMessage full = Messages.parseOk(bytes);
        try {
            assertEquals(full.from().tag(), quick.fromTag(), from);
            assertEquals(full.to().tag(), quick.toTag(), from);
        } finally {
            quick.release();
            full.release();
        }
    }

    @Test
    void aQuotedDisplayNameHidesItsSemicolonsAndAngleBrackets() {
        SipMessage m = Messages.parseOk(Messages.crlf("OPTIONS sip:x@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-t2\r\n"
            + "From: \"a;tag=x <y>\" <sip:a@example.com>;tag=right\r\n"
            + "To: <sip:b@example.com>\r\n"
            + "Call-ID: t2\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
        try {
            assertEquals(Optional.of("right"), m.fromTag());
            assertEquals(Optional.empty(), m.toTag());
        } finally {
            m.release();
        }
    }
}
