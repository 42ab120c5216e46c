package org.diffract.refine.xtal;

/** {@code diffract refine postrefine}: the xtal stage in prime's mode (registered for the ServiceLoader). */
public final class XtalPostrefineStage extends XtalStage {
    public XtalPostrefineStage() {
        super(Mode.POSTREFINE);
    }
}
