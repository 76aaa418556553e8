package io.distillery.student;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import java.util.ArrayList;
import java.util.List;

/**
 * An exponential moving average of a training student's weights (Polyak averaging), kept as a
 * second student that can be evaluated and checkpointed like any other. At a fixed learning rate
 * the trained weights keep hopping around a minimum; their average sits nearer its centre, which
 * usually generalises better and needs no decay schedule.
 *
 * <p>{@link #update} after each optimiser step: {@code average ← d·average + (1−d)·weights}, where
 * {@code d = min(decay, (1 + n) / (10 + n))} after {@code n} updates, so the first few steps
 * (where the average would mostly remember the random start) move it quickly. Not thread-safe,
 * like the {@link TrainingSession} it follows.
 */
public final class WeightAverage implements AutoCloseable {

    private final Student averaged;
    private final List<NDArray> live = new ArrayList<>();
    private final List<NDArray> average = new ArrayList<>();
    private final NDManager liveManager;
    private final float decay;
    private long updates;

    /**
     * @param student the student being trained; the average starts at its current weights
     * @param decay   in (0, 1): the weight of the old average at each update (0.999 ≈ the last 1,000 steps)
     */
    public WeightAverage(Student student, float decay) throws MalformedModelException {
        if (!(decay > 0f && decay < 1f)) {
            throw new IllegalArgumentException("decay must be in (0, 1), was " + decay);
        }
        this.decay = decay;
        this.liveManager = student.manager();
        this.averaged = Student.load(student.architecture(), student.labels(), student.tokenizer(), student.weights());
        ParameterList from = student.block().getParameters();
        ParameterList to = averaged.block().getParameters();
        for (int i = 0; i < from.size(); i++) {
            live.add(from.get(i).getValue().getArray());
            average.add(to.get(i).getValue().getArray());
        }
    }

    /** Folds the student's current weights into the average. */
    public void update() {
        float d = Math.min(decay, (1f + updates) / (10f + updates));
        try (NoGrad noGrad = NoGrad.enter(); NDManager scope = liveManager.newSubManager()) {
            for (int i = 0; i < live.size(); i++) {
                NDArray step = live.get(i).sub(average.get(i));
                step.attach(scope);
                average.get(i).addi(step.muli(1f - d));
            }
        }
        updates++;
    }

    /** The averaged weights as a student (owned by this average: do not close it). */
    public Student student() {
        return averaged;
    }

    public long updates() {
        return updates;
    }

    @Override
    public void close() {
        averaged.close();
    }
}
