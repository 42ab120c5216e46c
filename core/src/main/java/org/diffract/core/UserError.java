package org.diffract.core;

/**
 * A problem with the user's input (missing file, wrong shape, bad config value): reported as one line
 * naming the file and the fix, with a non-zero exit and no stack trace.
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(message, 2, null);
    }

    public UserError(String message, Throwable cause) {
        this(message, 2, cause);
    }

    public UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
