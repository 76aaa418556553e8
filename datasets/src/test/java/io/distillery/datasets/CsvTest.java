package io.distillery.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void quotedFieldsKeepCommasLineBreaksAndDoubledQuotes() {
        String csv = "\uFEFF\"1\",\"a \"\"quoted\"\" word, then\na second line\"\r\n\"-1\",plain\n";
        assertEquals(List.of(List.of("1", "a \"quoted\" word, then\na second line"), List.of("-1", "plain")),
                Csv.parse(csv));
    }

    @Test
    void emptyFieldsAndMissingFinalLineBreak() {
        assertEquals(List.of(List.of("a", "", "c"), List.of("", "x")), Csv.parse("a,,c\n,x"));
    }

    @Test
    void blankLinesAreNotRecords() {
        assertEquals(List.of(List.of("a"), List.of("b")), Csv.parse("a\n\nb\n"));
    }

    @Test
    void unterminatedQuoteIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Csv.parse("\"open,field\n"));
    }
}
