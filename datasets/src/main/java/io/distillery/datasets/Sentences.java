package io.distillery.datasets;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sentence splitting and de-duplication for unlabelled corpora. Pure and deterministic: the same
 * input always gives the same sentences in the same order.
 *
 * <p>Splitting: at line breaks, then after {@code .}, {@code !} or {@code ?} (optionally followed by
 * closing quotes or brackets) when whitespace and an upper-case letter, a digit or an opening quote
 * follow. Lower-case continuations are not split, so abbreviations in running text ("e.g. this",
 * "j . r . r . tolkien") stay whole; corpora that are lower-cased and pre-split one sentence a line
 * (Pang &amp; Lee's) are split by their lines.
 */
public final class Sentences {

    private static final Pattern BOUNDARY = Pattern.compile("(?<=[.!?][\"')\\]]?)\\s+(?=[\\p{Lu}\\d\"'(\\[])");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private Sentences() {
    }

    /** The sentences of a text, whitespace collapsed, empty ones dropped, in order. */
    public static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        for (String line : text.split("\\R")) {
            for (String part : BOUNDARY.split(line)) {
                String sentence = SPACES.matcher(part).replaceAll(" ").strip();
                if (!sentence.isEmpty()) {
                    sentences.add(sentence);
                }
            }
        }
        return sentences;
    }

    /** The key two sentences are duplicates under: lower case, whitespace collapsed. */
    public static String dedupKey(String sentence) {
        return SPACES.matcher(sentence.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }

    /** Keeps the first occurrence of each {@link #dedupKey}, in order. */
    public static List<String> dedup(List<String> sentences) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> kept = new ArrayList<>();
        for (String sentence : sentences) {
            if (seen.add(dedupKey(sentence))) {
                kept.add(sentence);
            }
        }
        return kept;
    }

    /** Number of whitespace-separated tokens. */
    public static int tokenCount(String sentence) {
        String stripped = sentence.strip();
        return stripped.isEmpty() ? 0 : SPACES.split(stripped).length;
    }
}
