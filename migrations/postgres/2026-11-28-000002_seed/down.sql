DELETE FROM step_rules;
DELETE FROM step_templates;
DELETE FROM project_managers;
DELETE FROM clients;
DELETE FROM sites;
DELETE FROM fronts;
DELETE FROM statuses;
DELETE FROM kinds;
