package io.distillery.datasets;

/** Which part of a labelled set a sentence belongs to; fixed once, never reshuffled. */
public enum Split {
    /** 70 %: teacher fitting and gold-label student baselines. */
    TRAIN,
    /** 10 %: model selection, checkpoint evaluation and promotion gates. */
    DEV,
    /** 20 %: reported accuracy only. */
    TEST
}
