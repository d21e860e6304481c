package dev.localbuild.agent.build;

/**
 * An order that cannot make a build. It names the order's field, so that each front-end can word it
 * for its user: the command line names its flag, the API its request member.
 */
public final class OrderException extends Exception {
  private final String field;

  /**
   * @param field the {@link BuildOrder} component at fault, in StartBuild's terms (e.g. {@code
   *     sourceVersion}, {@code project})
   * @param message what is wrong, without the field's name
   */
  public OrderException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The order's field at fault. */
  public String field() {
    return field;
  }
}
