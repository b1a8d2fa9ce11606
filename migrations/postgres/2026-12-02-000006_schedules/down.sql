DROP TABLE schedule_progress;
DROP TABLE schedule_links;
DROP TABLE schedule_tasks;
DROP TABLE schedule_versions;
