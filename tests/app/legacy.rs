//! W21: `faena import-legacy` against a legacy-shaped database (the tables and columns of
//! `legacy-ot-module.md` §1, Django's column names), on this run's backend, with clean and dirty
//! rows of every documented kind.

use base64::Engine;
use chrono::Utc;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use faena::db::schema::{activity_log, clients, planning_docs, steps, users, work_orders};
use faena::services::legacy_import::{self, Report};

use crate::helpers::{TestApp, TestDb, spawn_app};

/// Django's `make_password` with PBKDF2PasswordHasher: `pbkdf2_sha256$iterations$salt$base64`.
fn django_hash(password: &str, salt: &str, iterations: u32) -> String {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt.as_bytes(), iterations, &mut out);
    format!(
        "pbkdf2_sha256${iterations}${salt}${}",
        base64::engine::general_purpose::STANDARD.encode(out)
    )
}

const SCHEMA: &str = include_str!("../fixtures/legacy_schema.sql");

fn data(boss: &str, editor: &str) -> String {
    format!(
        "
INSERT INTO tipo VALUES (4, 'INICIAL', 2, NULL, TRUE), (5, 'REPROGRAMACIÓN', 2, NULL, TRUE),
    (30, 'Tipo del sistema anterior', 1, NULL, TRUE);
INSERT INTO cat_estatus VALUES (8, 'EN EJECUCIÓN', 2, NULL, TRUE), (10, 'FINALIZADA', 2, NULL, TRUE),
    (40, 'Estatus de reporte', 6, NULL, TRUE);
INSERT INTO frente VALUES (2, 'BARCO', 2, NULL, TRUE);
INSERT INTO cliente VALUES (1, 'PEMEX Exploración y Producción', 15, TRUE, NULL),
    (2, 'Cliente con id ocupado', 15, TRUE, NULL),
    (7, 'Naviera del Golfo', 16, TRUE, 'nuevo'), (8, 'Cliente de tipo raro', 99, FALSE, NULL);
INSERT INTO responsable_proyecto VALUES (1, 'Ing. María Fernanda López', TRUE, NULL),
    (9, 'Ing. Gestor Anterior', TRUE, NULL);
INSERT INTO sitio VALUES (50, 'Emb. Anterior', TRUE, 6, NULL), (51, 'Patio Anterior', TRUE, 3, NULL),
    (52, 'Sitio sin categoría', TRUE, 99, NULL);
INSERT INTO paso_ot VALUES (1, 'Recepción y revisión de la PTE', '1', TRUE, 0, 4, NULL, 15),
    (40, 'Paso del sistema anterior', '2', TRUE, 0, 4, NULL, 15),
    (41, 'Paso de un conjunto raro', 'x', TRUE, 0, 1, NULL, NULL);
INSERT INTO pte_header (id, oficio_pte, descripcion_trabajo, plazo_dias, id_responsable_proyecto_id,
    estatus, id_cliente_id) VALUES
    (100, 'PTE-L-100', 'Rehabilitación de ductos', 30.0, 1, 3, 1),
    (101, 'PTE-L-101', 'Pintura', 12.5, 9, 1, 7),
    (102, '', 'Sin folio', NULL, NULL, 1, 404);
INSERT INTO ot VALUES
 (500, 4, 100, 'OT-L-500', 'Rehabilitación de ductos', 1, 'Ing. Ruiz', 'PEP-L-500-2023', 8,
  '2023-01-10', '2023-03-10', '2023-01-12', NULL, 1, NULL, NULL, 'inicial', 1234.50, 10.00, 2,
  50, NULL, NULL, 51, 60, 1, TRUE, '2022-12-01', '2022-12-20'),
 (501, 5, 100, 'OT-L-500', 'Primera reprogramación', 1, 'Ing. Ruiz', 'PEP-L-501-2023', 5,
  '2023-04-01', '2023-05-01', NULL, NULL, 1, 1, 500, '', 99.99, 0, 2, 50, NULL, NULL, NULL, 31, 1,
  FALSE, NULL, NULL),
 (502, 5, NULL, 'OT-L-500', 'Reprogramación sin número', 9, 'Ing. Ruiz', 'PEP-L-502-2023', 5,
  '2023-06-01', '2023-07-01', NULL, NULL, 1, NULL, 500, '', 0, 0, 1, NULL, NULL, NULL, 51, 31, 7,
  FALSE, NULL, NULL),
 (503, 5, NULL, 'OT-X', 'Huérfana', 1, 'x', 'PEP-X-2023', 5, NULL, NULL, NULL, NULL, 1, 1, 999, '',
  0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE, NULL, NULL),
 (504, 4, NULL, 'OT-L-504', 'Inicial sin PTE', 9, 'Ing. Vela', 'PENDIENTE', 10, '2021-02-01',
  '2021-02-28', '2021-02-01', '2021-02-27', 1, NULL, NULL, '', 5000, 0, 1, NULL, NULL, NULL, 51, 28,
  1, FALSE, NULL, NULL),
 (505, 4, 101, 'OT-L-500', 'Folio repetido', 9, 'Ing. Vela', 'PEP-L-505-2024', 5, NULL, NULL, NULL,
  NULL, 1, NULL, NULL, '', 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 7, FALSE, NULL, NULL),
 (506, 4, NULL, 'OT-L-506', 'Estado de registro raro', 1, 'x', 'PEP-L-506-2024', 5, NULL, NULL,
  NULL, NULL, 7, NULL, NULL, '', 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 1, FALSE, NULL, NULL),
 (507, 4, NULL, 'OT-L-507', 'Sitio inexistente', 1, 'x', 'PEP-L-507-2024', 8, NULL, NULL, NULL,
  NULL, -1, NULL, NULL, '', 0, 0, 2, 777, NULL, NULL, NULL, NULL, 1, FALSE, NULL, NULL),
 (508, 4, NULL, 'OT-L-508', 'Fechas invertidas', 1, 'x', 'PEP-L-508-2024', 8, '2024-05-01',
  '2024-04-01', NULL, NULL, 1, NULL, NULL, '', 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 1, FALSE,
  NULL, NULL),
 (509, 99, NULL, 'OT-L-509', 'Tipo raro', 1, 'x', 'x', 8, NULL, NULL, NULL, NULL, 1, NULL, NULL, '',
  0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 1, FALSE, NULL, NULL);
INSERT INTO ot_detalle VALUES
 (1000, 500, 3, 1, '2023-01-20', '2023-01-10', '2023-01-20', 'hecho', NULL),
 (1001, 500, 1, 40, NULL, NULL, NULL, NULL, 'https://drive.example.com/doc'),
 (1002, 500, 14, 41, NULL, NULL, NULL, NULL, 'file://C:/docs/plano.pdf'),
 (1003, 500, 1, 404, NULL, NULL, NULL, NULL, NULL),
 (1004, 503, 1, 1, NULL, NULL, NULL, NULL, NULL),
 (1005, 504, 99, 1, NULL, NULL, NULL, NULL, NULL),
 (1006, 501, 3, 1, '2023-04-10', NULL, NULL, NULL, NULL),
 (1007, 504, 3, 1, '2021-02-10', NULL, NULL, NULL, NULL);
INSERT INTO auth_user VALUES
 (1, '{boss}', NULL, TRUE, 'jefe', 'Carmen', 'Ibarra', 'carmen@example.com', TRUE, TRUE,
  '2020-01-01 00:00:00'),
 (2, '{editor}', NULL, FALSE, 'gestor1', 'Raúl', 'Soto', 'raul@example.com', FALSE, TRUE,
  '2020-01-01 00:00:00'),
 (3, '{editor}', NULL, FALSE, 'lector', '', '', '', FALSE, TRUE, '2020-01-01 00:00:00'),
 (4, '!sin-clave', NULL, FALSE, 'sinclave', 'Sin', 'Clave', '', FALSE, FALSE, '2020-01-01 00:00:00');
INSERT INTO auth_permission VALUES (1, 'Can change OT', 1, 'change_ote'), (2, 'Can view OT', 1, 'view_ote');
INSERT INTO auth_user_user_permissions VALUES (1, 2, 1), (2, 3, 2);
INSERT INTO registro_actividad VALUES
 (1, 500, 'editar', 'oficio_ot', 'PEP-VIEJO', 'PEP-L-500-2023', 'ot', '2023-01-11 09:30:00', 1, 4,
  '<b>cambio</b> de oficio'),
 (2, 100, 'crear', NULL, NULL, NULL, 'pte_header', '2022-12-01 08:00:00', 2, 0, NULL);
INSERT INTO unidad_medida VALUES (1, 'Metro lineal', 'MLEG', TRUE, NULL), (2, 'Pieza', 'PZALEG', TRUE, NULL);
INSERT INTO contrato_concepto_maestro VALUES (1, '1.1', NULL, 'Suministro de tubería', 1, 1234.56, 10.50, TRUE),
    (2, '', 'EXT-1', 'Trabajo extraordinario', 2, 0, 0, TRUE), (3, '9', NULL, 'Sin unidad', 99, 1, 1, TRUE);
INSERT INTO importacion_anexo VALUES
    (1, 500, 'operaciones/anexos_ot/OT-L-500/anexo_v1.xlsx', '2023-02-01 10:00:00', 1, 1, TRUE),
    (2, 500, 'operaciones/anexos_ot/OT-L-500/anexo_v2.xlsx', '2023-03-01 10:00:00', 1, 2, TRUE),
    (3, 503, 'huerfana.xlsx', '2023-03-01 10:00:00', 1, 1, FALSE);
INSERT INTO partida_anexo_importada VALUES
    (10, 1, 'A-1', 'Tubería', 'S/A', 1, 12.5, 100.25, 0, 1),
    (11, 2, 'A-1', 'Tubería', NULL, 1, 3.1234567, 100.25, 1.5, 1),
    (12, 2, 'A-2', 'Piezas', 'A1', 99, 2, 10, 0, 1),
    (13, 3, 'A-9', 'Huérfana', NULL, 1, 1, 1, 1, 1);
INSERT INTO importacion_cronograma VALUES
    (1, 500, 'Programa OT-L-500', 'operaciones/mpps/ot500.mpp', '2023-01-15 12:00:00', TRUE, '2024-01-08', '2024-01-19'),
    (2, 503, 'Huérfano', NULL, '2023-01-15 12:00:00', TRUE, NULL, NULL),
    (3, 504, 'Sin fechas', NULL, '2023-01-15 12:00:00', TRUE, NULL, NULL);
INSERT INTO importacion_cronograma_tarea VALUES
    (1, 1, 1, 1, '1', 'Fase de obra', 1, TRUE, NULL, '2024-01-08', '2024-01-19', 10, NULL, 20, NULL),
    (2, 1, 2, 2, '1.1', 'Soldadura', 2, FALSE, 1, '2024-01-08', '2024-01-12', 5, 60, 50, 'Cuadrilla A'),
    (3, 1, 3, 3, '1.2', 'Pintura', 2, FALSE, 1, '2024-01-15', '2024-01-19', 5, 40, 0, NULL),
    (4, 3, 1, 1, '1', 'Sin fechas', 1, FALSE, NULL, NULL, NULL, 1, NULL, 0, NULL);
INSERT INTO importacion_cronograma_dependencia VALUES (1, 1, 2, 3, 'FS', 1);
INSERT INTO partida_proyectada VALUES (1, 500, 11, '2023-03-05', 1.5), (2, 500, 11, '2023-03-06', 1.625),
    (3, 500, 13, '2023-03-07', 1);
"
    )
}

