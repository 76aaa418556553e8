package io.distillery.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PangLeeReviewsTest {

    @Test
    void labelsAreDroppedAndSentencesSplitFilteredAndDeduplicated(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("reviews.csv");
        Files.writeString(csv, "\uFEFF\"1\",\"the film is a \"\" tour de force \"\" . \nok .\nthe cast is great . \n\"\n"
                + "\"-1\",\"The cast is  great .\nit drags on and on and on .\n\"\n");
        assertEquals(List.of("1", "-1").size(), PangLeeReviews.reviews(csv).size());
        assertEquals(List.of("the film is a \" tour de force \" .", "the cast is great .", "it drags on and on and on ."),
                PangLeeReviews.sentences(csv, 3, 60));
        assertEquals(List.of("the cast is great ."), PangLeeReviews.sentences(csv, 3, 5));
    }

    /** Runs where Debian's python3-pattern is installed (the bench installs it; never committed). */
    @Test
    void theInstalledCorpusHoldsTensOfThousandsOfReviewSentences() {
        Path file = installed(PangLeeReviews.REVIEWS_FILE);
        List<String> reviews = PangLeeReviews.reviews(file);
        List<String> sentences = PangLeeReviews.sentences(file, PangLeeReviews.DEFAULT_MIN_TOKENS, PangLeeReviews.DEFAULT_MAX_TOKENS);
        System.out.printf("{\"corpus\":\"pang-lee-reviews\",\"reviews\":%d,\"sentences\":%d}%n", reviews.size(), sentences.size());
        assertEquals(1500, reviews.size());
        assertTrue(sentences.size() > 30_000, sentences.size() + " sentences");
        assertEquals(sentences.size(), Sentences.dedup(sentences).size());
        assertFalse(sentences.stream().anyMatch(s -> s.equals("1") || s.equals("-1")), "a label leaked into the text");
    }

    /** The 4,000 Rotten Tomatoes snippets (a few split in two sentences), no label in the text. */
    @Test
    void theInstalledCorpusHoldsTheRottenTomatoesSnippets() {
        Path file = installed(PangLeeReviews.SNIPPETS_FILE);
        List<String> records = PangLeeReviews.reviews(file);
        List<String> sentences = PangLeeReviews.sentences(file, PangLeeReviews.DEFAULT_MIN_TOKENS, PangLeeReviews.DEFAULT_MAX_TOKENS);
        System.out.printf("{\"corpus\":\"pang-lee-snippets\",\"records\":%d,\"sentences\":%d}%n", records.size(), sentences.size());
        assertEquals(4000, records.size());
        assertTrue(sentences.size() > 3_500, sentences.size() + " sentences");
        assertFalse(sentences.stream().anyMatch(s -> s.equals("1") || s.equals("-1")), "a label leaked into the text");
    }

    private static Path installed(String corpusFile) {
        DebianPackage pkg = new DebianPackage(PangLeeReviews.PACKAGE);
        assumeTrue(pkg.isInstalled(), "Debian package python3-pattern is not installed: skipped"
                + " (apt-get install python3-pattern, or run ./distillery bench quality, which installs it)");
        return pkg.find(Path.of("/"), "/" + corpusFile);
    }
}
