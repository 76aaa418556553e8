package io.distillery.datasets;

/**
 * One human-labelled sentence.
 *
 * @param id     stable id, e.g. {@code uci-yelp-17} (the 17th Yelp sentence of the release)
 * @param source where the sentence comes from ({@code amazon}, {@code imdb}, {@code yelp})
 * @param text   the sentence
 * @param label  its gold label, one of {@link UciSentiment#LABELS}
 */
public record LabelledSentence(String id, String source, String text, String label) {
}
