package io.pgha.chaos;

/**
 * One fault: when it was injected, when it was healed, when the cluster was whole again (or -1 if
 * it was not within the bound), the victim and what happened.
 */
record NemesisOp(
    Fault fault,
    String victim,
    long startNanos,
    long healNanos,
    long convergedNanos,
    String note) {}
