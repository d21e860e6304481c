package dev.localbuild.buildspec;

/**
 * Something in a buildspec that CodeBuild accepts but that is probably a mistake; the build goes
 * on.
 *
 * @param line 1-based line in the buildspec, 0 when unknown
 * @param path the key path, e.g. {@code artifacts.discard_paths}
 * @param message what is wrong, in words
 */
public record BuildspecWarning(int line, String path, String message) {}
