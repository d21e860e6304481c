package dev.localbuild.server.store;

/** The stores of one database, made once and handed to who needs them. */
public record Stores(
    Database db,
    BuildStore builds,
    ProjectStore projects,
    ProjectStore fleets,
    QueueStore queue,
    AgentStore agents,
    BatchStore batches,
    SandboxStore sandboxes) {
  public static Stores of(Database db) {
    BuildStore builds = new BuildStore(db);
    return new Stores(
        db,
        builds,
        new ProjectStore(db),
        ProjectStore.fleets(db),
        new QueueStore(db, builds),
        new AgentStore(db, builds),
        new BatchStore(db),
        new SandboxStore(db));
  }
}