/// A legacy database on this run's backend, filled with `data`.
fn legacy_db(boss: &str, editor: &str) -> TestDb {
    let db = TestDb::fresh();
    let sql = format!("{SCHEMA}{}", data(boss, editor));
    match faena::db::Backend::from_url(db.url()) {
        faena::db::Backend::Postgres(url) => PgConnection::establish(&url)
            .unwrap()
            .batch_execute(&sql)
            .unwrap(),
        faena::db::Backend::Sqlite(path) => SqliteConnection::establish(&path.to_string_lossy())
            .unwrap()
            .batch_execute(&sql)
            .unwrap(),
    }
    db
}

fn legacy_exec(db: &TestDb, sql: &str) {
    match faena::db::Backend::from_url(db.url()) {
        faena::db::Backend::Postgres(url) => PgConnection::establish(&url)
            .unwrap()
            .batch_execute(sql)
            .unwrap(),
        faena::db::Backend::Sqlite(path) => SqliteConnection::establish(&path.to_string_lossy())
            .unwrap()
            .batch_execute(sql)
            .unwrap(),
    }
}

async fn migrate(app: &TestApp, url: &str, dry_run: bool) -> Report {
    let url = url.to_owned();
    app.db(move |c| {
        legacy_import::run(c, &url, dry_run, Utc::now().naive_utc(), &mut |_, _, _| {}).unwrap()
    })
    .await
}

