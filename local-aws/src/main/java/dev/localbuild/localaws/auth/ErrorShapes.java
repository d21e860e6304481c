package dev.localbuild.localaws.auth;

/**
 * How each AWS protocol words a refused signature, as the services answer: the JSON services (SSM,
 * Secrets Manager, ECR, ECS) with {@code __type} and {@code message}, STS's query protocol with an
 * {@code ErrorResponse}, S3 with its {@code Error} document. The codes are the ones SDKs and the
 * CLI turn into exception names ({@code MissingAuthenticationTokenException}, {@code
 * InvalidSignatureException}, {@code SignatureDoesNotMatch}, {@code AccessDenied}...), and the
 * expired-signature text is AWS's ("Signature expired: X is now earlier than Y (Z - 5 min.)").
 */
public final class ErrorShapes {
  private ErrorShapes() {}

  /** An error answer. */
  public record Shape(int status, String code, String message) {}

  static final String MISMATCH =
      "The request signature we calculated does not match the signature you provided. Check your"
          + " AWS Secret Access Key and signing method. Consult the service documentation for"
          + " details.";

  /** The JSON protocol's answer (SSM, Secrets Manager, ECR, ECS). */
  public static Shape json(AuthFailure f) {
    return switch (f.kind()) {
      case MISSING ->
          new Shape(400, "MissingAuthenticationTokenException", "Missing Authentication Token");
      case MALFORMED -> new Shape(400, "IncompleteSignatureException", f.detail());
      case UNKNOWN_KEY, BAD_TOKEN ->
          new Shape(
              400,
              "UnrecognizedClientException",
              "The security token included in the request is invalid.");
      case EXPIRED_TOKEN ->
          new Shape(
              400,
              "ExpiredTokenException",
              "The security token included in the request is expired");
      case BAD_SIGNATURE -> new Shape(400, "InvalidSignatureException", MISMATCH);
      case STALE, PRESIGN_EXPIRED ->
          new Shape(400, "InvalidSignatureException", "Signature expired: " + f.detail());
    };
  }

  /** The query protocol's answer (STS). */
  public static Shape query(AuthFailure f) {
    return switch (f.kind()) {
      case MISSING ->
          new Shape(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
      case MALFORMED -> new Shape(400, "IncompleteSignature", f.detail());
      case UNKNOWN_KEY, BAD_TOKEN ->
          new Shape(
              403,
              "InvalidClientTokenId",
              "The security token included in the request is invalid.");
      case EXPIRED_TOKEN ->
          new Shape(400, "ExpiredToken", "The security token included in the request is expired");
      case BAD_SIGNATURE -> new Shape(403, "SignatureDoesNotMatch", MISMATCH);
      case STALE, PRESIGN_EXPIRED ->
          new Shape(403, "SignatureDoesNotMatch", "Signature expired: " + f.detail());
    };
  }

  /** S3's answer. */
  public static Shape s3(AuthFailure f) {
    return switch (f.kind()) {
      case MISSING -> new Shape(403, "AccessDenied", "Access Denied");
      case MALFORMED -> new Shape(400, "AuthorizationHeaderMalformed", f.detail());
      case UNKNOWN_KEY ->
          new Shape(
              403,
              "InvalidAccessKeyId",
              "The AWS Access Key Id you provided does not exist in our records.");
      case BAD_TOKEN ->
          new Shape(400, "InvalidToken", "The provided token is malformed or otherwise invalid.");
      case EXPIRED_TOKEN -> new Shape(400, "ExpiredToken", "The provided token has expired.");
      case BAD_SIGNATURE ->
          new Shape(
              403,
              "SignatureDoesNotMatch",
              "The request signature we calculated does not match the signature you provided."
                  + " Check your key and signing method.");
      case STALE ->
          new Shape(
              403,
              "RequestTimeTooSkewed",
              "The difference between the request time and the current time is too large.");
      case PRESIGN_EXPIRED -> new Shape(403, "AccessDenied", "Request has expired");
    };
  }
}
