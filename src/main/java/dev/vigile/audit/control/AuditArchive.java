package dev.vigile.audit.control;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.stream.Stream;

/**
 * The audit archive: retired events as JSON Lines, one file per month of their time ({@code
 * audit-2026-12.jsonl}), each line one row with its hash and keyed link, and {@code
 * checkpoint.json}, the last retired row signed under the audit key. Checked offline by {@link
 * #main} (README, "Audit retention"), with nothing but the archive and the key: every row's hash
 * is recomputed from its fields as PostgreSQL computed it ({@code audit_event_hash}: SHA-256 of a
 * {@code jsonb} array's text), every link under the key, the chain from the genesis to the
 * checkpoint, and the checkpoint's signature.
 */
public final class AuditArchive {
    static final String CHECKPOINT_PREFIX = "vigile-audit-checkpoint:";
    static final String CHECKPOINT_FILE = "checkpoint.json";

    private AuditArchive() {}

    /**
     * One archived row. {@code micros}: its time as the hash took it (epoch microseconds); {@code
     * details}: the {@code jsonb} text PostgreSQL hashed, or null.
     */
    public record Row(
            long id,
            String occurredAt,
            long micros,
            String prevHash,
            String hash,
            String link,
            String actorId,
            String actorEmail,
            String action,
            String targetType,
            String targetId,
            String outcome,
            String ip,
            String userAgent,
            String requestId,
            String details) {

        /** The month file this row belongs in. */
        String month() {
            Instant at = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
            var utc = at.atOffset(ZoneOffset.UTC);
            return String.format("audit-%04d-%02d.jsonl", utc.getYear(), utc.getMonthValue());
        }

        String toJson() {
            JsonObjectBuilder b = Json.createObjectBuilder()
                    .add("id", id)
                    .add("occurredAt", occurredAt)
                    .add("micros", micros);
            put(b, "prevHash", prevHash);
            put(b, "hash", hash);
            put(b, "link", link);
            put(b, "actorId", actorId);
            put(b, "actorEmail", actorEmail);
            put(b, "action", action);
            put(b, "targetType", targetType);
            put(b, "targetId", targetId);
            put(b, "outcome", outcome);
            put(b, "ip", ip);
            put(b, "userAgent", userAgent);
            put(b, "requestId", requestId);
            put(b, "details", details);
            return b.build().toString();
        }

        static Row fromJson(String line) {
            JsonObject o;
            try (JsonReader r = Json.createReader(new StringReader(line))) {
                o = r.readObject();
            }
            return new Row(
                    o.getJsonNumber("id").longValueExact(),
                    o.getString("occurredAt"),
                    o.getJsonNumber("micros").longValueExact(),
                    text(o, "prevHash"),
                    text(o, "hash"),
                    text(o, "link"),
                    text(o, "actorId"),
                    text(o, "actorEmail"),
                    text(o, "action"),
                    text(o, "targetType"),
                    text(o, "targetId"),
                    text(o, "outcome"),
                    text(o, "ip"),
                    text(o, "userAgent"),
                    text(o, "requestId"),
                    text(o, "details"));
        }

        /** The hash recomputed from the fields, as {@code audit_event_hash} does. */
        public String recomputedHash() {
            StringBuilder s = new StringBuilder("[");
            s.append(jsonb(prevHash)).append(", ").append(id).append(", ").append(micros);
            for (String field :
                    new String[] {actorId, actorEmail, action, targetType, targetId, outcome, ip, userAgent, requestId
                    }) {
                s.append(", ").append(jsonb(field));
            }
            s.append(", ").append(details == null ? "null" : details).append(']');
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(s.toString().getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The last retired row, signed: where the kept chain starts. */
    public record Checkpoint(long uptoId, String hash, String link, String occurredAt, String mac) {
        String toJson() {
            JsonObjectBuilder b = Json.createObjectBuilder()
                    .add("uptoId", uptoId)
                    .add("hash", hash)
                    .add("occurredAt", occurredAt)
                    .add("mac", mac);
            put(b, "link", link);
            return b.build().toString();
        }

        static Checkpoint fromJson(String json) {
            try (JsonReader r = Json.createReader(new StringReader(json))) {
                JsonObject o = r.readObject();
                return new Checkpoint(
                        o.getJsonNumber("uptoId").longValueExact(),
                        o.getString("hash"),
                        text(o, "link"),
                        o.getString("occurredAt"),
                        o.getString("mac"));
            }
        }
    }

    /** The signature of a checkpoint under the audit key, as {@code audit_retire} checks it. */
    static String sign(AuditKey key, long uptoId, String hash, String link) {
        return key.signPosition(CHECKPOINT_PREFIX, uptoId, hash, link);
    }

    private static void put(JsonObjectBuilder b, String name, String value) {
        if (value == null) {
            b.addNull(name);
        } else {
            b.add(name, value);
        }
    }

    private static String text(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return o.getString(name);
    }

    /**
     * The double quote, by its code: the architecture test's scan of string literals would take a
     * quote character literal for the start of a string.
     */
    private static final char QUOTE = 34;

    /** A string as PostgreSQL writes it in {@code jsonb} text (escape_json), or {@code null}. */
    static String jsonb(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\b' -> s.append("\\b");
                case '\f' -> s.append("\\f");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                case QUOTE -> s.append("\\").append(QUOTE);
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c < ' ') {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }

    /**
     * Appends rows to their month files. Rows at or below the archive's newest id are skipped, so a
     * retirement that died after writing and before removing writes nothing twice when it runs
     * again; a line left half-written by a crash is cut off first.
     */
    static final class Appender implements AutoCloseable {
        private final Path dir;
        private final Map<String, FileChannel> open = new HashMap<>();
        private final long alreadyArchived;
        private int written;

        /** The hashes of archived rows after the database's last checkpoint (a crash's leftovers). */
        private final Map<Long, String> pending = new HashMap<>();

        /**
         * Opens the archive for rows after {@code checkpointId}, the database's last retired row
         * (0: none), refusing an archive that does not hold that row with {@code checkpointHash}:
         * one lost, another member's, or of another database.
         */
        Appender(Path dir, long checkpointId, String checkpointHash) throws IOException {
            this.dir = dir;
            Files.createDirectories(dir);
            long newest = 0;
            for (Path file : monthFiles(dir)) {
                newest = Math.max(newest, lastId(file));
            }
            this.alreadyArchived = newest;
            if (checkpointId > 0 || newest > 0) {
                // Only the archive's tail is read: from the newest file back, each backwards, down to
                // the checkpoint's row.
                String archived = null;
                List<Path> files = new ArrayList<>(monthFiles(dir));
                java.util.Collections.reverse(files);
                boolean reached = false;
                for (Path file : files) {
                    try (ReverseLines lines = new ReverseLines(file)) {
                        for (String line = lines.previous(); line != null; line = lines.previous()) {
                            Row row = Row.fromJson(line);
                            if (row.id() == checkpointId) {
                                archived = row.hash();
                            } else if (row.id() > checkpointId) {
                                pending.put(row.id(), row.hash());
                            }
                            if (row.id() <= checkpointId) {
                                reached = true;
                                break;
                            }
                        }
                    }
                    if (reached) {
                        break;
                    }
                }
                if (checkpointId > 0 && !checkpointHash.equals(archived)) {
                    throw new IllegalStateException("the audit archive in " + dir.toAbsolutePath()
                            + " does not hold the last retired event (id " + checkpointId + ") as the database"
                            + " recorded it: nothing more is retired until the archive it was written to is back");
                }
            }
        }

        /** The newest id the archive holds, 0 when empty. */
        long alreadyArchived() {
            return alreadyArchived;
        }

        void append(Row row) throws IOException {
            if (row.id() <= alreadyArchived) {
                // Written by a retirement that died before removing it: it must be this very row.
                if (!row.hash().equals(pending.get(row.id()))) {
                    throw new IllegalStateException("the audit archive in " + dir.toAbsolutePath()
                            + " holds another event " + row.id() + " than the database: nothing is retired");
                }
                return;
            }
            FileChannel channel = open.get(row.month());
            if (channel == null) {
                channel = FileChannel.open(
                        dir.resolve(row.month()),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                open.put(row.month(), channel);
            }
            byte[] line = (row.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
            var buffer = java.nio.ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            written++;
        }

        int written() {
            return written;
        }

        /** Forces every file written to disk: the rows are not removed before they are stored. */
        @Override
        public void close() throws IOException {
            for (FileChannel c : open.values()) {
                c.force(true);
                c.close();
            }
            if (!open.isEmpty()) {
                forceDirectory(dir);
            }
            open.clear();
        }

        /** The id of a file's last complete line; a trailing partial line is truncated away. */
        private static long lastId(Path file) throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                long end = f.length();
                long cut = end;
                while (cut > 0) {
                    f.seek(cut - 1);
                    if (f.read() == '\n') {
                        break;
                    }
                    cut--;
                }
                if (cut < end) {
                    f.setLength(cut);
                }
                if (cut == 0) {
                    return 0;
                }
                long start = cut - 1;
                while (start > 0) {
                    f.seek(start - 1);
                    if (f.read() == '\n') {
                        break;
                    }
                    start--;
                }
                byte[] line = new byte[(int) (cut - 1 - start)];
                f.seek(start);
                f.readFully(line);
                return Row.fromJson(new String(line, StandardCharsets.UTF_8)).id();
            }
        }
    }

    /** A file's lines from the last to the first, read in blocks from its end. */
    static final class ReverseLines implements AutoCloseable {
        private final RandomAccessFile file;
        private long position;
        private final java.util.ArrayDeque<String> ready = new java.util.ArrayDeque<>();
        private byte[] partial = new byte[0];

        ReverseLines(Path path) throws IOException {
            this.file = new RandomAccessFile(path.toFile(), "r");
            this.position = file.length();
        }

        /** The previous line, or null at the start of the file. */
        String previous() throws IOException {
            while (ready.isEmpty()) {
                if (position == 0) {
                    if (partial.length == 0) {
                        return null;
                    }
                    String first = new String(partial, StandardCharsets.UTF_8);
                    partial = new byte[0];
                    return first;
                }
                int size = (int) Math.min(64 * 1024, position);
                position -= size;
                byte[] block = new byte[size + partial.length];
                file.seek(position);
                file.readFully(block, 0, size);
                System.arraycopy(partial, 0, block, size, partial.length);
                int end = block.length;
                for (int i = block.length - 1; i >= 0; i--) {
                    if (block[i] == '\n') {
                        if (end > i + 1) {
                            ready.addLast(new String(block, i + 1, end - i - 1, StandardCharsets.UTF_8));
                        }
                        end = i;
                    }
                }
                partial = java.util.Arrays.copyOf(block, end);
            }
            return ready.pollFirst();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    static List<Path> monthFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("audit-\\d{4}-\\d{2}\\.jsonl"))
                    .sorted()
                    .toList();
        }
    }

    /** Replaces {@code checkpoint.json} in one move, so that it is never seen half-written. */
    static void writeCheckpoint(Path dir, Checkpoint checkpoint) throws IOException {
        Path tmp = dir.resolve(CHECKPOINT_FILE + ".tmp");
        try (FileChannel c = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(java.nio.ByteBuffer.wrap((checkpoint.toJson() + "\n").getBytes(StandardCharsets.UTF_8)));
            c.force(true);
        }
        Files.move(tmp, dir.resolve(CHECKPOINT_FILE), StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(dir);
    }

    /** Forces a directory's entries to disk: a file created or renamed in it survives a crash. */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** What an offline check found. */
    public record Check(boolean valid, long rows, Long uptoId, Long firstBrokenId, String problem) {
        @Override
        public String toString() {
            return valid
                    ? "valid: " + rows
                            + " archived audit events, chained from the genesis to the signed checkpoint at id "
                            + uptoId
                    : "BROKEN at id " + firstBrokenId + ": " + problem + " (" + rows + " rows read)";
        }
    }

    /** One file's lines, read in order, for the merge across months. */
    private static final class Cursor {
        final BufferedReader reader;
        final Path file;
        Row current;

        Cursor(Path file) throws IOException {
            this.file = file;
            this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        }

        boolean advance() throws IOException {
            String line = reader.readLine();
            current = line == null ? null : Row.fromJson(line);
            return current != null;
        }
    }

    /**
     * Checks an archive offline: each row's hash from its fields, its time against the time hashed,
     * the chain from the genesis in id order across the month files, each keyed link under {@code
     * key}, and the checkpoint: signed under the key and naming a row of the archive, its hash and
     * link.
     */
    public static Check check(Path dir, AuditKey key) throws IOException {
        Path checkpointFile = dir.resolve(CHECKPOINT_FILE);
        if (!Files.exists(checkpointFile)) {
            return new Check(false, 0, null, null, "no " + CHECKPOINT_FILE);
        }
        Checkpoint cp = Checkpoint.fromJson(Files.readString(checkpointFile));
        if (!sign(key, cp.uptoId(), cp.hash(), cp.link()).equals(cp.mac())) {
            return new Check(false, 0, cp.uptoId(), cp.uptoId(), "the checkpoint is not signed under this audit key");
        }
        List<Cursor> cursors = new ArrayList<>();
        PriorityQueue<Cursor> queue = new PriorityQueue<>((a, b) -> Long.compare(a.current.id(), b.current.id()));
        try {
            for (Path file : monthFiles(dir)) {
                Cursor c = new Cursor(file);
                cursors.add(c);
                if (c.advance()) {
                    queue.add(c);
                }
            }
            String previous = AuditChain.GENESIS;
            String previousLink = AuditChain.GENESIS;
            boolean keyed = false;
            long rows = 0;
            long lastId = 0;
            boolean checkpointSeen = false;
            while (!queue.isEmpty()) {
                Cursor c = queue.poll();
                Row row = c.current;
                rows++;
                String problem = problem(row, lastId, previous, previousLink, keyed, key);
                if (problem == null && row.id() == cp.uptoId()) {
                    checkpointSeen = true;
                    if (!row.hash().equals(cp.hash()) || !java.util.Objects.equals(row.link(), cp.link())) {
                        problem = "the checkpoint names another hash or link for this row";
                    }
                }
                if (problem != null) {
                    return new Check(false, rows, cp.uptoId(), row.id(), problem + " (" + c.file.getFileName() + ")");
                }
                keyed |= row.link() != null;
                previous = row.hash();
                previousLink = row.link() == null ? AuditChain.GENESIS : row.link();
                lastId = row.id();
                if (c.advance()) {
                    queue.add(c);
                }
            }
            if (!checkpointSeen) {
                return new Check(
                        false,
                        rows,
                        cp.uptoId(),
                        cp.uptoId(),
                        "the checkpoint's row is not in the archive (it ends at id " + lastId + ")");
            }
            return new Check(true, rows, cp.uptoId(), null, null);
        } finally {
            for (Cursor c : cursors) {
                c.reader.close();
            }
        }
    }

    private static String problem(
            Row row, long lastId, String previous, String previousLink, boolean keyed, AuditKey key) {
        if (row.id() <= lastId) {
            return "id " + row.id() + " again or out of order after " + lastId;
        }
        if (!previous.equals(row.prevHash())) {
            return "does not chain to the previous row (a row before it is missing, changed or added)";
        }
        if (!row.recomputedHash().equals(row.hash())) {
            return "its content does not match its hash";
        }
        if (!Instant.parse(row.occurredAt()).equals(Instant.EPOCH.plus(row.micros(), ChronoUnit.MICROS))) {
            return "its time does not match the time hashed";
        }
        if (row.link() == null) {
            return keyed ? "its keyed link is missing" : null;
        }
        if (!key.link(previousLink, row.hash()).equals(row.link())) {
            return "its keyed link does not verify under this audit key";
        }
        return null;
    }

    /**
     * {@code VIGILE_AUDIT_KEY=... java ... dev.vigile.audit.control.AuditArchive DIR}: checks the
     * archive in DIR offline; exit status 0 when valid, 1 when broken, 2 on a usage error.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: AuditArchive <archive directory>   (VIGILE_AUDIT_KEY in the environment)");
            System.exit(2);
        }
        try {
            AuditKey key = AuditKey.of(Optional.ofNullable(System.getenv("VIGILE_AUDIT_KEY")));
            Check result = check(Path.of(args[0]), key);
            System.out.println(result);
            System.exit(result.valid() ? 0 : 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
