package io.distillery.teacher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherManifestTest {

    @TempDir
    Path bundle;

    @BeforeEach
    void files() throws IOException {
        Files.writeString(bundle.resolve("model.onnx"), "not really a model");
        Files.writeString(bundle.resolve("tokenizer.json"), "{}");
        new LinearHead(new float[][] {{1, 2}, {3, 4}}, new float[] {0, 1}).write(bundle.resolve("head.bin"));
    }

    private TeacherManifest valid() {
        TeacherManifest manifest = new TeacherManifest("uci-test", "sha256:pending", TeacherEngine.ONNX, "model.onnx",
                "tokenizer.json", List.of("negative", "positive"), 128, Pooling.MEAN, Optional.of("head.bin"), 2.0,
                List.of("input_ids", "attention_mask", "token_type_ids"));
        return manifest.withVersion(BundleVersion.compute(bundle, manifest));
    }

    private void writeManifest(String text) throws IOException {
        Files.writeString(bundle.resolve(TeacherManifest.FILE_NAME), text);
    }

    private String messageOf(Runnable read) {
        return assertThrows(InvalidBundleException.class, read::run).getMessage();
    }

    @Test
    void writtenManifestReadsBackEqual() {
        TeacherManifest manifest = valid();
        manifest.write(bundle);

        TeacherManifest read = TeacherManifest.read(bundle);

        assertEquals(manifest, read);
        BundleVersion.verify(bundle, read);
    }

    @Test
    void handWrittenTorchScriptManifestTakesDefaults() throws IOException {
        writeManifest("""
                id=exported-hf
                version=sha256:%s
                engine=torchscript
                model=model.onnx
                tokenizer=tokenizer.json
                labels=negative, positive
                max_length=64
                pooling=none
                temperature=2
                """.formatted("0".repeat(64)));

        TeacherManifest read = TeacherManifest.read(bundle);

        assertEquals(TeacherEngine.TORCHSCRIPT, read.engine());
        assertEquals(Optional.empty(), read.head());
        assertEquals(List.of("negative", "positive"), read.labels());
        assertEquals(TeacherManifest.DEFAULT_INPUTS, read.inputs());
    }

    @Test
    void directoryWithoutManifestSaysSo() {
        String message = messageOf(() -> TeacherManifest.read(bundle));
        assertTrue(message.contains("no teacher.properties"), message);
        assertTrue(message.contains(bundle.toString()), message);
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        writeManifest("""
                id=broken
                version=abc
                engine=tensorflow
                model=missing.onnx
                tokenizer=tokenizer.json
                labels=positive
                max_length=many
                pooling=mean
                temperature=-1
                colour=blue
                """);

        String message = messageOf(() -> TeacherManifest.read(bundle));

        for (String expected : List.of("version must be sha256", "unknown engine 'tensorflow'",
                "model file 'missing.onnx' does not exist", "labels needs at least two", "max_length: not a number",
                "a head file is needed", "temperature must be a positive number", "unknown key 'colour'")) {
            assertTrue(message.contains(expected), () -> "'" + expected + "' missing from: " + message);
        }
    }

    @Test
    void headWithLogitsModelIsRefused() throws IOException {
        valid().write(bundle);
        String text = Files.readString(bundle.resolve(TeacherManifest.FILE_NAME)).replace("pooling=mean", "pooling=none");
        writeManifest(text);

        assertTrue(messageOf(() -> TeacherManifest.read(bundle)).contains("there must be no head"));
    }

    @Test
    void filesOutsideTheBundleAreRefused() throws IOException {
        valid().write(bundle);
        String text = Files.readString(bundle.resolve(TeacherManifest.FILE_NAME))
                .replace("tokenizer=tokenizer.json", "tokenizer=../tokenizer.json");
        writeManifest(text);

        assertTrue(messageOf(() -> TeacherManifest.read(bundle)).contains("points outside the bundle"));
    }

    @Test
    void changedFileNoLongerMatchesTheVersion() throws IOException {
        TeacherManifest manifest = valid();
        manifest.write(bundle);
        Files.writeString(bundle.resolve("tokenizer.json"), "{\"changed\":true}");

        String message = messageOf(() -> BundleVersion.verify(bundle, TeacherManifest.read(bundle)));

        assertTrue(message.contains("files changed since the bundle was built"), message);
    }

    @Test
    void versionCoversEveryContentFile() throws IOException {
        TeacherManifest manifest = valid();
        String before = BundleVersion.compute(bundle, manifest);
        new LinearHead(new float[][] {{1, 2}, {3, 5}}, new float[] {0, 1}).write(bundle.resolve("head.bin"));

        assertTrue(before.matches("sha256:[0-9a-f]{64}"));
        assertTrue(!before.equals(BundleVersion.compute(bundle, manifest)), "the head is part of the version");
    }
}
