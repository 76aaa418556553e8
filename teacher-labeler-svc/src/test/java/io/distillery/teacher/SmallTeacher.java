package io.distillery.teacher;

import java.io.IOException;
import java.nio.file.Path;

/** A small real teacher bundle (MiniLM-L6 int8 + a fixed random head) for the service's tests. */
public final class SmallTeacher {

    private SmallTeacher() {
    }

    /** Builds the bundle in {@code dir}: two labels (negative, positive), max_length 64, temperature 2. */
    public static Path build(Path dir) throws IOException {
        return TestBundles.miniLm(dir, TestBundles.randomHead(2, 384, 7), 64);
    }
}
