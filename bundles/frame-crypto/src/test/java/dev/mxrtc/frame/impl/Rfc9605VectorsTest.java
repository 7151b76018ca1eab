package dev.mxrtc.frame.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mxrtc.frame.CipherSuite;
import dev.mxrtc.frame.FrameResult;
import dev.mxrtc.frame.KeyMaterial;
import dev.mxrtc.frame.SFrameHeader;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9605 Appendix C test vectors, from {@code rfc9605-test-vectors.json} (transcribed from the JSON file the
 * RFC cites, sframe-wg/sframe {@code test-vectors/test-vectors.json}; see the file's {@code _source}).
 */
class Rfc9605VectorsTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final JsonNode VECTORS = load();

    private static JsonNode load() {
        try (InputStream in = Rfc9605VectorsTest.class.getResourceAsStream("rfc9605-test-vectors.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> headers() {
        return list("header");
    }

    static List<JsonNode> aead() {
        return list("aes_ctr_hmac");
    }

    static List<JsonNode> sframe() {
        return list("sframe");
    }

    private static List<JsonNode> list(String section) {
        return StreamSupport.stream(VECTORS.get(section).spliterator(), false).toList();
    }

    private static byte[] hex(JsonNode v, String field) {
        return HEX.parseHex(v.get(field).asText());
    }

    /** u64 as a (two's complement) long: the JSON holds values up to 2^64 - 1. */
    private static long u64(JsonNode v, String field) {
        return v.get(field).bigIntegerValue().longValue();
    }

    @Test
    void everySectionIsThere() {
        assertEquals(289, headers().size());
        assertEquals(3, aead().size());
        assertEquals(List.of(1, 2, 3, 4, 5), sframe().stream().map(v -> v.get("cipher_suite").asInt()).toList());
    }

    @ParameterizedTest
    @MethodSource("headers")
    void c1HeaderEncodesAndDecodes(JsonNode v) {
        long kid = u64(v, "kid");
        long ctr = u64(v, "ctr");
        byte[] encoded = hex(v, "encoded");
        assertArrayEquals(encoded, new SFrameHeader(kid, ctr).encode());
        assertEquals(new SFrameHeader(kid, ctr), SFrameHeader.decode(encoded));
        assertEquals(encoded.length, new SFrameHeader(kid, ctr).length());
    }

    @ParameterizedTest
    @MethodSource("aead")
    void c2AesCtrHmacAead(JsonNode v) {
        CipherSuite suite = CipherSuite.byId(v.get("cipher_suite").asInt());
        SFrameAead aead = SFrameAead.of(suite);
        byte[] key = hex(v, "key");
        assertArrayEquals(hex(v, "enc_key"), java.util.Arrays.copyOf(key, 16));
        assertArrayEquals(hex(v, "auth_key"), java.util.Arrays.copyOfRange(key, 16, key.length));
        SFrameAead.Key k = aead.prepare(key);
        byte[] nonce = hex(v, "nonce");
        byte[] aad = hex(v, "aad");
        byte[] pt = hex(v, "pt");
        byte[] ct = hex(v, "ct");

        byte[] out = new byte[pt.length + suite.tagLength()];
        // the AEAD takes AAD as header ‖ metadata: give it all as "header" and no metadata
        int n = aead.seal(k, nonce, aad, aad.length, new byte[0], pt, 0, pt.length, out, 0);
        assertEquals(ct.length, n);
        assertArrayEquals(ct, out);
        assertArrayEquals(pt, aead.open(k, nonce, aad, aad.length, new byte[0], ct, 0, ct.length));

        ct[ct.length - 1] ^= 1;
        assertNull(aead.open(k, nonce, aad, aad.length, new byte[0], ct, 0, ct.length));
    }

    @ParameterizedTest
    @MethodSource("sframe")
    void c3SFrameEncryptionAndDecryption(JsonNode v) {
        CipherSuite suite = CipherSuite.byId(v.get("cipher_suite").asInt());
        long kid = u64(v, "kid");
        long ctr = u64(v, "ctr");
        byte[] baseKey = hex(v, "base_key");

        assertArrayEquals(hex(v, "sframe_key_label"), SFrameKeySchedule.keyLabel(kid, suite));
        assertArrayEquals(hex(v, "sframe_salt_label"), SFrameKeySchedule.saltLabel(kid, suite));
        assertArrayEquals(hex(v, "sframe_secret"), SFrameKeySchedule.secret(suite, baseKey));
        SFrameKeySchedule.Derived derived = SFrameKeySchedule.derive(suite, kid, baseKey);
        assertArrayEquals(hex(v, "sframe_key"), derived.key());
        assertArrayEquals(hex(v, "sframe_salt"), derived.salt());
        byte[] nonce = new byte[12];
        SFrameKeySchedule.nonce(derived.salt(), ctr, nonce);
        assertArrayEquals(hex(v, "nonce"), nonce);

        byte[] metadata = hex(v, "metadata");
        byte[] header = new SFrameHeader(kid, ctr).encode();
        byte[] aad = new byte[header.length + metadata.length];
        System.arraycopy(header, 0, aad, 0, header.length);
        System.arraycopy(metadata, 0, aad, header.length, metadata.length);
        assertArrayEquals(hex(v, "aad"), aad);

        DefaultSFrameContext sender = new DefaultSFrameContext(suite, 128);
        sender.addKey(kid, new KeyMaterial(baseKey));
        byte[] ct = hex(v, "ct");
        assertArrayEquals(ct, sender.encryptAt(kid, ctr, hex(v, "pt"), metadata));

        DefaultSFrameContext receiver = new DefaultSFrameContext(suite, 128);
        receiver.addKey(kid, new KeyMaterial(baseKey));
        FrameResult.Decrypted d = assertInstanceOf(FrameResult.Decrypted.class, receiver.decrypt(ct, metadata));
        assertArrayEquals(hex(v, "pt"), d.frame());
        assertEquals(kid, d.keyId());
        assertEquals(ctr, d.counter());
    }
}
