-- Catalog codes of DOMAIN.md section 2, with the legacy ids, plus a realistic demo set.
-- The same statements run on PostgreSQL (that folder adds the identity-sequence resets).

-- kinds.scope: 1 PTE, 2 OT, 3 Partida, 4 Produccion, 5 Clientes
INSERT INTO kinds (id, description, scope, comment, active) VALUES
    (4, 'INICIAL', 2, 'Tipo de OT y conjunto de plantillas de pasos', TRUE),
    (5, 'REPROGRAMACION', 2, 'Tipo de OT y conjunto de plantillas de pasos', TRUE),
    (15, 'CONTRATO', 5, 'Tipo de cliente', TRUE),
    (16, 'INTERCOM', 5, 'Tipo de cliente', TRUE),
    (18, 'INTERCOM', 2, 'Conjunto de plantillas de pasos', TRUE);

-- statuses.scope: 1 PTE, 2 OT, 4 pasos
INSERT INTO statuses (id, description, scope, comment, active) VALUES
    (1, 'PENDIENTE', 4, '', TRUE),
    (2, 'PROCESO', 4, '', TRUE),
    (3, 'COMPLETADO', 4, '', TRUE),
    (4, 'CANCELADO', 4, '', TRUE),
    (5, 'ASIGNADA', 2, '', TRUE),
    (6, 'CANCELADA', 2, '', TRUE),
    (7, 'DIFERIDA', 2, '', TRUE),
    (8, 'EN EJECUCION', 2, '', TRUE),
    (9, 'SUSPENDIDA', 2, '', TRUE),
    (10, 'TERMINADA', 2, '', TRUE),
    (11, 'POR CANCELAR', 2, '', TRUE),
    (14, 'NO APLICA', 4, '', TRUE),
    (16, 'DIFERIDA (SIN INICIAR)', 2, '', TRUE);

-- fronts.scope: 1 site category, 2 OT work front
INSERT INTO fronts (id, description, scope, comment, active) VALUES
    (1, 'TIERRA', 2, 'Frente de trabajo en tierra (patio)', TRUE),
    (2, 'BARCO', 2, 'Frente de trabajo en embarcación', TRUE),
    (3, 'PATIO', 1, 'Categoría de sitio', TRUE),
    (4, 'CP/PS', 2, 'Frente de trabajo en plataforma', TRUE),
    (5, 'INTERCOM', 1, 'Categoría de sitio', TRUE),
    (6, 'EMBARCACION', 1, 'Categoría de sitio', TRUE),
    (7, 'PLATAFORMA', 1, 'Categoría de sitio', TRUE);

INSERT INTO sites (id, description, category_id, comment, active) VALUES
    (1, 'Patio Altamira', 3, '', TRUE),
    (2, 'Patio Ciudad del Carmen', 3, '', TRUE),
    (3, 'Patio Dos Bocas', 3, '', TRUE),
    (4, 'Intercom Akal-C', 5, '', TRUE),
    (5, 'Intercom Abkatún', 5, '', TRUE),
    (6, 'Emb. Isla del Carmen', 6, '', TRUE),
    (7, 'Emb. Atlantis Tide', 6, '', TRUE),
    (8, 'Emb. Sea Pearl', 6, '', TRUE),
    (9, 'Akal-C Perforación', 7, '', TRUE),
    (10, 'Abkatún-A Permanente', 7, '', TRUE),
    (11, 'Ku-Maloob-Zaap Compresión', 7, '', TRUE),
    (12, 'Nohoch-A Enlace', 7, '', TRUE),
    (13, 'Patio Tuxpan (cerrado)', 3, 'Fuera de operación', FALSE);

INSERT INTO clients (id, description, client_type_id, comment, active) VALUES
    (1, 'PEMEX Exploración y Producción', 15, 'Cliente de contrato por omisión', TRUE),
    (2, 'Intercom Marina del Golfo', 16, '', TRUE),
    (3, 'Intercom Servicios Costa Afuera', 16, '', TRUE),
    (4, 'Intercom Litoral Tabasco', 16, '', TRUE),
    (5, 'Constructora Regional del Sureste', 15, '', TRUE);

INSERT INTO project_managers (id, description, comment, active) VALUES
    (1, 'Ing. María Fernanda López', '', TRUE),
    (2, 'Ing. Jorge Alberto Ramírez', '', TRUE),
    (3, 'Ing. Ana Sofía Hernández', '', TRUE);

-- Demo step templates: set 4 five active + one inactive, set 5 six + one, set 18 four + one.
INSERT INTO step_templates (id, set_id, description, sort_order, client_type_id, comment, active) VALUES
    (1, 4, 'Recepción y revisión de la PTE', 1, 15, '', TRUE),
    (2, 4, 'Programa de ejecución', 2, 15, '', TRUE),
    (3, 4, 'Movilización de personal y equipo', 3, 15, '', TRUE),
    (4, 4, 'Ejecución de los trabajos', 4, 15, '', TRUE),
    (5, 4, 'Cierre administrativo', 5, 15, '', TRUE),
    (6, 4, 'Visita técnica (obsoleto)', 6, 15, 'Reemplazado por la revisión de la PTE', FALSE),
    (7, 5, 'Reunión de arranque y revisión de alcance', 1, 15, '', TRUE),
    (8, 5, 'Ingeniería de detalle', 2, 15, '', TRUE),
    (9, 5, 'Procura de materiales', 3, 15, '', TRUE),
    (10, 5, 'Ejecución en sitio', 4, 15, '', TRUE),
    (11, 5, 'Pruebas y puesta en servicio', 5, 15, '', TRUE),
    (12, 5, 'Cierre y entrega documental', 6, 15, '', TRUE),
    (13, 5, 'Revisión de planos (obsoleto)', 7, 15, 'Integrado en ingeniería de detalle', FALSE),
    (14, 18, 'Solicitud de servicio Intercom', 1, 16, '', TRUE),
    (15, 18, 'Evaluación técnica Intercom', 2, 16, '', TRUE),
    (16, 18, 'Ejecución Intercom', 3, 16, '', TRUE),
    (17, 18, 'Entrega y cierre Intercom', 4, 16, '', TRUE),
    (18, 18, 'Reporte fotográfico (obsoleto)', 5, 16, 'Incluido en la entrega', FALSE);

-- W3, exactly the seed's rule: kind 5 and client 1 -> set 5; kind 5 and client 2, 3 or 4 -> set 18;
-- kind 5 with any other or no client -> set 5; kind 4 -> set 5.
INSERT INTO step_rules (id, kind_id, client_id, template_set_id) VALUES
    (1, 5, 1, 5),
    (2, 5, 2, 18),
    (3, 5, 3, 18),
    (4, 5, 4, 18),
    (5, 5, NULL, 5),
    (6, 4, NULL, 5);
