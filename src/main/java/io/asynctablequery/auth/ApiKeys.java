package io.asynctablequery.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys of {@code api.keys-file}, like Azure Functions' keys: lines {@code <name>=<role>:<secret>} or
 * {@code <name>=<role>:sha256:<hex of the secret's SHA-256>}, roles {@code submitter} and {@code admin};
 * blank lines and lines starting with {@code #} are ignored. Only SHA-256 digests are kept in memory, and a
 * presented secret's digest is compared with every key's in constant time. The file is read again when it
 * changes (checked at most once a second), so keys rotate without a restart; a changed file that is malformed
 * is refused (and logged, naming the line) and the keys before it stay.
 */
public class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    private static final Pattern LINE = Pattern.compile("([A-Za-z0-9._-]{1,64})=(submitter|admin):(.+)");
    private static final Pattern SHA256 = Pattern.compile("sha256:([0-9a-fA-F]{64})");
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private record Key(String name, boolean admin, byte[] digest) {
    }

    private final Path file;
    private volatile List<Key> keys;
    private volatile FileTime readAt;
    private volatile long checkedAt = System.nanoTime();

    /** Reads the file; a missing, unreadable or malformed one stops the start-up, naming the line. */
    public ApiKeys(Path file) {
        this.file = file;
        this.readAt = modified();
        this.keys = read();
    }

    /** The caller whose key this secret is. */
    public Caller authenticate(String secret) {
        reloadIfChanged();
        byte[] digest = sha256(secret.getBytes(StandardCharsets.UTF_8));
        Key found = null;
        for (Key key : keys) { // every key compared, in constant time: no early exit to time
            if (MessageDigest.isEqual(key.digest(), digest)) {
                found = key;
            }
        }
        if (found == null) {
            throw new InvalidCredentialException("no API key matches the secret presented");
        }
        return new Caller(found.name(), found.admin());
    }

    private void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - checkedAt < RECHECK_NANOS) {
            return;
        }
        synchronized (this) {
            if (now - checkedAt < RECHECK_NANOS) {
                return;
            }
            checkedAt = now;
            try {
                FileTime modified = modified();
                if (!modified.equals(readAt)) {
                    keys = read();
                    readAt = modified;
                    LOG.info("API keys read again from {}: {} keys", file, keys.size());
                }
            } catch (IllegalStateException e) {
                LOG.error("API keys not reloaded, the previous keys stay: {}", e.getMessage());
            }
        }
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new IllegalStateException("api.keys-file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private List<Key> read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("api.keys-file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        List<Key> read = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher key = LINE.matcher(line);
            if (!key.matches()) {
                throw malformed(i, "expected <name>=<submitter|admin>:<secret> or <name>=<role>:sha256:<hex>");
            }
            String secret = key.group(3);
            Matcher hashed = SHA256.matcher(secret);
            byte[] digest;
            if (hashed.matches()) {
                digest = HexFormat.of().parseHex(hashed.group(1));
            } else if (secret.startsWith("sha256:")) {
                throw malformed(i, "a sha256: secret must be 64 hexadecimal digits");
            } else if (secret.length() < 16 || !secret.chars().allMatch(c -> c > 32 && c < 127)) {
                throw malformed(i, "a secret must be at least 16 visible ASCII characters");
            } else {
                digest = sha256(secret.getBytes(StandardCharsets.UTF_8));
            }
            String name = key.group(1);
            if (read.stream().anyMatch(existing -> existing.name().equals(name))) {
                throw malformed(i, "the key name '" + name + "' is used twice");
            }
            read.add(new Key(name, "admin".equals(key.group(2)), digest));
        }
        if (read.isEmpty()) {
            throw new IllegalStateException("api.keys-file " + file + " holds no key");
        }
        return List.copyOf(read);
    }

    private IllegalStateException malformed(int index, String why) {
        return new IllegalStateException("api.keys-file " + file + ", line " + (index + 1) + ": " + why);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
