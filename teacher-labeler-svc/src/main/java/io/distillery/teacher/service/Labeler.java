package io.distillery.teacher.service;

import java.util.List;

/** Texts in, raw logits out, one array per text in order: the teacher as the loop sees it. */
@FunctionalInterface
public interface Labeler {

    List<float[]> label(List<String> texts) throws Exception;
}
