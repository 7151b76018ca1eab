-- The development homeserver's schema. Every stream item (room event, to-device message, device-list
-- change, account data) takes its position from the single monotonic counter meta('stream').
CREATE TABLE IF NOT EXISTS meta (k VARCHAR(64) PRIMARY KEY, v BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS users (user_id VARCHAR(255) PRIMARY KEY, password_hash VARCHAR(255),
  displayname VARCHAR(1024), avatar_url VARCHAR(1024), created_ts BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (user_id VARCHAR(255) NOT NULL, device_id VARCHAR(255) NOT NULL,
  display_name VARCHAR(1024), PRIMARY KEY (user_id, device_id));
CREATE TABLE IF NOT EXISTS access_tokens (token_hash VARCHAR(64) PRIMARY KEY, user_id VARCHAR(255) NOT NULL,
  device_id VARCHAR(255) NOT NULL);
CREATE TABLE IF NOT EXISTS openid_tokens (token_hash VARCHAR(64) PRIMARY KEY, user_id VARCHAR(255) NOT NULL,
  expires_ts BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS filters (filter_id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id VARCHAR(255) NOT NULL,
  filter VARCHAR(1000000) NOT NULL);
CREATE TABLE IF NOT EXISTS rooms (room_id VARCHAR(255) PRIMARY KEY, room_version VARCHAR(64) NOT NULL,
  creator VARCHAR(255) NOT NULL, created_ts BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS events (stream_id BIGINT PRIMARY KEY, event_id VARCHAR(255) NOT NULL UNIQUE,
  room_id VARCHAR(255) NOT NULL, type VARCHAR(255) NOT NULL, state_key VARCHAR(1024), sender VARCHAR(255) NOT NULL,
  origin_ts BIGINT NOT NULL, content VARCHAR(1000000) NOT NULL, prev_content VARCHAR(1000000),
  redacts VARCHAR(255), redacted_by VARCHAR(255), rel_event_id VARCHAR(255), rel_type VARCHAR(255),
  sticky_ms BIGINT, txn_device VARCHAR(255), txn_id VARCHAR(255), delay_id VARCHAR(64));
CREATE INDEX IF NOT EXISTS events_room ON events(room_id, stream_id);
CREATE INDEX IF NOT EXISTS events_rel ON events(rel_event_id, stream_id);
CREATE TABLE IF NOT EXISTS room_state (room_id VARCHAR(255) NOT NULL, type VARCHAR(255) NOT NULL,
  state_key VARCHAR(1024) NOT NULL, event_id VARCHAR(255) NOT NULL, stream_id BIGINT NOT NULL,
  membership VARCHAR(32), PRIMARY KEY (room_id, type, state_key));
CREATE INDEX IF NOT EXISTS room_state_member ON room_state(state_key, type);
CREATE TABLE IF NOT EXISTS txns (scope VARCHAR(600) NOT NULL, txn_id VARCHAR(600) NOT NULL,
  event_id VARCHAR(255), delay_id VARCHAR(64), PRIMARY KEY (scope, txn_id));
CREATE TABLE IF NOT EXISTS to_device (stream_id BIGINT PRIMARY KEY, user_id VARCHAR(255) NOT NULL,
  device_id VARCHAR(255) NOT NULL, sender VARCHAR(255) NOT NULL, type VARCHAR(255) NOT NULL,
  content VARCHAR(1000000) NOT NULL);
CREATE INDEX IF NOT EXISTS to_device_target ON to_device(user_id, device_id, stream_id);
CREATE TABLE IF NOT EXISTS device_keys (user_id VARCHAR(255) NOT NULL, device_id VARCHAR(255) NOT NULL,
  keys VARCHAR(1000000) NOT NULL, PRIMARY KEY (user_id, device_id));
CREATE TABLE IF NOT EXISTS one_time_keys (user_id VARCHAR(255) NOT NULL, device_id VARCHAR(255) NOT NULL,
  key_id VARCHAR(255) NOT NULL, algorithm VARCHAR(255) NOT NULL, key_json VARCHAR(100000) NOT NULL,
  PRIMARY KEY (user_id, device_id, key_id));
CREATE TABLE IF NOT EXISTS fallback_keys (user_id VARCHAR(255) NOT NULL, device_id VARCHAR(255) NOT NULL,
  algorithm VARCHAR(255) NOT NULL, key_id VARCHAR(255) NOT NULL, key_json VARCHAR(100000) NOT NULL,
  used BOOLEAN NOT NULL, PRIMARY KEY (user_id, device_id, algorithm));
CREATE TABLE IF NOT EXISTS cross_signing_keys (user_id VARCHAR(255) NOT NULL, key_type VARCHAR(64) NOT NULL,
  key_json VARCHAR(100000) NOT NULL, PRIMARY KEY (user_id, key_type));
CREATE TABLE IF NOT EXISTS device_list_changes (stream_id BIGINT PRIMARY KEY, user_id VARCHAR(255) NOT NULL);
CREATE TABLE IF NOT EXISTS account_data (user_id VARCHAR(255) NOT NULL, room_id VARCHAR(255) NOT NULL,
  type VARCHAR(255) NOT NULL, content VARCHAR(1000000) NOT NULL, stream_id BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id, type));
CREATE TABLE IF NOT EXISTS delayed_events (delay_id VARCHAR(64) PRIMARY KEY, user_id VARCHAR(255) NOT NULL,
  device_id VARCHAR(255) NOT NULL, room_id VARCHAR(255) NOT NULL, type VARCHAR(255) NOT NULL,
  state_key VARCHAR(1024), content VARCHAR(1000000) NOT NULL, delay_ms BIGINT NOT NULL, sticky_ms BIGINT,
  txn_id VARCHAR(255), scheduled_at BIGINT NOT NULL, fire_at BIGINT NOT NULL, status VARCHAR(16) NOT NULL,
  event_id VARCHAR(255), error VARCHAR(1024), finalised_ts BIGINT);
CREATE INDEX IF NOT EXISTS delayed_due ON delayed_events(status, fire_at);
