package io.distillery.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The UCI Sentiment Labelled Sentences (Kotzias et al. 2015, CC BY 4.0; see ATTRIBUTION.md):
 * 3,000 sentences from Amazon, IMDB and Yelp reviews, half positive, half negative.
 *
 * <p>The split is a function of the sentence text alone (its SHA-256), so it never changes
 * between runs, machines or releases, and the few sentences that occur twice always land in
 * the same split: no test sentence is ever trained on.
 */
public final class UciSentiment {

    /** Class names in the order every model of Distillery uses for its outputs. */
    public static final List<String> LABELS = List.of("negative", "positive");

    private static final String RESOURCE = "/io/distillery/datasets/uci-sentiment.tsv";
    private static final int TRAIN_PERCENT = 70;
    private static final int DEV_PERCENT = 10;

    private UciSentiment() {
    }

    /** All 3,000 sentences, in file order. */
    public static List<LabelledSentence> all() {
        List<LabelledSentence> sentences = new ArrayList<>();
        Map<String, Integer> perSource = new HashMap<>();
        try (InputStream in = UciSentiment.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] fields = line.split("\t", 3);
                String source = fields[0];
                int index = perSource.merge(source, 1, Integer::sum);
                sentences.add(new LabelledSentence("uci-" + source + "-" + index, source, fields[2], fields[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sentences;
    }

    /** The sentences of one split. */
    public static List<LabelledSentence> split(Split split) {
        return all().stream().filter(s -> splitOf(s.text()) == split).toList();
    }

    /** The split a sentence belongs to, from the first bytes of the SHA-256 of its text. */
    public static Split splitOf(String text) {
        int bucket = Math.floorMod(java.nio.ByteBuffer.wrap(sha256(text)).getInt(), 100);
        if (bucket < TRAIN_PERCENT) {
            return Split.TRAIN;
        }
        return bucket < TRAIN_PERCENT + DEV_PERCENT ? Split.DEV : Split.TEST;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
