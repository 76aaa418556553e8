package io.distillery.trainer;

import io.distillery.schemas.PartitionOffset;
import io.distillery.schemas.TrainingPosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How far training has got: optimiser steps, examples trained on, and per input partition the
 * next offset whose record is not yet in the weights. A record counts once it has been trained on
 * (or dead-lettered, so a resumed trainer does not stop at it again); records must be passed in
 * partition order, and an offset never moves backwards. What a checkpoint's
 * {@link TrainingPosition} holds.
 */
public final class Position {

    /** Topic and partition, ordered for a stable encoding. */
    public record Partition(String topic, int partition) implements Comparable<Partition> {
        @Override
        public int compareTo(Partition o) {
            int c = topic.compareTo(o.topic);
            return c != 0 ? c : Integer.compare(partition, o.partition);
        }
    }

    private final TreeMap<Partition, Long> next = new TreeMap<>();
    private long steps;
    private long examples;
    private Long maxEventTime;

    public static Position empty() {
        return new Position();
    }

    public static Position fromAvro(TrainingPosition avro) {
        Position p = new Position();
        p.steps = avro.getSteps();
        p.examples = avro.getExamples();
        for (PartitionOffset o : avro.getOffsets()) {
            p.next.put(new Partition(o.getTopic().toString(), o.getPartition()), o.getOffset());
        }
        p.maxEventTime = avro.getMaxEventTime() == null ? null : avro.getMaxEventTime().toEpochMilli();
        return p;
    }

    /** An example went into an optimiser step. */
    public void trained(Example example) {
        advance(example.topic(), example.partition(), example.offset());
        examples++;
        if (maxEventTime == null || example.eventTime() > maxEventTime) {
            maxEventTime = example.eventTime();
        }
    }

    /** A record that will never be trained on (dead-lettered) was passed. */
    public void skipped(String topic, int partition, long offset) {
        advance(topic, partition, offset);
    }

    public void stepped() {
        steps++;
    }

    private void advance(String topic, int partition, long offset) {
        Objects.requireNonNull(topic, "topic");
        next.merge(new Partition(topic, partition), offset + 1, Math::max);
    }

    public long steps() {
        return steps;
    }

    public long examples() {
        return examples;
    }

    /** The next offset to read per partition (partitions never seen are absent: read them from the start). */
    public Map<Partition, Long> nextOffsets() {
        return new TreeMap<>(next);
    }

    public Long maxEventTime() {
        return maxEventTime;
    }

    public TrainingPosition toAvro() {
        List<PartitionOffset> offsets = new ArrayList<>();
        next.forEach((p, o) -> offsets.add(PartitionOffset.newBuilder().setTopic(p.topic()).setPartition(p.partition())
                .setOffset(o).build()));
        return TrainingPosition.newBuilder().setSteps(steps).setExamples(examples).setOffsets(offsets)
                .setMaxEventTime(maxEventTime == null ? null : Instant.ofEpochMilli(maxEventTime)).build();
    }

    @Override
    public String toString() {
        return "steps " + steps + ", examples " + examples + ", next " + next;
    }
}
