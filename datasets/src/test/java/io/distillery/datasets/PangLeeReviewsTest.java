package io.distillery.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    /**
     * Runs where Debian's python3-pattern is installed (the bench installs it; never committed):
     * the 1,500 full reviews and the 4,000 Rotten Tomatoes snippets (a few split in two sentences).
     */
    @ParameterizedTest
    @CsvSource({"pang-lee-reviews, " + PangLeeReviews.REVIEWS_FILE + ", 1500, 30000",
                "pang-lee-snippets, " + PangLeeReviews.SNIPPETS_FILE + ", 4000, 3500"})
    void theInstalledCorpusHoldsItsRecordsSplitIntoDistinctSentences(String corpus, String fileName, int records,
                                                                      int moreSentencesThan) {
        Path file = installed(fileName);
        List<String> texts = PangLeeReviews.reviews(file);
        List<String> sentences = PangLeeReviews.sentences(file, PangLeeReviews.DEFAULT_MIN_TOKENS, PangLeeReviews.DEFAULT_MAX_TOKENS);
        System.out.printf("{\"corpus\":\"%s\",\"records\":%d,\"sentences\":%d}%n", corpus, texts.size(), sentences.size());
        assertEquals(records, texts.size());
        assertTrue(sentences.size() > moreSentencesThan, sentences.size() + " sentences");
        assertEquals(sentences.size(), Sentences.dedup(sentences).size());
        assertFalse(sentences.stream().anyMatch(s -> s.equals("1") || s.equals("-1")), "a label leaked into the text");
    }

    private static Path installed(String corpusFile) {
        DebianPackage pkg = new DebianPackage(PangLeeReviews.PACKAGE);
        assumeTrue(pkg.isInstalled(), "Debian package python3-pattern is not installed: skipped"
                + " (apt-get install python3-pattern, or run ./distillery bench quality, which installs it)");
        return pkg.find(Path.of("/"), "/" + corpusFile);
    }
}
