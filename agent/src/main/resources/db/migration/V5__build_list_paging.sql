-- the web page pages through every project's builds, newest first, without reading them all
CREATE INDEX builds_by_submitted ON builds (submitted, id);
