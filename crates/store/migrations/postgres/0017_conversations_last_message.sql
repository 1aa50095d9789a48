-- No query reads conversations by their last message time alone (a
-- person's conversations are found through conversation_members, then
-- sorted), but every message moved that time and so rewrote this index.
-- Without it, the conversation's row is the only thing a message changes
-- in the table, and PostgreSQL can rewrite it in place (a HOT update)
-- instead of adding an entry to each of its indexes.
DROP INDEX conversations_last_message;
