-- batch builds (StartBuildBatch): the batch's record, and which agent drives it
CREATE TABLE build_batches (
  id VARCHAR(300) PRIMARY KEY,   -- project:uuid
  project VARCHAR(255) NOT NULL,
  number BIGINT NOT NULL,        -- buildBatchNumber, counted per project
  status VARCHAR(20) NOT NULL,   -- IN_PROGRESS or the final status
  record TEXT NOT NULL,          -- the BuildBatch, as BatchGetBuildBatches returns it
  request TEXT NOT NULL,         -- the StartBuildBatch request, with what retries added
  submitted BIGINT NOT NULL,
  agent VARCHAR(200)             -- the agent whose driver starts its builds; another takes over if it is lost
);
CREATE INDEX build_batches_by_project ON build_batches (project, number);
CREATE INDEX build_batches_by_status ON build_batches (status);

-- a batch's builds
ALTER TABLE builds ADD COLUMN batch_id VARCHAR(300);
CREATE INDEX builds_by_batch ON builds (batch_id);
