package io.distillery.augmenter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Words seen per POS tag, learnt continually from the stream, for POS-guided replacement.
 *
 * <p><b>Sampling follows the paper</b>: a replacement is drawn from the unigram distribution
 * re-normalised within the tag, i.e. proportionally to how often each word was seen with it.
 *
 * <p><b>Bounded</b>: at most {@code maxWordsPerTag} words per tag. When a tag is full, a new word is
 * compared with {@value #EVICTION_CANDIDATES} words picked at random; the rarest of them is replaced if
 * it was seen once, else its count is decremented (a sampled LFU with aging, in the spirit of
 * Misra–Gries). Frequent words stay; the long tail churns, so the dictionary follows the stream instead
 * of freezing on whatever came first. When a tag's total count passes {@code decayTotal}, all its
 * counts are halved (never below 1), which both bounds the counters and lets drift show.
 *
 * <p><b>Clean</b>: only tokens of kind {@link TokenKind#WORD} that pass {@link WordFilter} are learnt,
 * so URLs, handles, hashtags, emoji, numbers and garbage never become replacement words.
 *
 * <p><b>Deterministic</b>: evictions use a SplitMix64 generator seeded at construction and carried in
 * the serialised form, so the same seed and the same stream give the same dictionary, before or after
 * a round trip through {@link #toBytes()}. Not thread-safe: one per stream task.
 */
public final class PosDictionary {

    public static final int DEFAULT_DECAY_TOTAL = 1 << 24;
    /** Keeps a tag's int total clear of overflow. */
    public static final int MAX_DECAY_TOTAL = 1 << 30;
    static final int EVICTION_CANDIDATES = 4;

    private static final byte[] MAGIC = {'P', 'D'};
    private static final byte FORMAT_VERSION = 1;

    private final int maxWordsPerTag;
    private final int decayTotal;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private long rngState;

    public PosDictionary(int maxWordsPerTag, long seed) {
        this(maxWordsPerTag, seed, DEFAULT_DECAY_TOTAL);
    }

    public PosDictionary(int maxWordsPerTag, long seed, int decayTotal) {
        if (maxWordsPerTag < 1) {
            throw new IllegalArgumentException("maxWordsPerTag must be >= 1, was " + maxWordsPerTag);
        }
        if (decayTotal < 2 || decayTotal > MAX_DECAY_TOTAL) {
            throw new IllegalArgumentException("decayTotal must be in [2, " + MAX_DECAY_TOTAL + "], was " + decayTotal);
        }
        this.maxWordsPerTag = maxWordsPerTag;
        this.decayTotal = decayTotal;
        this.rngState = seed;
    }

    public static PosDictionary from(AugmenterSettings settings, long seed) {
        return new PosDictionary(settings.posWordsPerTag(), seed);
    }

    /** Learns every plain word of {@code text} under its tag. */
    public void learn(TaggedText text) {
        for (int i = 0; i < text.size(); i++) {
            if (text.kind(i) == TokenKind.WORD) {
                observe(text.tag(i), text.word(i));
            }
        }
    }

    /**
     * Counts one sighting of {@code word} with {@code tag}.
     *
     * @return whether the word is in the dictionary afterwards (false when filtered out, or when the
     *     tag is full and the word did not displace another)
     */
    public boolean observe(String tag, String word) {
        Objects.requireNonNull(tag, "tag");
        Bucket bucket = buckets.get(tag);
        int slot = bucket == null ? -1 : bucket.slotOf(word);
        if (slot < 0 && !WordFilter.isWordLike(word)) { // words already in passed the filter when they came
            return false;
        }
        if (bucket == null) {
            bucket = new Bucket();
            buckets.put(tag, bucket);
        }
        boolean present = true;
        if (slot >= 0) {
            bucket.add(slot, 1);
        } else if (bucket.size < maxWordsPerTag) {
            bucket.append(word, 1);
        } else {
            int victim = rarestCandidate(bucket);
            if (bucket.counts[victim] <= 1) {
                bucket.replace(victim, word); // count stays 1
            } else {
                bucket.add(victim, -1);
                present = false;
            }
        }
        if (bucket.total > decayTotal) {
            bucket.halve();
        }
        return present;
    }

    /** A word of {@code tag} drawn proportionally to its count, or null if the tag has none. */
    public String sample(String tag, Random random) {
        Bucket bucket = buckets.get(tag);
        if (bucket == null || bucket.total == 0) {
            return null;
        }
        return bucket.words[bucket.slotAtCumulative(random.nextInt(bucket.total))];
    }

    /**
     * A word of {@code tag} other than {@code exclude}, drawn proportionally to its count, or null if
     * there is none. Excluding exactly, rather than re-drawing, keeps the replacement rate at p_pos.
     */
    public String sampleOther(String tag, String exclude, Random random) {
        Bucket bucket = buckets.get(tag);
        if (bucket == null) {
            return null;
        }
        int excluded = bucket.slotOf(exclude);
        if (excluded < 0) {
            return sample(tag, random);
        }
        int excludedCount = bucket.counts[excluded];
        int rest = bucket.total - excludedCount;
        if (rest <= 0) {
            return null;
        }
        int r = random.nextInt(rest);
        if (r >= bucket.prefix(excluded)) {
            r += excludedCount; // skip over the excluded word's share
        }
        return bucket.words[bucket.slotAtCumulative(r)];
    }

    public int size(String tag) {
        Bucket bucket = buckets.get(tag);
        return bucket == null ? 0 : bucket.size;
    }

    /** Distinct words over all tags (a word seen under two tags counts twice). */
    public int size() {
        int total = 0;
        for (Bucket bucket : buckets.values()) {
            total += bucket.size;
        }
        return total;
    }

    public boolean contains(String tag, String word) {
        return count(tag, word) > 0;
    }

    /** How often {@code word} was counted with {@code tag} (after aging), 0 if absent. */
    public int count(String tag, String word) {
        Bucket bucket = buckets.get(tag);
        if (bucket == null) {
            return 0;
        }
        int slot = bucket.slotOf(word);
        return slot < 0 ? 0 : bucket.counts[slot];
    }

    /** The words of {@code tag}, in storage order. */
    public List<String> words(String tag) {
        Bucket bucket = buckets.get(tag);
        return bucket == null ? List.of() : List.of(Arrays.copyOf(bucket.words, bucket.size));
    }

    public SortedSet<String> tags() {
        SortedSet<String> tags = new TreeSet<>();
        buckets.forEach((tag, bucket) -> {
            if (bucket.size > 0) {
                tags.add(tag);
            }
        });
        return Collections.unmodifiableSortedSet(tags);
    }

    public int maxWordsPerTag() {
        return maxWordsPerTag;
    }

    /**
     * A new dictionary holding both: counts of common words add up; where a tag overflows, the most
     * frequent words are kept (ties by word, for determinism). Takes this one's bounds and generator.
     */
    public PosDictionary merge(PosDictionary other) {
        PosDictionary merged = new PosDictionary(maxWordsPerTag, rngState, decayTotal);
        SortedSet<String> allTags = new TreeSet<>(buckets.keySet());
        allTags.addAll(other.buckets.keySet());
        for (String tag : allTags) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (Bucket bucket : new Bucket[] {buckets.get(tag), other.buckets.get(tag)}) {
                if (bucket != null) {
                    for (int i = 0; i < bucket.size; i++) {
                        counts.merge(bucket.words[i], (long) bucket.counts[i], Long::sum);
                    }
                }
            }
            merged.putAll(tag, keepMostFrequent(counts, maxWordsPerTag));
        }
        return merged;
    }

    private static Map<String, Long> keepMostFrequent(Map<String, Long> counts, int limit) {
        if (counts.size() <= limit) {
            return counts;
        }
        List<Map.Entry<String, Long>> ranked = new ArrayList<>(counts.entrySet());
        ranked.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> kept = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) { // keep storage order among survivors
            kept.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Long> dropped : ranked.subList(limit, ranked.size())) {
            kept.remove(dropped.getKey());
        }
        return kept;
    }

    /** Fills an empty tag, halving all counts as often as needed to fit under decayTotal. */
    private void putAll(String tag, Map<String, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        int shift = 0;
        while ((total >> shift) > decayTotal) {
            shift++;
        }
        Bucket bucket = new Bucket();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            bucket.append(e.getKey(), (int) Math.max(1, e.getValue() >> shift));
        }
        buckets.put(tag, bucket);
    }

    // ---- serialised form ----

    /**
     * Compact bytes for a state store: magic "PD", version, bounds, generator state, then per tag (sorted)
     * its words in storage order with their counts, all as varints and length-prefixed UTF-8.
     */
    public byte[] toBytes() {
        ByteWriter out = new ByteWriter();
        out.bytes(MAGIC);
        out.bytes(new byte[] {FORMAT_VERSION});
        out.varint(maxWordsPerTag);
        out.varint(decayTotal);
        out.fixedLong(rngState);
        SortedSet<String> tags = tags();
        out.varint(tags.size());
        for (String tag : tags) {
            Bucket bucket = buckets.get(tag);
            out.string(tag);
            out.varint(bucket.size);
            for (int i = 0; i < bucket.size; i++) {
                out.string(bucket.words[i]);
                out.varint(bucket.counts[i]);
            }
        }
        return out.toByteArray();
    }

    /** Reads {@link #toBytes()}'s form; throws IllegalArgumentException naming what is wrong. */
    public static PosDictionary fromBytes(byte[] bytes) {
        ByteReader in = new ByteReader(Objects.requireNonNull(bytes, "bytes"));
        if (in.readByte() != MAGIC[0] || in.readByte() != MAGIC[1]) {
            throw new IllegalArgumentException("not a serialised POS dictionary (bad magic)");
        }
        int version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported POS dictionary format version " + version);
        }
        int maxWords = in.varint();
        int decay = in.varint();
        PosDictionary dictionary = new PosDictionary(maxWords, in.fixedLong(), decay);
        int tagCount = in.varint();
        for (int t = 0; t < tagCount; t++) {
            String tag = in.string();
            int size = in.varint();
            if (size > maxWords) {
                throw new IllegalArgumentException("corrupt POS dictionary: tag " + tag + " holds " + size
                        + " words, more than its bound " + maxWords);
            }
            Bucket bucket = new Bucket();
            for (int i = 0; i < size; i++) {
                String word = in.string();
                int count = in.varint();
                if (count < 1 || bucket.slotOf(word) >= 0) {
                    throw new IllegalArgumentException("corrupt POS dictionary: word \"" + word + "\" of tag "
                            + tag + " is repeated or has count " + count);
                }
                bucket.append(word, count);
            }
            dictionary.buckets.put(tag, bucket);
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException("corrupt POS dictionary: trailing bytes");
        }
        return dictionary;
    }

    // ---- internals ----

    private int rarestCandidate(Bucket bucket) {
        int best = nextIndex(bucket.size);
        for (int k = 1; k < EVICTION_CANDIDATES; k++) {
            int candidate = nextIndex(bucket.size);
            if (bucket.counts[candidate] < bucket.counts[best]) {
                best = candidate;
            }
        }
        return best;
    }

    /** SplitMix64: tiny state (one long), so it serialises with the dictionary. */
    private int nextIndex(int bound) {
        long z = (rngState += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) (((z >>> 32) * bound) >>> 32);
    }

    /**
     * One tag's words, counts, and a Fenwick tree over the counts, so that weighted sampling and count
     * updates are both O(log n) however large the tag grows.
     */
    private static final class Bucket {
        private static final int INITIAL_CAPACITY = 16;

        String[] words = new String[INITIAL_CAPACITY];
        int[] counts = new int[INITIAL_CAPACITY];
        int[] tree = new int[INITIAL_CAPACITY + 1]; // 1-based Fenwick tree
        final Map<String, Integer> slots = new HashMap<>();
        int size;
        int total;

        int slotOf(String word) {
            Integer slot = slots.get(word);
            return slot == null ? -1 : slot;
        }

        void append(String word, int count) {
            if (size == words.length) {
                grow();
            }
            words[size] = word;
            slots.put(word, size);
            size++;
            add(size - 1, count);
        }

        void replace(int slot, String word) {
            slots.remove(words[slot]);
            words[slot] = word;
            slots.put(word, slot);
        }

        void add(int slot, int delta) {
            counts[slot] += delta;
            total += delta;
            for (int i = slot + 1; i < tree.length; i += i & -i) {
                tree[i] += delta;
            }
        }

        /** Sum of the counts of slots before {@code slot}. */
        int prefix(int slot) {
            int sum = 0;
            for (int i = slot; i > 0; i -= i & -i) {
                sum += tree[i];
            }
            return sum;
        }

        /** The slot whose cumulative count range holds {@code r}, for 0 <= r < total. */
        int slotAtCumulative(int r) {
            int position = 0;
            for (int step = Integer.highestOneBit(tree.length - 1); step > 0; step >>= 1) {
                int next = position + step;
                if (next < tree.length && tree[next] <= r) {
                    position = next;
                    r -= tree[next];
                }
            }
            return position; // Fenwick index position + 1 is slot position
        }

        void halve() {
            total = 0;
            for (int i = 0; i < size; i++) {
                counts[i] = Math.max(1, counts[i] / 2);
                total += counts[i];
            }
            rebuildTree();
        }

        private void grow() {
            int capacity = words.length * 2;
            words = Arrays.copyOf(words, capacity);
            counts = Arrays.copyOf(counts, capacity);
            tree = new int[capacity + 1];
            rebuildTree();
        }

        private void rebuildTree() {
            Arrays.fill(tree, 0);
            for (int i = 0; i < counts.length; i++) { // all of the capacity: upper nodes cover empty slots too
                int index = i + 1;
                tree[index] += counts[i];
                int parent = index + (index & -index);
                if (parent < tree.length) {
                    tree[parent] += tree[index];
                }
            }
        }
    }

    /** Varints and length-prefixed UTF-8 into a growing array. */
    private static final class ByteWriter {
        private byte[] buffer = new byte[256];
        private int length;

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buffer, length, b.length);
            length += b.length;
        }

        void varint(int value) {
            ensure(5);
            int v = value;
            while ((v & ~0x7F) != 0) {
                buffer[length++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buffer[length++] = (byte) v;
        }

        void fixedLong(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[length++] = (byte) (value >>> shift);
            }
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length);
            bytes(utf8);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, length);
        }

        private void ensure(int extra) {
            if (length + extra > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + extra));
            }
        }
    }

    private static final class ByteReader {
        private final byte[] bytes;
        private int position;

        ByteReader(byte[] bytes) {
            this.bytes = bytes;
        }

        int readByte() {
            if (position >= bytes.length) {
                throw new IllegalArgumentException("corrupt POS dictionary: truncated at byte " + position);
            }
            return bytes[position++];
        }

        int varint() {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = readByte();
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (value < 0) {
                        throw new IllegalArgumentException("corrupt POS dictionary: negative length or count");
                    }
                    return value;
                }
            }
            throw new IllegalArgumentException("corrupt POS dictionary: varint too long at byte " + position);
        }

        long fixedLong() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (readByte() & 0xFF);
            }
            return value;
        }

        String string() {
            int length = varint();
            if (length > bytes.length - position) {
                throw new IllegalArgumentException("corrupt POS dictionary: string runs past the end");
            }
            String s = new String(bytes, position, length, StandardCharsets.UTF_8);
            position += length;
            return s;
        }

        boolean atEnd() {
            return position == bytes.length;
        }
    }
}
