DROP TRIGGER auth_version_user_delete ON users;
DROP TRIGGER auth_version_user_update ON users;
DROP TRIGGER auth_version_session_update ON sessions;
DROP TRIGGER auth_version_session_delete ON sessions;
DROP FUNCTION bump_auth_version();
DELETE FROM list_versions WHERE name = 'auth';
