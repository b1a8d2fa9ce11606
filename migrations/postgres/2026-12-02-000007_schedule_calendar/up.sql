-- The project calendar of a schedule version (W19): empty for Monday to Friday, else its working
-- weekdays and exceptions (see domain::schedule::calendar::WorkCalendar::code).
ALTER TABLE schedule_versions ADD COLUMN calendar TEXT NOT NULL DEFAULT '';
