-- a fleet: agents sharing this database take builds from it under a lease they renew
ALTER TABLE builds ADD COLUMN agent VARCHAR(200);          -- the agent that claimed it; null: waiting
ALTER TABLE builds ADD COLUMN fleet VARCHAR(255);          -- the fleet its project names; null: none
ALTER TABLE builds ADD COLUMN stop_requested BOOLEAN DEFAULT FALSE NOT NULL; -- StopBuild on another agent
CREATE INDEX builds_by_agent ON builds (agent, status);

CREATE TABLE agents (
  id VARCHAR(200) PRIMARY KEY,   -- one run of an agent: its name and a random suffix
  name VARCHAR(255) NOT NULL,    -- the agent as people name it (--agent-name)
  fleet VARCHAR(255),            -- the fleet whose builds it takes; null: builds of no fleet
  take_unassigned BOOLEAN NOT NULL, -- with a fleet, builds of no fleet too
  capacity INT NOT NULL,         -- builds it runs at once
  running INT NOT NULL,          -- builds it ran at its last renewal
  address VARCHAR(255) NOT NULL, -- where its API listens
  started BIGINT NOT NULL,
  lease_until BIGINT NOT NULL,   -- epoch millis: after this, another agent declares it lost
  status VARCHAR(20) NOT NULL    -- ACTIVE, LOST (its lease ran out) or LEFT (it shut down)
);
CREATE INDEX agents_by_status ON agents (status, lease_until);

CREATE TABLE fleets (
  name VARCHAR(255) PRIMARY KEY,
  body TEXT NOT NULL,            -- the Fleet as CreateFleet took it, with arn, id, created, lastModified
  created BIGINT NOT NULL
);

-- what every agent sharing the database must agree on (the master key's check value)
CREATE TABLE settings (
  setting VARCHAR(100) PRIMARY KEY,
  setting_value TEXT NOT NULL
);
