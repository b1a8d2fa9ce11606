-- Session validation without a database round trip on most requests (issue 14): each instance
-- keeps the sessions and users it has checked, and uses them only while the 'auth' version is the
-- one they were read at. These triggers bump it in the transaction that revokes or changes a
-- session (logout, password change, disabling a user, a new flash message) or changes what the
-- gate reads of a user (role, active, password, names), so a revocation is refused at once on
-- every instance. Pushing a session's idle expiry forward does not bump it.
INSERT INTO list_versions (name, version) VALUES ('auth', 0);
CREATE TRIGGER auth_version_session_delete AFTER DELETE ON sessions BEGIN
    UPDATE list_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER auth_version_session_update AFTER UPDATE OF state, user_id ON sessions BEGIN
    UPDATE list_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER auth_version_user_update
AFTER UPDATE OF username, display_name, password_hash, role, active, must_change_password ON users
BEGIN
    UPDATE list_versions SET version = version + 1 WHERE name = 'auth';
END;
CREATE TRIGGER auth_version_user_delete AFTER DELETE ON users BEGIN
    UPDATE list_versions SET version = version + 1 WHERE name = 'auth';
END;
