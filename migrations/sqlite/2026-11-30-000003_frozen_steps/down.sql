ALTER TABLE steps DROP COLUMN position;
ALTER TABLE steps DROP COLUMN description;
