package io.distillery.datasets;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: fields separated by commas, optionally quoted with {@code "}, a quote inside a quoted
 * field doubled ({@code ""}), line breaks allowed inside quotes, records ending at CRLF or LF. A
 * leading byte-order mark is skipped. Pure.
 */
final class Csv {

    private Csv() {
    }

    static List<List<String>> parse(String content) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldStarted = false;
        int i = content.startsWith("\uFEFF") ? 1 : 0;
        int n = content.length();
        while (i < n) {
            char c = content.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && content.charAt(i + 1) == '"') {
                        field.append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (field.length() == 0) {
                        quoted = true;
                    } else {
                        field.append(c); // a stray quote inside an unquoted field is kept as text
                    }
                    fieldStarted = true;
                }
                case ',' -> {
                    record.add(field.toString());
                    field.setLength(0);
                    fieldStarted = true;
                }
                case '\r', '\n' -> {
                    if (fieldStarted || field.length() > 0 || !record.isEmpty()) {
                        record.add(field.toString());
                        records.add(record);
                    }
                    record = new ArrayList<>();
                    field.setLength(0);
                    fieldStarted = false;
                    if (c == '\r' && i + 1 < n && content.charAt(i + 1) == '\n') {
                        i++;
                    }
                }
                default -> {
                    field.append(c);
                    fieldStarted = true;
                }
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field at the end of the CSV");
        }
        if (fieldStarted || field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
