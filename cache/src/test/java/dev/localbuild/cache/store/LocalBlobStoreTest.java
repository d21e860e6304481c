package dev.localbuild.cache.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest extends BlobStoreContract {
  @TempDir Path dir;

  @Override
  protected BlobStore store() {
    return new LocalBlobStore(dir);
  }

  @Test
  void keysCannotEscapeTheDirectory() {
    assertThatThrownBy(() -> store().put("../outside", text("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
