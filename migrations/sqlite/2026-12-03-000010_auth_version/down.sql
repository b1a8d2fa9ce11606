DROP TRIGGER auth_version_user_delete;
DROP TRIGGER auth_version_user_update;
DROP TRIGGER auth_version_session_update;
DROP TRIGGER auth_version_session_delete;
DELETE FROM list_versions WHERE name = 'auth';
