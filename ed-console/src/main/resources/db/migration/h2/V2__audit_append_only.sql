CREATE TRIGGER audit_log_no_update BEFORE UPDATE, DELETE ON audit_log
  FOR EACH ROW CALL 'org.ambulink.console.audit.AppendOnlyTrigger';
