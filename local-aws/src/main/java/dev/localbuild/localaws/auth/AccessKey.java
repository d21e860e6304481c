package dev.localbuild.localaws.auth;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A key the local AWS accepts: its root key, or a session it issued (STS AssumeRole or
 * GetSessionToken).
 *
 * @param principalArn who signs with it: {@code arn:aws:iam::<acct>:root}, or {@code
 *     arn:aws:sts::<acct>:assumed-role/<role>/<session>}
 * @param roleName the role a session acts as (its IAM policy decides), null for the root
 * @param sessionToken the session's token, which requests must carry; null for the root key
 * @param expires when a session ends; null for the root key
 */
public record AccessKey(
    String accessKeyId,
    String secretAccessKey,
    @Nullable String sessionToken,
    String principalArn,
    @Nullable String roleName,
    @Nullable Instant expires) {
  public boolean isRoot() {
    return sessionToken == null;
  }

  public boolean expiredAt(Instant now) {
    return expires != null && !now.isBefore(expires);
  }
}
