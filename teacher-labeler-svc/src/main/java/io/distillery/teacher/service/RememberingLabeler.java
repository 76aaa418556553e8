package io.distillery.teacher.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Asks the teacher once per input it sees: a text that tokenizes to ids the teacher labelled
 * recently gets those logits again without a call. They are the teacher's own answer to that
 * input (an int8 teacher's logits move slightly with their batch mates, since dynamic quantization
 * scales activations per batch; a second call would differ by that much, no more). What repeats is
 * mostly one text twice: serving escalates a raw text whose original the augmenter has also sent
 * (its normalised form, which the teacher's tokenizer usually reads as the same ids: case, spacing
 * around punctuation), and texts that recur in the stream. Keyed by token ids after truncation,
 * not by characters, so a hit is exactly the input the model would have seen.
 *
 * <p>Holds the most recently used {@code capacity} inputs. Used by the loop's inference thread only.
 */
public final class RememberingLabeler implements Labeler {

    /** Token ids as a map key. */
    private record Input(int[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Input other && Arrays.equals(ids, other.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }

    private final Labeler teacher;
    private final Function<String, int[]> tokenIds;
    private final Map<Input, float[]> recent;
    private final AtomicLong remembered = new AtomicLong();

    /**
     * @param teacher  the labeler asked for inputs not held
     * @param tokenIds the ids the teacher's model sees for a text (its tokenizer, with truncation)
     * @param capacity inputs held, least recently used dropped first; at least 1
     */
    public RememberingLabeler(Labeler teacher, Function<String, int[]> tokenIds, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a RememberingLabeler holds at least 1 input, not " + capacity);
        }
        this.teacher = Objects.requireNonNull(teacher);
        this.tokenIds = Objects.requireNonNull(tokenIds);
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Input, float[]> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public List<float[]> label(List<String> texts) throws Exception {
        List<float[]> out = new ArrayList<>(texts.size());
        // Inputs not held, each once, with the positions that want it (a batch may repeat one too).
        Map<Input, List<Integer>> missing = new LinkedHashMap<>();
        List<String> toLabel = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            Input input = new Input(tokenIds.apply(texts.get(i)));
            float[] held = recent.get(input);
            out.add(held == null ? null : held.clone());
            if (held != null) {
                remembered.incrementAndGet();
            } else {
                List<Integer> positions = missing.get(input);
                if (positions == null) {
                    missing.put(input, positions = new ArrayList<>(1));
                    toLabel.add(texts.get(i));
                } else {
                    remembered.incrementAndGet();
                }
                positions.add(i);
            }
        }
        if (toLabel.isEmpty()) {
            return out;
        }
        List<float[]> logits = teacher.label(toLabel);
        if (logits.size() != toLabel.size()) {
            throw new IllegalStateException("the teacher returned " + logits.size() + " results for " + toLabel.size() + " texts");
        }
        int next = 0;
        for (Map.Entry<Input, List<Integer>> entry : missing.entrySet()) {
            float[] answer = logits.get(next++);
            recent.put(entry.getKey(), answer.clone());
            for (int position : entry.getValue()) {
                out.set(position, answer.clone());
            }
        }
        return out;
    }

    /** Texts answered without a teacher call so far. */
    public long remembered() {
        return remembered.get();
    }
}
