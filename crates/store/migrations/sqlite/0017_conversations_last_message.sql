-- No query reads conversations by their last message time alone (a
-- person's conversations are found through conversation_members, then
-- sorted), but every message moved that time and so rewrote this index.
-- Dropped here as on PostgreSQL (where it also kept the conversation's row
-- from being rewritten in place), so both databases keep the same indexes.
DROP INDEX conversations_last_message;
