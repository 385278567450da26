-- A conversation's history epoch (src/agent/window-cache.ts): the embedded server keeps each chat's
-- last window in memory and reads only the turns stored after it, which is right only while the
-- turns it holds are still exactly the conversation's turns up to there. Anything that could make
-- them wrong moves the epoch, and a cached window of another epoch is read afresh: a turn deleted
-- (erasure, retention) or changed, or one stored with a time before its own transaction began (an
-- import's back-dated turn, which would land behind the cache's cursor). Ordinary turns are stamped
-- at or after their transaction's start and cost one comparison.
ALTER TABLE conversations ADD COLUMN history_epoch bigint NOT NULL DEFAULT 0;
--> statement-breakpoint
-- The invoker's rights: turns change inside a tenant's transaction, which may move its own
-- conversations' epochs (RLS) and no others. The epoch becomes the changing transaction's id, set
-- once per transaction: a bulk delete or import then updates each conversation once, not per row
-- (a row per update made a 2,000-turn import quadratic), and a later change is always another id.
CREATE FUNCTION konstruct_history_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversations c SET history_epoch = txid_current()
  FROM (SELECT DISTINCT tenant_id, conversation_id FROM moved) m
  WHERE c.tenant_id = m.tenant_id AND c.id = m.conversation_id AND c.history_epoch <> txid_current();
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION konstruct_history_backdated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE conversations SET history_epoch = txid_current()
  WHERE tenant_id = NEW.tenant_id AND id = NEW.conversation_id AND history_epoch <> txid_current();
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A row trigger with a condition, not a statement trigger: an ordinary turn then costs one
-- comparison, no transition table and no call.
CREATE TRIGGER messages_history_backdated AFTER INSERT ON messages
  FOR EACH ROW WHEN (NEW.created_at < transaction_timestamp()) EXECUTE FUNCTION konstruct_history_backdated();
--> statement-breakpoint
CREATE TRIGGER messages_history_deleted AFTER DELETE ON messages REFERENCING OLD TABLE AS moved
  FOR EACH STATEMENT EXECUTE FUNCTION konstruct_history_moved();
--> statement-breakpoint
CREATE TRIGGER messages_history_updated AFTER UPDATE ON messages REFERENCING OLD TABLE AS moved
  FOR EACH STATEMENT EXECUTE FUNCTION konstruct_history_moved();
