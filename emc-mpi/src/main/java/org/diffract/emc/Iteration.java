package org.diffract.emc;

/** What {@link EmcEngine#iterate} returns: the new state, the log line's numbers and per-frame results. */
public record Iteration(EmcState state, IterationStats stats, FrameResults frames) {}
