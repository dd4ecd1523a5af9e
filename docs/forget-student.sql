-- Delete everything studybot stores about one student in one server or workspace.
--   :tenant  'discord:<server id>' or 'slack:<workspace id>'
--   :user    the student's Discord or Slack user id
-- PostgreSQL:  psql "$DATABASE_URL" -v tenant="'discord:123'" -v user="'456'" -f forget-student.sql
-- SQLite:      sqlite3 studybot.sqlite3 ".parameter set :tenant 'discord:123'" \
--                ".parameter set :user '456'" ".read forget-student.sql"
-- Class quiz results shrink accordingly; the class quizzes themselves stay.
BEGIN;
DELETE FROM quiz_answers WHERE tenant_key = :tenant AND user_id = :user;
DELETE FROM quiz_players WHERE tenant_key = :tenant AND user_id = :user;
DELETE FROM quiz_misses WHERE tenant_key = :tenant AND user_id = :user;
DELETE FROM quiz_questions WHERE session_id IN (SELECT id FROM quiz_sessions
  WHERE tenant_key = :tenant AND user_id = :user AND kind = 'solo');
DELETE FROM quiz_sessions WHERE tenant_key = :tenant AND user_id = :user AND kind = 'solo';
DELETE FROM channel_answers WHERE tenant_key = :tenant AND user_id = :user;
DELETE FROM revision_reviews WHERE tenant_key = :tenant AND user_id = :user;
DELETE FROM revision_cards WHERE tenant_key = :tenant AND user_id = :user;
DELETE FROM revision_reminders WHERE tenant_key = :tenant AND user_id = :user;
COMMIT;