fn table<'a>(r: &'a Report, name: &str) -> &'a legacy_import::TableReport {
    r.tables.iter().find(|t| t.table == name).unwrap()
}

fn reasons(r: &Report, table: &str, legacy_id: i64) -> Vec<String> {
    r.issues
        .iter()
        .filter(|i| i.table == table && i.legacy_id == legacy_id)
        .map(|i| {
            format!(
                "{}: {}",
                if i.skipped { "omitida" } else { "reparada" },
                i.reason
            )
        })
        .collect()
}

#[tokio::test]
async fn w21_a_legacy_database_migrates_with_its_ids_repairs_reported_and_again_without_duplicates()
{
    let boss = django_hash("clave-anterior-2024", "salAnterior01", 1000);
    let editor = django_hash("otra-clave-anterior", "salAnterior02", 1000);
    let old = legacy_db(&boss, &editor);
    let app = spawn_app().await;

    // A dry run writes nothing and says what would happen.
    let dry = migrate(&app, old.url(), true).await;
    assert!(dry.dry_run);
    assert_eq!(table(&dry, "ot").created, 8);
    let orders: i64 = app
        .db(|c| work_orders::table.count().get_result(c).unwrap())
        .await;
    assert_eq!(orders, 0, "the dry run rolled back");

    let first = migrate(&app, old.url(), false).await;
    let ot = table(&first, "ot");
    assert_eq!((ot.read, ot.created), (10, 8), "{}", first.summary());
    // Skips, each with its reason.
    assert_eq!(reasons(&first, "ot", 503).len(), 1);
    assert!(
        reasons(&first, "ot", 503)[0].starts_with("omitida: reprogramación cuya OT principal 999")
    );
    assert!(reasons(&first, "ot", 509)[0].contains("tipo 99 desconocido"));
    // Repairs, each with its reason.
    assert!(
        reasons(&first, "ot", 502)
            .iter()
            .any(|r| r.contains("sin número: se le dio el 2"))
    );
    assert!(
        reasons(&first, "ot", 504)
            .iter()
            .any(|r| r.contains("OT inicial sin PTE"))
    );
    assert!(
        reasons(&first, "ot", 505)
            .iter()
            .any(|r| r.contains("folio OT-L-500 repetido"))
    );
    assert!(
        reasons(&first, "ot", 506)
            .iter()
            .any(|r| r.contains("estado de registro 7"))
    );
    assert!(
        reasons(&first, "ot", 507)
            .iter()
            .any(|r| r.contains("embarcación 777 inexistente"))
    );
    assert!(
        reasons(&first, "ot", 508)
            .iter()
            .any(|r| r.contains("término programado antes"))
    );
    assert!(
        reasons(&first, "ot_detalle", 1002)
            .iter()
            .any(|r| r.contains("file://C:/docs"))
    );
    assert!(reasons(&first, "ot_detalle", 1003)[0].contains("plantilla 404 inexistente"));
    assert!(reasons(&first, "ot_detalle", 1004)[0].contains("OT 503 que no se migró"));
    assert!(reasons(&first, "ot_detalle", 1005)[0].contains("estatus 99 no es de paso"));
    assert!(reasons(&first, "sitio", 52)[0].starts_with("omitida"));
    assert!(
        reasons(&first, "paso_ot", 41)
            .iter()
            .any(|r| r.contains("conjunto 1 desconocido"))
    );
    assert!(
        reasons(&first, "pte_header", 102)
            .iter()
            .any(|r| r.contains("sin folio"))
    );
    assert!(
        reasons(&first, "auth_user", 4)
            .iter()
            .any(|r| r.contains("no migrable"))
    );
    assert!(first.not_migrated.is_empty(), "{:?}", first.not_migrated);
    // Units, the concept catalog and the annex imports with their items and daily volumes.
    let units = table(&first, "unidad_medida");
    assert_eq!(units.created + units.matched, 2);
    assert_eq!(table(&first, "contrato_concepto_maestro").created, 2);
    assert!(reasons(&first, "contrato_concepto_maestro", 3)[0].contains("unidad 99 inexistente"));
    assert_eq!(table(&first, "importacion_anexo").created, 2);
    assert!(
        reasons(&first, "importacion_anexo", 2)[0].contains("solo la más reciente queda activa")
    );
    assert!(reasons(&first, "importacion_anexo", 3)[0].contains("OT 503 que no se migró"));
    assert_eq!(table(&first, "partida_anexo_importada").created, 3);
    assert!(
        reasons(&first, "partida_anexo_importada", 12)
            .iter()
            .any(|r| r.contains("se le dio la 2"))
    );
    assert!(
        reasons(&first, "partida_anexo_importada", 12)
            .iter()
            .any(|r| r.contains("unidad 99"))
    );
    assert_eq!(table(&first, "partida_proyectada").created, 2);
    assert!(reasons(&first, "partida_proyectada", 3)[0].starts_with("omitida"));
    // Schedules: the valid version with its tasks, link and % complete as progress; an order not
    // migrated and a schedule without dated tasks are skipped.
    assert_eq!(table(&first, "importacion_cronograma").created, 1);
    assert!(reasons(&first, "importacion_cronograma", 2)[0].contains("OT 503 que no se migró"));
    assert!(
        reasons(&first, "importacion_cronograma", 3)[0].starts_with("omitida: programa no válido")
    );
    let (version, tasks, links, file) = app
        .db(|c| {
            let v = faena::db::schedules::active(c, 500).unwrap().unwrap();
            let tasks = faena::db::schedules::tasks_of(c, v.id).unwrap();
            let links = faena::db::schedules::links_of(c, v.id).unwrap();
            let file = faena::db::schedules::file_of(c, v.id).unwrap().unwrap();
            (v, tasks, links, file)
        })
        .await;
    assert_eq!(
        version.file_name,
        "Programa OT-L-500 (sistema anterior).xml"
    );
    assert_eq!(
        tasks
            .iter()
            .map(|(_, t)| (t.name.as_str(), t.summary, t.weight, t.percent_complete))
            .collect::<Vec<_>>(),
        [
            ("Fase de obra", true, None, 2000),
            ("Soldadura", false, Some(60_000_000), 5000),
            ("Pintura", false, Some(40_000_000), 0)
        ]
    );
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].lag_tenths, 4800,
        "one working day of 480 minutes, in tenths"
    );
    assert!(
        String::from_utf8_lossy(&file.1).contains("<Name>Soldadura</Name>"),
        "an MS Project XML"
    );
    assert_eq!(
        version.progress_real, 3000,
        "50 % of a task weighted 60 of 100"
    );
    let imports = app
        .db(|c| faena::db::annexes::imports_of(c, 500).unwrap())
        .await;
    assert_eq!(imports.len(), 2);
    assert_eq!(
        imports
            .iter()
            .map(|i| (i.file_name.as_str(), i.active, i.rows))
            .collect::<Vec<_>>(),
        [("anexo_v2.xlsx", true, 2), ("anexo_v1.xlsx", false, 1)],
        "newest first; one active"
    );
    assert_eq!(
        (imports[0].first_day, imports[0].last_day),
        (
            chrono::NaiveDate::from_ymd_opt(2023, 3, 5),
            chrono::NaiveDate::from_ymd_opt(2023, 3, 6)
        )
    );
    let items = app
        .db(move |c| faena::db::annexes::items_of(c, imports[0].id).unwrap())
        .await;
    assert_eq!(
        items
            .iter()
            .map(|i| (
                i.row_number,
                i.unit.as_str(),
                i.volume,
                i.price_mxn,
                i.price_usd
            ))
            .collect::<Vec<_>>(),
        [
            (1, "MLEG", 3_123_457, 1_002_500, 15_000),
            (2, "", 2_000_000, 100_000, 0)
        ],
        "exact decimals (6 for volumes, 4 for prices)"
    );
    assert!(first.mismatches.is_empty(), "{:?}", first.mismatches);
    assert_eq!(first.verified, 8);
    // Catalog codes: the seeded client 1 and template 1 are the legacy ones; new rows keep ids.
    assert_eq!(table(&first, "cliente").matched, 1);
    // Code catalogs: the seeded codes are the legacy's (accents aside); a different name under a
    // code is reported and Faena's kept; codes Faena lacks are added with their ids.
    assert_eq!(
        (table(&first, "tipo").matched, table(&first, "tipo").created),
        (2, 1)
    );
    assert!(
        reasons(&first, "tipo", 5).is_empty(),
        "REPROGRAMACIÓN is REPROGRAMACION"
    );
    assert!(reasons(&first, "cat_estatus", 10)[0].contains("«FINALIZADA»"));
    assert_eq!(table(&first, "cat_estatus").created, 1);
    assert_eq!(table(&first, "frente").matched, 1);
    let added: String = app
        .db(|c| {
            faena::db::schema::kinds::table
                .find(30)
                .select(faena::db::schema::kinds::description)
                .first(c)
                .unwrap()
        })
        .await;
    assert_eq!(added, "Tipo del sistema anterior");
    // Legacy client 2 is not Faena's client 2: it gets a new id (past every kept one).
    let moved = first
        .remapped
        .iter()
        .find(|(t, legacy, _)| *t == "cliente" && *legacy == 2)
        .map(|(_, _, id)| *id)
        .unwrap();
    assert!(moved > 5 && moved != 7 && moved != 8, "{moved}");
    assert_eq!(table(&first, "paso_ot").matched, 1);
    let csv = String::from_utf8(first.to_csv().unwrap()).unwrap();
    assert!(csv.contains("omitida,ot,503,"));

    // Into an empty database the orders, PTEs and steps keep their legacy ids.
    let (o500, o501, o502, o505, o506, o504) = app
        .db(|c| {
            let f = |id: i32, c: &mut faena::db::DbConn| {
                faena::db::work_orders::find(c, id).unwrap().unwrap()
            };
            (
                f(500, c),
                f(501, c),
                f(502, c),
                f(505, c),
                f(506, c),
                f(504, c),
            )
        })
        .await;
    assert_eq!(o500.folio, "OT-L-500");
    assert_eq!((o500.amount_mxn, o500.amount_usd), (123_450, 1_000));
    assert_eq!(
        (o500.vessel_site_id, o500.yard_site_id),
        (Some(50), Some(51))
    );
    assert!(o500.requires_yard);
    assert_eq!(o500.planning_doc_id, Some(100));
    assert_eq!((o501.parent_id, o501.revision), (Some(500), Some(1)));
    assert_eq!(
        o501.planning_doc_id,
        Some(100),
        "a reprogramming takes its parent's PTE"
    );
    assert_eq!(o502.revision, Some(2));
    assert_eq!(o505.folio, "OT-L-500 (anterior 505)");
    assert_eq!(
        o506.record_state, 0,
        "an invisible legacy state is a deleted order"
    );
    assert_eq!((o504.status_id, o504.planning_doc_id), (10, None));
    let (step_ids, link, client7): (Vec<i32>, Option<String>, String) = app
        .db(|c| {
            (
                steps::table
                    .filter(steps::work_order_id.eq(500))
                    .order(steps::id)
                    .select(steps::id)
                    .load(c)
                    .unwrap(),
                steps::table
                    .find(1002)
                    .select(steps::link)
                    .first(c)
                    .unwrap(),
                clients::table
                    .find(7)
                    .select(clients::description)
                    .first(c)
                    .unwrap(),
            )
        })
        .await;
    assert_eq!(
        step_ids,
        [1000, 1001, 1002],
        "steps as they were, none generated"
    );
    assert_eq!(link, None);
    assert_eq!(client7, "Naviera del Golfo");

    // Users: roles mapped, the legacy password accepted once and replaced by argon2.
    let roles: Vec<(String, String, bool)> = app
        .db(|c| {
            users::table
                .filter(users::username.ne("admin"))
                .order(users::username)
                .select((users::username, users::role, users::must_change_password))
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(
        roles,
        [
            ("gestor1".to_owned(), "gestor".to_owned(), false),
            ("jefe".to_owned(), "admin".to_owned(), false),
            ("lector".to_owned(), "consulta".to_owned(), false),
            ("sinclave".to_owned(), "consulta".to_owned(), true),
        ]
    );
    let wrong = app.login_raw("jefe", "no-es-la-clave").await;
    assert_ne!(crate::helpers::location(&wrong), "/");
    let ok = app.login_raw("jefe", "clave-anterior-2024").await;
    assert_eq!(ok.status(), 303);
    assert_eq!(crate::helpers::location(&ok), "/");
    let stored: String = app
        .db(|c| {
            users::table
                .filter(users::username.eq("jefe"))
                .select(users::password_hash)
                .first(c)
                .unwrap()
        })
        .await;
    assert!(stored.starts_with("$argon2id$"), "{stored}");

    // The legacy history is on the order's page, its HTML shown as text.
    let (detail, at): (Option<String>, String) = app
        .db(|c| {
            activity_log::table
                .filter(activity_log::table_name.eq("work_orders"))
                .filter(activity_log::record_id.eq(500))
                .select((activity_log::detail, activity_log::at))
                .first::<(Option<String>, chrono::NaiveDateTime)>(c)
                .map(|(d, a)| (d, a.to_string()))
                .unwrap()
        })
        .await;
    assert_eq!(detail.as_deref(), Some("<b>cambio</b> de oficio"));
    assert_eq!(
        at, "2023-01-11 15:30:00",
        "the legacy's Mexico City time, stored as UTC"
    );
    let page = app.get("/ot/500").await.text().await.unwrap();
    let rows = crate::helpers::texts(&page, "#historial tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.contains("11/01/2023 09:30") && r.contains("<b>cambio</b> de oficio")),
        "shown as text, at its legacy time: {rows:?}"
    );
    assert!(!page.contains("<b>cambio</b>"), "escaped in the HTML");

    // Again: nothing duplicated; a row changed since is updated.
    legacy_exec(
        &old,
        "UPDATE ot SET descripcion_trabajo = 'Inicial sin PTE, corregida' WHERE id = 504",
    );
    let again = migrate(&app, old.url(), false).await;
    let ot = table(&again, "ot");
    assert_eq!(
        (ot.created, ot.updated, ot.unchanged),
        (0, 1, 7),
        "{}",
        again.summary()
    );
    assert_eq!(table(&again, "ot_detalle").created, 0);
    assert_eq!(table(&again, "registro_actividad").created, 0);
    assert_eq!(table(&again, "importacion_anexo").created, 0);
    assert_eq!(table(&again, "importacion_cronograma").created, 0);
    assert_eq!(table(&again, "partida_proyectada").created, 0);
    let (orders, ptes, steps_n): (i64, i64, i64) = app
        .db(|c| {
            (
                work_orders::table.count().get_result(c).unwrap(),
                planning_docs::table.count().get_result(c).unwrap(),
                steps::table.count().get_result(c).unwrap(),
            )
        })
        .await;
    assert_eq!((orders, ptes, steps_n), (8, 3, 5));
    let description: String = app
        .db(|c| {
            work_orders::table
                .find(504)
                .select(work_orders::description)
                .first(c)
                .unwrap()
        })
        .await;
    assert_eq!(description, "Inicial sin PTE, corregida");
    // The search index follows migrated rows too.
    let body = app.get("/ot?q=corregida").await.text().await.unwrap();
    assert!(body.contains("OT-L-504"));
}

#[tokio::test]
async fn w21_into_a_database_with_orders_the_ids_are_new_and_the_report_maps_them() {
    let old = legacy_db("!x", "!x");
    let app = spawn_app().await;
    app.logged_in("ana", faena::domain::role::Role::Gestor)
        .await;
    let (existing, _) = app.create_initial("OT-PROPIA", &[]).await;
    let report = migrate(&app, old.url(), false).await;
    assert_eq!(table(&report, "ot").created, 8);
    let mapped = report
        .remapped
        .iter()
        .find(|(t, legacy, _)| *t == "ot" && *legacy == 500)
        .map(|(_, _, id)| *id)
        .unwrap();
    assert_ne!(mapped, 500);
    assert!(mapped > existing);
    let folio: String = app
        .db(move |c| {
            work_orders::table
                .find(mapped)
                .select(work_orders::folio)
                .first(c)
                .unwrap()
        })
        .await;
    assert_eq!(folio, "OT-L-500");
    let csv = String::from_utf8(report.to_csv().unwrap()).unwrap();
    assert!(csv.contains(&format!("id_nuevo,ot,500,{mapped},")));
    // A legacy URL that is not a SASCOP database is refused with a message.
    let empty = TestDb::fresh();
    legacy_exec(&empty, "CREATE TABLE otra (id INTEGER)");
    let url = empty.url().to_owned();
    let refused = app
        .db(move |c| {
            legacy_import::run(c, &url, false, Utc::now().naive_utc(), &mut |_, _, _| {})
                .err()
                .map(|e| e.to_string())
        })
        .await;
    assert!(refused.is_some_and(|e| e.contains("no tiene la tabla ot")));
}

/// `faena import-legacy` on the command line: a dry run prints the summary and writes the CSV
/// report, and leaves the database as it was; a bad source is a clear error and a failure exit.
#[test]
fn w21_the_command_line_dry_run_prints_the_report_and_writes_nothing() {
    let old = legacy_db("!x", "!x");
    let db = TestDb::fresh();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("informe.csv");
    let faena = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_faena"))
            .env("DATABASE_URL", db.url())
            .env("RUST_LOG", "warn")
            .args(args)
            .output()
            .unwrap()
    };
    let out = faena(&[
        "import-legacy",
        "--from",
        old.url(),
        "--dry-run",
        "--report",
        report.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Simulación (--dry-run): nada se escribió."));
    assert!(
        stdout.contains("omitidas 1: reprogramación cuya OT principal N no existe o no es inicial"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(&report).unwrap();
    assert!(csv.starts_with("seccion,tabla,id_anterior,id_faena,detalle"));
    assert!(csv.contains("reparada,ot,502,"));
    let pool = faena::startup::open_database(&crate::helpers::test_config(db.url())).unwrap();
    let orders: i64 = faena::db::schema::work_orders::table
        .count()
        .get_result(&mut pool.get().unwrap())
        .unwrap();
    assert_eq!(orders, 0);

    let out = faena(&["import-legacy", "--from", "/no/existe/sascop.db"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no existe el archivo"));
}

/// (folio, oficio, status, planned start, MXN cents, revision) of an imported order.
type Imported = (
    String,
    String,
    i32,
    Option<chrono::NaiveDate>,
    i64,
    Option<i32>,
);

/// A workbook in the legacy `OT_IMPORTAR.xlsx` layout: the header, then rows of text, numbers
/// and Excel dates (`None` leaves the cell empty).
fn ot_importar(rows: &[Vec<Option<XCell>>]) -> Vec<u8> {
    let header = [
        "id",
        "orden_trabajo",
        "descripcion_trabajo",
        "responsable_cliente",
        "oficio_ot",
        "fecha_inicio_programado",
        "fecha_termino_programado",
        "estatus",
        "comentario",
        "id_estatus_ot_id",
        "id_pte_header_id",
        "id_responsable_proyecto_id",
        "id_tipo_id",
        "num_reprogramacion",
        "ot_principal",
        "fecha_inicio_real",
        "fecha_termino_real",
        "monto_mxn",
        "monto_usd",
        "id_frente",
        "id_intercom",
        "id_patio",
        "id_plataforma",
        "id_embarcacion",
        "plazo_dias",
        "id_cliente_id",
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                Some(XCell::S(s)) => ws.write_string(r, c, *s).map(drop).unwrap(),
                Some(XCell::N(n)) => ws.write_number(r, c, *n).map(drop).unwrap(),
                Some(XCell::D(y, m, d)) => ws
                    .write_datetime_with_format(
                        r,
                        c,
                        rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                        &date,
                    )
                    .map(drop)
                    .unwrap(),
                None => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

enum XCell {
    S(&'static str),
    N(f64),
    D(u16, u8, u8),
}

/// One row of the historical layout: folio, oficio, start, PTE folio, kind, parent folio, status.
fn hist(
    folio: &'static str,
    oficio: Option<&'static str>,
    start: Option<XCell>,
    pte: &'static str,
    kind: f64,
    parent: &'static str,
    status: f64,
) -> Vec<Option<XCell>> {
    use XCell::{N, S};
    vec![
        None,
        Some(S(folio)),
        Some(S("Trabajo histórico")),
        Some(S("Ing. Histórico")),
        oficio.map(S),
        start,
        Some(S("28/02/2022")),
        Some(N(1.0)),
        None,
        Some(N(status)),
        Some(S(pte)),
        Some(N(1.0)),
        Some(N(kind)),
        None,
        Some(S(parent)),
        None,
        None,
        Some(N(1500.5)),
        None,
        Some(N(1.0)),
        None,
        None,
        None,
        None,
        Some(N(30.0)),
        Some(N(1.0)),
    ]
}

/// W21 (historical Excel import): PTE folios not found are listed in the preview and created on
/// confirmation, dates read from Excel dates and dd/mm/yyyy text, blank cells stay blank,
/// reprogrammings find their parent in the file, steps come from W3 for new orders only, initials
/// are upserted on (folio, oficio); unknown statuses and project managers are errors with the
/// error workbook, and nothing is written.
#[tokio::test]
async fn w21_historical_orders_import_from_the_legacy_workbook_after_a_preview() {
    use faena::services::order_import::{self, Refusal};
    let app = spawn_app().await;
    let good = ot_importar(&[
        hist(
            "OT-H-1",
            Some("PEP-H-1-2022"),
            Some(XCell::D(2022, 1, 10)),
            "PTE-H-1",
            4.0,
            "",
            10.0,
        ),
        hist(
            "OT-H-2",
            None,
            Some(XCell::S("15/01/2022")),
            "PTE-H-2",
            4.0,
            "",
            8.0,
        ),
        hist(
            "OT-H-1",
            Some("PEP-H-1R-2022"),
            None,
            "",
            5.0,
            "OT-H-1",
            5.0,
        ),
    ]);
    let run = |bytes: Vec<u8>, confirm: bool| {
        app.db(move |c| {
            order_import::import(
                c,
                &bytes,
                confirm,
                &faena::services::Actor::console(),
                Utc::now().naive_utc(),
            )
        })
    };
    let preview = run(good.clone(), false).await.ok().unwrap();
    assert!(!preview.applied);
    assert_eq!(preview.new_ptes, ["PTE-H-1", "PTE-H-2"]);
    assert_eq!(preview.created, ["OT-H-1", "OT-H-2"]);
    assert_eq!(preview.reprogrammings, ["OT-H-1 R1"]);
    let none: i64 = app
        .db(|c| work_orders::table.count().get_result(c).unwrap())
        .await;
    assert_eq!(none, 0, "the preview writes nothing");

    let done = run(good.clone(), true).await.ok().unwrap();
    assert!(done.applied);
    let rows: Vec<Imported> = app
        .db(|c| {
            work_orders::table
                .order(work_orders::id)
                .select((
                    work_orders::folio,
                    work_orders::oficio,
                    work_orders::status_id,
                    work_orders::planned_start,
                    work_orders::amount_mxn,
                    work_orders::revision,
                ))
                .load(c)
                .unwrap()
        })
        .await;
    assert_eq!(
        rows,
        [
            (
                "OT-H-1".into(),
                "PEP-H-1-2022".into(),
                10,
                chrono::NaiveDate::from_ymd_opt(2022, 1, 10),
                150_050,
                None
            ),
            (
                "OT-H-2".into(),
                "".into(),
                8,
                chrono::NaiveDate::from_ymd_opt(2022, 1, 15),
                150_050,
                None
            ),
            (
                "OT-H-1".into(),
                "PEP-H-1R-2022".into(),
                5,
                None,
                150_050,
                Some(1)
            ),
        ]
    );
    let step_count: i64 = app
        .db(|c| steps::table.count().get_result(c).unwrap())
        .await;
    assert!(step_count > 0, "W3 steps for the new orders");

    // Again: the initials are updated (same folio and oficio), no new steps.
    let again = run(good, true).await.ok().unwrap();
    assert_eq!(again.updated, ["OT-H-1", "OT-H-2", "OT-H-1 R1"]);
    assert!(
        again.created.is_empty() && again.new_ptes.is_empty() && again.reprogrammings.is_empty()
    );
    let steps_after: i64 = app
        .db(|c| steps::table.count().get_result(c).unwrap())
        .await;
    assert_eq!(
        steps_after, step_count,
        "no steps for orders that were there"
    );

    // Unknown status or project manager: errors (not the legacy's silent fallbacks), nothing
    // written, the rows returned with their observations.
    let mut bad_manager = hist("OT-H-9", Some("X"), None, "PTE-H-9", 4.0, "", 10.0);
    bad_manager[11] = Some(XCell::N(99.0));
    let bad = ot_importar(&[
        hist(
            "OT-H-8",
            Some("X"),
            Some(XCell::S("31/02/2022")),
            "PTE-H-8",
            4.0,
            "",
            10.0,
        ),
        hist("OT-H-7", Some("X"), None, "PTE-H-7", 4.0, "", 77.0),
        bad_manager,
        hist("OT-H-6", Some("X"), None, "", 5.0, "OT-NO-EXISTE", 5.0),
    ]);
    let refused = run(bad.clone(), true).await;
    let Err(Refusal::Rows(errors, _)) = refused else {
        panic!("a date error is refused first");
    };
    assert!(errors[0].reason.contains("«31/02/2022» no es una fecha"));
    let bad = ot_importar(&[
        hist("OT-H-7", Some("X"), None, "PTE-H-7", 4.0, "", 77.0),
        {
            let mut r = hist("OT-H-9", Some("X"), None, "PTE-H-9", 4.0, "", 10.0);
            r[11] = Some(XCell::N(99.0));
            r
        },
        hist("OT-H-6", Some("X"), None, "", 5.0, "OT-NO-EXISTE", 5.0),
    ]);
    let Err(Refusal::Rows(errors, book)) = run(bad, true).await else {
        panic!("refused");
    };
    let reasons: Vec<&str> = errors.iter().map(|e| e.reason.as_str()).collect();
    assert!(
        reasons[0].contains("estatus 77 no es un estatus de OT"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("responsable del proyecto 99 inexistente"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].contains("«OT-NO-EXISTE» no es una OT inicial"),
        "{reasons:?}"
    );
    assert!(
        book.is_some_and(|b| b.starts_with(b"PK")),
        "the error workbook"
    );
    let (orders, ptes): (i64, i64) = app
        .db(|c| {
            (
                work_orders::table.count().get_result(c).unwrap(),
                planning_docs::table.count().get_result(c).unwrap(),
            )
        })
        .await;
    assert_eq!((orders, ptes), (3, 2), "nothing written");
}

/// The same import from the administrator's page: upload, preview (nothing written), confirm;
/// a refused file lists its rows and offers the error workbook; only administrators.
#[tokio::test]
async fn w21_the_admin_page_previews_then_imports_historical_orders() {
    let app = spawn_app().await;
    app.logged_in("root", faena::domain::role::Role::Admin)
        .await;
    let post = async |bytes: Vec<u8>| {
        let token = app.csrf_from("/admin/importar-ots").await;
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token)
            .part(
                "archivo",
                reqwest::multipart::Part::bytes(bytes).file_name("OT_IMPORTAR.xlsx"),
            );
        app.client
            .post(app.url("/admin/importar-ots"))
            .multipart(form)
            .send()
            .await
            .unwrap()
    };
    let good = ot_importar(&[
        hist(
            "OT-P-1",
            Some("PEP-P-1-2022"),
            Some(XCell::D(2022, 1, 10)),
            "PTE-P-1",
            4.0,
            "",
            10.0,
        ),
        hist(
            "OT-P-1",
            Some("PEP-P-1R-2022"),
            None,
            "",
            5.0,
            "OT-P-1",
            5.0,
        ),
    ]);
    let r = post(good).await;
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    let preview = crate::helpers::texts(&body, "#vista-previa li").join(" | ");
    assert!(preview.contains("PTE nuevas (1): PTE-P-1"), "{preview}");
    assert!(
        preview.contains("Reprogramaciones nuevas (1): OT-P-1 R1"),
        "{preview}"
    );
    let none: i64 = app
        .db(|c| work_orders::table.count().get_result(c).unwrap())
        .await;
    assert_eq!(none, 0, "the preview writes nothing");
    let held = crate::helpers::attr(&body, "input[name=pendiente]", "value");
    let token = crate::helpers::csrf_in(&body).unwrap();
    let r = app
        .post_form(
            "/admin/importar-ots/confirmar",
            &[("pendiente", held.as_str()), ("csrf_token", token.as_str())],
        )
        .await;
    assert_eq!(r.status(), 303);
    let orders: i64 = app
        .db(|c| work_orders::table.count().get_result(c).unwrap())
        .await;
    assert_eq!(orders, 2);

    let bad = ot_importar(&[hist("OT-P-2", Some("X"), None, "PTE-P-2", 4.0, "", 77.0)]);
    let r = post(bad).await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        crate::helpers::texts(&body, "#errores-importacion td")
            .iter()
            .any(|t| t.contains("estatus 77 no es un estatus de OT"))
    );
    let book = crate::helpers::attr(&body, "#libro-errores", "href");
    let r = app.get(&book).await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    let reader =
        crate::helpers::spawn_second_login(&app, "gema", faena::domain::role::Role::Gestor).await;
    let r = reader
        .get(app.url("/admin/importar-ots"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
