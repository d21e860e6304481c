-- every delivery a webhook receiver answered: accepted (with its build), filtered out (with the
-- reason) or refused; a host's redelivery of the same id starts nothing twice
CREATE TABLE webhook_deliveries (
  project VARCHAR(255) NOT NULL,
  delivery_id VARCHAR(255) NOT NULL,
  provider VARCHAR(32) NOT NULL,
  event VARCHAR(64),
  received BIGINT NOT NULL,
  result VARCHAR(16) NOT NULL,
  reason VARCHAR(2000),
  build_id VARCHAR(512),
  PRIMARY KEY (project, delivery_id)
);
