ALTER TABLE schedule_versions DROP COLUMN calendar;
