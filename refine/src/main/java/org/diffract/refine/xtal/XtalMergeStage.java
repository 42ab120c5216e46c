package org.diffract.refine.xtal;

/** {@code diffract refine merge}: the xtal stage in cxi.merge's mode (registered for the ServiceLoader). */
public final class XtalMergeStage extends XtalStage {
    public XtalMergeStage() {
        super(Mode.MERGE);
    }
}
