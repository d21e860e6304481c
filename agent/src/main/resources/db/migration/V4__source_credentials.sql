-- ImportSourceCredentials: one token per Git server type, sealed with the data directory's key,
-- for reporting build statuses back to the host
CREATE TABLE source_credentials (
  server_type VARCHAR(32) PRIMARY KEY,
  auth_type VARCHAR(32) NOT NULL,
  username VARCHAR(255),
  token VARCHAR(4000) NOT NULL
);
