-- the build server's state; the same schema in H2 and PostgreSQL
CREATE TABLE projects (
  name VARCHAR(255) PRIMARY KEY,
  body TEXT NOT NULL,            -- the project as CreateProject took it, with arn, created, lastModified
  created BIGINT NOT NULL
);

CREATE TABLE builds (
  id VARCHAR(300) PRIMARY KEY,   -- project:uuid
  project VARCHAR(255) NOT NULL,
  number BIGINT NOT NULL,
  status VARCHAR(20) NOT NULL,   -- QUEUED, IN_PROGRESS or the final status
  record TEXT NOT NULL,          -- the Build, as BatchGetBuilds returns it
  request TEXT NOT NULL,         -- the StartBuild request, to run it (and RetryBuild)
  idempotency_token VARCHAR(255),
  submitted BIGINT NOT NULL      -- epoch millis
);
CREATE INDEX builds_by_project ON builds (project, number);
CREATE INDEX builds_by_status ON builds (status);

CREATE TABLE build_log (
  build_id VARCHAR(300) NOT NULL,
  seq BIGINT NOT NULL,           -- the build's event sequence: GetLogEvents' tokens
  at_millis BIGINT NOT NULL,
  line TEXT NOT NULL,            -- as the terminal shows it, secrets masked
  PRIMARY KEY (build_id, seq)
);

CREATE TABLE access_keys (
  access_key_id VARCHAR(64) PRIMARY KEY,
  secret TEXT NOT NULL,          -- AES-GCM under the data directory's master key, base64
  created BIGINT NOT NULL,
  revoked BIGINT
);
