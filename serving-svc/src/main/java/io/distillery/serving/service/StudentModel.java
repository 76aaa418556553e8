package io.distillery.serving.service;

import io.distillery.datasets.LabelledSentence;
import io.distillery.schemas.StudentCheckpoint;
import io.distillery.serving.Scored;
import io.distillery.student.CheckpointCodec;
import io.distillery.student.QuickTraining;
import io.distillery.student.Student;
import io.distillery.student.StudentTokenizer;
import java.util.ArrayList;
import java.util.List;

/** A decoded checkpoint, warmed up and ready to answer: texts in, {@link Scored} answers out. */
public final class StudentModel implements AutoCloseable {

    private static final List<String> WARM_UP = List.of("warming up", "a second, longer sentence to warm up the network");

    private final String id;
    private final Student student;

    private StudentModel(String id, Student student) {
        this.id = id;
        this.student = student;
    }

    /**
     * Decodes (CheckpointCodec refuses corrupt, incompatible or tampered checkpoints with an
     * InvalidCheckpointException) and runs one batch, so the first real request pays no warm-up.
     */
    public static StudentModel load(StudentCheckpoint checkpoint, StudentTokenizer tokenizer) {
        Student student = CheckpointCodec.decode(checkpoint, tokenizer);
        try {
            student.probabilities(WARM_UP);
            return new StudentModel(checkpoint.getId(), student);
        } catch (RuntimeException e) {
            student.close();
            throw e;
        }
    }

    public String id() {
        return id;
    }

    public List<String> labels() {
        return student.labels();
    }

    public List<Scored> predict(List<String> texts) {
        float[][] probabilities = student.probabilities(texts);
        List<Scored> out = new ArrayList<>(probabilities.length);
        for (float[] row : probabilities) {
            out.add(Scored.of(student.labels(), row));
        }
        return out;
    }

    /** Accuracy on gold sentences whose label this student knows. */
    public double accuracy(List<LabelledSentence> gold) {
        List<LabelledSentence> known = gold.stream().filter(s -> student.labels().contains(s.label())).toList();
        int[] labels = known.stream().mapToInt(s -> student.labels().indexOf(s.label())).toArray();
        return QuickTraining.accuracy(student, known.stream().map(LabelledSentence::text).toList(), labels, 64);
    }

    @Override
    public void close() {
        student.close();
    }

    @Override
    public String toString() {
        return "student " + id;
    }
}
