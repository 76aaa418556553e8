package io.distillery.augmenter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * One draw of Tang et al.'s synthetic-example procedure, with no de-duplication: per token, one
 * uniform draw picks mask ({@code u < p_mask}), same-POS replacement ({@code u < p_mask + p_pos}) or
 * keep; then, with probability p_ng, n-gram sampling with n uniform in 1..max_ngram.
 *
 * <p>Departures from the seed's code, each deliberate: n is capped at length - 1 so that sampling
 * always changes the text (the seed caps too, but then also never lets the n-gram end on the last
 * token: an off-by-one we do not copy); POS replacement never returns the word it replaces (an exact
 * exclusion, so the observable replacement rate is p_pos), and never touches special tokens.
 *
 * <p>Pure: the only state read is the dictionary, the only randomness the given {@link Random}.
 */
public final class VariantSampler {

    private static final byte KEPT = 0;
    private static final byte MASKED = 1;
    private static final byte REPLACED = 2;
    private static final byte NGRAM_MASKED = 3;

    private final AugmenterSettings settings;
    private final PosDictionary dictionary;

    public VariantSampler(AugmenterSettings settings, PosDictionary dictionary) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.dictionary = Objects.requireNonNull(dictionary, "dictionary");
    }

    /** One synthetic example from {@code text}; its operations are empty when nothing changed. */
    public Sample draw(TaggedText text, Random random) {
        int n = text.size();
        String mask = settings.maskToken();
        double pMask = settings.pMask();
        double pMaskOrPos = pMask + settings.pPos();
        String[] out = new String[n];
        byte[] applied = new byte[n];

        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            String word = text.word(i);
            out[i] = word;
            if (u < pMask) {
                out[i] = mask;
                applied[i] = MASKED;
            } else if (u < pMaskOrPos && !text.kind(i).isSpecial()) {
                String replacement = dictionary.sampleOther(text.tag(i), word, random);
                if (replacement != null) {
                    out[i] = replacement;
                    applied[i] = REPLACED;
                }
            }
        }

        int from = 0;
        int to = n;
        boolean sampled = false;
        if (n >= 2 && random.nextDouble() < settings.pNgram()) {
            int length = Math.min(1 + random.nextInt(settings.maxNgram()), n - 1);
            int start = random.nextInt(n - length + 1);
            if (settings.ngramMode() == NgramMode.SAMPLE) {
                from = start;
                to = start + length;
                sampled = true;
            } else {
                for (int k = start; k < start + length; k++) {
                    if (applied[k] != MASKED) { // a token masked already stays credited to MASK
                        out[k] = mask;
                        applied[k] = NGRAM_MASKED;
                    }
                }
            }
        }
        return new Sample(Arrays.copyOfRange(out, from, to), operations(applied, from, to, sampled));
    }

    /** The operations visible in out[from, to), each once, in the order they were applied. */
    private static List<Operation> operations(byte[] applied, int from, int to, boolean sampled) {
        List<Operation> operations = new ArrayList<>(3);
        boolean ngramMasked = false;
        for (int k = from; k < to; k++) {
            switch (applied[k]) {
                case MASKED -> addOnce(operations, Operation.MASK);
                case REPLACED -> addOnce(operations, Operation.POS_REPLACE);
                case NGRAM_MASKED -> ngramMasked = true;
                default -> { }
            }
        }
        if (ngramMasked) {
            operations.add(Operation.NGRAM_MASK);
        }
        if (sampled) {
            operations.add(Operation.NGRAM_SAMPLE);
        }
        return operations;
    }

    private static void addOnce(List<Operation> operations, Operation operation) {
        if (!operations.contains(operation)) {
            operations.add(operation);
        }
    }

    /**
     * One synthetic example.
     *
     * @param tokens     its tokens; the array is the caller's, not copied
     * @param operations what changed, in the order applied; empty when nothing did
     */
    public record Sample(String[] tokens, List<Operation> operations) {
        public String text() {
            return String.join(" ", tokens);
        }

        public boolean isUnchanged() {
            return operations.isEmpty();
        }
    }
}
