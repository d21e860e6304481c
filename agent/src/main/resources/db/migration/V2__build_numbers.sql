-- build numbers move from files in one agent's data directory to the database that every agent
-- shares; a server upgraded from V1 goes on from the highest number it recorded
CREATE TABLE build_numbers (
  project VARCHAR(255) PRIMARY KEY,
  last_number BIGINT NOT NULL
);
INSERT INTO build_numbers (project, last_number)
  SELECT project, MAX(number) FROM builds GROUP BY project;
