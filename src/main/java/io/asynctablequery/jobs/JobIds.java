package io.asynctablequery.jobs;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * New job ids: random (version 4) UUIDs, unguessable, as {@link UUID#randomUUID()} makes them, but from a
 * cryptographic generator per thread. {@code randomUUID} draws from one generator shared by the whole JVM
 * behind a lock; under load, submits queued on it (profiled: 142 waits of 20 ms or more in 10 s of 64
 * concurrent submits, most of the time of a submit).
 */
final class JobIds {

    private static final ThreadLocal<SecureRandom> GENERATOR = ThreadLocal.withInitial(JobIds::generator);

    private JobIds() {
    }

    static String next() {
        byte[] bytes = new byte[16];
        GENERATOR.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40); // version 4: random
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80); // the IETF variant
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong()).toString();
    }

    private static SecureRandom generator() {
        try {
            return SecureRandom.getInstance("DRBG"); // NIST SP 800-90A, seeded by the JDK from the system's entropy
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
