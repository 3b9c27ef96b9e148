-- ED console schema. Portable between PostgreSQL (production) and H2 in PostgreSQL mode (demo).

CREATE TABLE staff_user (
  username      VARCHAR(100) PRIMARY KEY,
  password_hash VARCHAR(200) NOT NULL,
  role          VARCHAR(20)  NOT NULL,
  ed_id         VARCHAR(100) NOT NULL,
  enabled       BOOLEAN      NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE device (
  device_id    VARCHAR(100) PRIMARY KEY,
  token_hash   VARCHAR(64)  NOT NULL UNIQUE,
  description  VARCHAR(200) NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  revoked_at   TIMESTAMP WITH TIME ZONE,
  last_seen_at TIMESTAMP WITH TIME ZONE,
  backlog      BIGINT NOT NULL
);

CREATE TABLE transport (
  transport_id    VARCHAR(100) PRIMARY KEY,
  device_id       VARCHAR(100) NOT NULL REFERENCES device (device_id),
  destination_id  VARCHAR(100),
  unit            VARCHAR(200),
  chief_complaint VARCHAR(500),
  acuity          INTEGER,
  state           VARCHAR(20)  NOT NULL,
  started_at      TIMESTAMP WITH TIME ZONE,
  handed_over_at  TIMESTAMP WITH TIME ZONE,
  closed_at       TIMESTAMP WITH TIME ZONE,
  last_event_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  eta_seconds     BIGINT,
  eta_at          TIMESTAMP WITH TIME ZONE,
  distance_metres DOUBLE PRECISION,
  latitude        DOUBLE PRECISION,
  longitude       DOUBLE PRECISION,
  position_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX transport_destination ON transport (destination_id, state);

-- Every event an appliance sent, once: the key makes replays harmless.
CREATE TABLE transport_event (
  device_id    VARCHAR(100) NOT NULL,
  event_id     VARCHAR(200) NOT NULL,
  transport_id VARCHAR(100) NOT NULL,
  type         VARCHAR(20)  NOT NULL,
  occurred_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  body         TEXT NOT NULL,
  PRIMARY KEY (device_id, event_id)
);
CREATE INDEX transport_event_transport ON transport_event (transport_id, occurred_at);

CREATE TABLE vital_latest (
  transport_id VARCHAR(100) NOT NULL,
  code         VARCHAR(100) NOT NULL,
  label        VARCHAR(40)  NOT NULL,
  reading      VARCHAR(40)  NOT NULL,
  unit         VARCHAR(40)  NOT NULL,
  observed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (transport_id, code)
);

CREATE TABLE alarm (
  transport_id VARCHAR(100) NOT NULL,
  alarm_id     VARCHAR(100) NOT NULL,
  priority     VARCHAR(10)  NOT NULL,
  state        VARCHAR(10)  NOT NULL,
  text         VARCHAR(500) NOT NULL,
  source       VARCHAR(100) NOT NULL,
  raised_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at     TIMESTAMP WITH TIME ZONE,
  acked_by     VARCHAR(100),
  acked_at     TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (transport_id, alarm_id)
);

-- Append-only: the application only inserts; a trigger per database refuses changes. Each
-- row carries the SHA-256 of its content chained to the previous row, so a change made
-- around the triggers (by a database superuser) is found by verification.
CREATE TABLE audit_log (
  id        BIGINT PRIMARY KEY,
  logged_at TIMESTAMP WITH TIME ZONE NOT NULL,
  actor     VARCHAR(100) NOT NULL,
  action    VARCHAR(40)  NOT NULL,
  target    VARCHAR(200) NOT NULL,
  address   VARCHAR(100) NOT NULL,
  details   VARCHAR(1000) NOT NULL,
  prev_hash VARCHAR(64)  NOT NULL,
  hash      VARCHAR(64)  NOT NULL
);
