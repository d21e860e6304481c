package dev.localbuild.localaws.auth;

/**
 * Why a request was refused, in terms each protocol words differently ({@link ErrorShapes}).
 *
 * @param detail the part of the message AWS fills in (the expired timestamps, the key id)
 */
public record AuthFailure(Kind kind, String detail) {
  /** The ways a signature fails. */
  public enum Kind {
    /** No Authorization header and no X-Amz-Signature: an anonymous request. */
    MISSING,
    /** Present but not parseable as SigV4. */
    MALFORMED,
    /** An access key this local AWS never issued. */
    UNKNOWN_KEY,
    /** A session's token missing or not the session's. */
    BAD_TOKEN,
    /** The session has ended. */
    EXPIRED_TOKEN,
    /** Recomputed, the signature differs. */
    BAD_SIGNATURE,
    /** X-Amz-Date too far from now. */
    STALE,
    /** A presigned URL past its X-Amz-Expires. */
    PRESIGN_EXPIRED
  }
}
