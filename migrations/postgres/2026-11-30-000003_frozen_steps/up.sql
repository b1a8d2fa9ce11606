-- W3: steps are frozen at creation. Each step keeps its own copy of the template's description and
-- position, so editing, reordering or moving a template never changes the steps of existing OTs.
ALTER TABLE steps ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE steps ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE steps SET
    description = (SELECT t.description FROM step_templates t WHERE t.id = steps.template_id),
    position = (SELECT t.sort_order FROM step_templates t WHERE t.id = steps.template_id);
