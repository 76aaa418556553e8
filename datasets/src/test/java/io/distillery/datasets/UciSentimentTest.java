package io.distillery.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class UciSentimentTest {

    @Test
    void theReleaseIsComplete() {
        List<LabelledSentence> all = UciSentiment.all();
        assertEquals(3000, all.size());
        Map<String, Long> perSource = all.stream().collect(Collectors.groupingBy(LabelledSentence::source, Collectors.counting()));
        assertEquals(Map.of("amazon", 1000L, "imdb", 1000L, "yelp", 1000L), perSource);
        assertEquals(1500, all.stream().filter(s -> s.label().equals("positive")).count());
        assertTrue(all.stream().allMatch(s -> UciSentiment.LABELS.contains(s.label()) && !s.text().isBlank()));
        assertEquals(3000, all.stream().map(LabelledSentence::id).distinct().count(), "ids are unique");
    }

    @Test
    void splitsPartitionTheSetRoughlySeventyTenTwenty() {
        Map<Split, List<LabelledSentence>> bySplit = Arrays.stream(Split.values())
                .collect(Collectors.toMap(s -> s, UciSentiment::split));
        assertEquals(3000, bySplit.values().stream().mapToInt(List::size).sum());
        assertWithin(2100, bySplit.get(Split.TRAIN).size(), 75);
        assertWithin(300, bySplit.get(Split.DEV).size(), 45);
        assertWithin(600, bySplit.get(Split.TEST).size(), 60);
        for (List<LabelledSentence> part : bySplit.values()) {
            double positive = part.stream().filter(s -> s.label().equals("positive")).count() / (double) part.size();
            assertTrue(positive > 0.42 && positive < 0.58, "labels stay balanced: " + positive);
        }
    }

    @Test
    void noTestSentenceIsAlsoATrainingSentence() {
        Set<String> train = UciSentiment.split(Split.TRAIN).stream().map(LabelledSentence::text).collect(Collectors.toSet());
        assertTrue(UciSentiment.split(Split.TEST).stream().noneMatch(s -> train.contains(s.text())));
        assertTrue(UciSentiment.split(Split.DEV).stream().noneMatch(s -> train.contains(s.text())));
    }

    @Test
    void theSplitIsPinned() {
        // If these change, accuracies reported before stop being comparable with new ones.
        assertEquals(List.of(2097, 310, 593), Arrays.stream(Split.values()).map(s -> UciSentiment.split(s).size()).toList());
        assertEquals("uci-amazon-1", UciSentiment.split(Split.TRAIN).get(0).id());
        assertEquals("uci-amazon-2", UciSentiment.split(Split.DEV).get(0).id());
        assertEquals("uci-amazon-6", UciSentiment.split(Split.TEST).get(0).id());
    }

    private static void assertWithin(int expected, int actual, int tolerance) {
        assertTrue(Math.abs(expected - actual) <= tolerance, "expected " + expected + " ± " + tolerance + ", got " + actual);
    }
}
