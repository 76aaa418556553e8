package io.distillery.augmenter;

import java.util.List;
import java.util.Objects;

/**
 * One output of the augmenter: variant 0 is the original, 1..n the augmented copies.
 *
 * @param index      0 for the original, 1..n_iter for augmented variants, in generation order
 * @param text       normalised tokens joined by single spaces
 * @param operations the operations visible in this variant, each once, in the order applied
 */
public record Variant(int index, String text, List<Operation> operations) {
    public Variant {
        Objects.requireNonNull(text, "text");
        operations = List.copyOf(operations);
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
    }

    public boolean isOriginal() {
        return index == 0;
    }
}
