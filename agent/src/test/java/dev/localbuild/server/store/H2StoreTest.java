package dev.localbuild.server.store;

import java.nio.file.Path;

/** The stores on the embedded database, the default. */
class H2StoreTest extends StoreContract {
  @Override
  Database open(Path data) throws Exception {
    return Database.open(data, null);
  }
}
