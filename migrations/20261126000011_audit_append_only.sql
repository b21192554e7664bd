-- The audit trail is append-only for every account, not only for those whose grants
-- lack UPDATE and DELETE: these triggers refuse any change or removal of a row.
-- (TRUNCATE and DROP need privileges the application account does not have.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'The audit trail is append-only: its rows cannot be changed.';

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'The audit trail is append-only: its rows cannot be deleted.';
