//! W14: importing an OT's Anexo C from a workbook generated here with rust_xlsxwriter (no binary
//! fixtures): the happy path with date columns, each rejection reason, the file checks, update
//! mode, two uploads at once, roles and CSRF, and the exports.

use chrono::NaiveDate;
use diesel::prelude::*;
use faena::db::DbConn;
use faena::db::annexes::{self, NewConcept};
use faena::db::schema::{annex_daily, annex_imports, annex_items};
use faena::domain::role::Role;
use rust_xlsxwriter::{Format, Workbook};

use crate::helpers::{TestApp, csrf_in, history, location, spawn_app, spawn_second_login, texts};

/// A cell of a generated workbook.
#[derive(Clone)]
pub(crate) enum X {
    S(&'static str),
    N(f64),
    D(NaiveDate),
    E,
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, d).unwrap()
}

pub(crate) fn book(sheets: &[(&str, Vec<Vec<X>>)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    X::S(s) => ws.write_string(r, c, *s).map(drop),
                    X::N(n) => ws.write_number(r, c, *n).map(drop),
                    X::D(d) => ws.write_datetime_with_format(r, c, d, &date).map(drop),
                    X::E => Ok(()),
                }
                .unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A workbook with one sheet "ANEXO C": the header, then `rows`.
pub(crate) fn annex_book(rows: Vec<Vec<X>>) -> Vec<u8> {
    let mut all = vec![header()];
    all.extend(rows);
    book(&[("ANEXO C", all)])
}

pub(crate) fn header() -> Vec<X> {
    vec![
        X::S("ANEXO"),
        X::S("PARTIDA"),
        X::S("CONCEPTO"),
        X::S("UNIDAD"),
        X::S("VOLUMEN PTE"),
        X::S("P.U. M.N."),
        X::S("P.U. USD"),
        X::D(day(1)),
        X::D(day(2)),
        X::D(day(31)),
    ]
}

pub(crate) fn row(
    code: &'static str,
    desc: &'static str,
    unit: &'static str,
    volume: f64,
) -> Vec<X> {
    vec![
        X::S("C-2"),
        X::S(code),
        X::S(desc),
        X::S(unit),
        X::N(volume),
        X::N(100.0),
        X::N(2.5),
        X::N(1.5),
        X::E,
        X::N(0.25),
    ]
}

/// The concept catalog the tests validate against.
pub(crate) fn seed_concepts(c: &mut DbConn) {
    let concept = |code: &str, description: &str, unit_id, price_mxn| NewConcept {
        code: code.into(),
        description: description.into(),
        unit_id,
        price_mxn,
        price_usd: 0,
        annex: "C-2".into(),
        active: true,
    };
    annexes::insert_concepts(
        c,
        &[
            concept("A-1", "SUMINISTRO DE VÁLVULA DE 2 PULGADAS", 1, 0),
            concept("A-2", "PINTURA ANTICORROSIVA", 3, 12_345_000),
            concept("A-3", "LIMPIEZA CON CHORRO DE ARENA", 3, 0),
        ],
    )
    .unwrap();
    annexes::insert_rate(
        c,
        191_648,
        NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
        chrono::Utc::now().naive_utc(),
        None,
        "root",
    )
    .unwrap();
}

async fn setup() -> (TestApp, i32) {
    let app = spawn_app().await;
    app.logged_in("gus", Role::Gestor).await;
    app.db(seed_concepts).await;
    let (id, _) = app.create_initial("OT-ANX", &[]).await;
    (app, id)
}

async fn upload(
    app: &TestApp,
    id: i32,
    name: &str,
    bytes: Vec<u8>,
    mode: &str,
) -> reqwest::Response {
    let token = app.csrf_from(&format!("/ot/{id}")).await;
    upload_with(&app.client, app, id, name, bytes, mode, Some(&token)).await
}

async fn upload_with(
    client: &reqwest::Client,
    app: &TestApp,
    id: i32,
    name: &str,
    bytes: Vec<u8>,
    mode: &str,
    token: Option<&str>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    if let Some(t) = token {
        form = form.text("csrf_token", t.to_owned());
    }
    let form = form.text("modo", mode.to_owned()).part(
        "archivo",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    client
        .post(app.url(&format!("/ot/{id}/anexo")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[derive(Debug, PartialEq, Eq)]
struct Stored {
    imports: i64,
    active: i64,
    items: i64,
    daily: i64,
}

async fn stored(app: &TestApp) -> Stored {
    app.db(|c| {
        let imports = annex_imports::table.count().get_result(c).unwrap();
        let active = annex_imports::table
            .filter(annex_imports::active.eq(true))
            .count()
            .get_result(c)
            .unwrap();
        let items = annex_items::table.count().get_result(c).unwrap();
        let daily = annex_daily::table.count().get_result(c).unwrap();
        Stored {
            imports,
            active,
            items,
            daily,
        }
    })
    .await
}

fn nothing() -> Stored {
    Stored {
        imports: 0,
        active: 0,
        items: 0,
        daily: 0,
    }
}

async fn items(app: &TestApp, id: i32) -> Vec<annexes::ItemRow> {
    app.db(move |c| {
        let import = annexes::active_import(c, id).unwrap().unwrap();
        annexes::items_of(c, import.id).unwrap()
    })
    .await
}

#[tokio::test]
async fn w14_an_annex_with_date_columns_is_imported_exactly() {
    let (app, id) = setup().await;
    let bytes = annex_book(vec![
        row("A-1", "Suministro de válvula de 2 pulgadas", "pza", 2.5),
        row("a-2", "pintura  anticorrosiva", "M2", 0.1 + 0.2),
        vec![X::E, X::S("TOTAL"), X::E, X::S("-")],
    ]);
    let r = upload(&app, id, "Anexo C.xlsx", bytes, "nueva").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/ot/{id}#anexo"));
    assert_eq!(
        stored(&app).await,
        Stored {
            imports: 1,
            active: 1,
            items: 2,
            daily: 4
        }
    );
    let rows = items(&app, id).await;
    assert_eq!(rows[0].code, "A-1");
    assert_eq!(rows[0].volume, 2_500_000);
    assert_eq!(
        rows[0].price_mxn, 1_000_000,
        "catalog price 0: the file's $100"
    );
    assert_eq!(rows[1].volume, 300_000, "0.1 + 0.2 is 0.3 at 6 decimals");
    assert_eq!(rows[1].price_mxn, 12_345_000, "catalog price wins");
    assert_eq!(rows[1].price_usd, 25_000);

    let page = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert_eq!(
        texts(&page, ".flash"),
        ["Nueva importación creada: 2 partidas registradas."]
    );
    // MXN: 2.5 × 100 + 0.3 × 1,234.5 = 620.35; USD: 2.8 × 2.5 = 7.00; at 19.1648: 754.50.
    assert_eq!(texts(&page, "#total-mxn"), ["$620.35 MXN"]);
    assert_eq!(texts(&page, "#total-usd"), ["$7.00 USD"]);
    assert_eq!(texts(&page, "#total-homologado"), ["$754.50 MXN"]);
    assert!(texts(&page, "#tipo-de-cambio")[0].contains("19.1648"));
    let head = texts(&page, "#anexo-partidas thead th");
    assert!(head.ends_with(&["mar 2025".to_owned()]), "{head:?}");
    assert_eq!(
        texts(&page, "#anexo-partidas tbody tr:first-child td:last-child"),
        ["1.75"]
    );
    let log = app.db(move |c| history(c, "work_orders", id)).await;
    assert_eq!(log[0].action, "importar");
    assert!(log[0].detail.as_deref().unwrap().contains("2 partidas"));
}

#[tokio::test]
async fn w14_every_rejection_reason_is_reported_and_nothing_is_written() {
    let (app, id) = setup().await;
    let bytes = annex_book(vec![
        row("A-1", "Suministro de válvula de 2 pulgadas", "PZA", 1.0),
        row("A-1", "Otra descripción", "M2", 1.0),
        row("A-9", "Pintura anticorrosiva", "M2", 1.0),
        row("Z-1", "Algo que no existe", "PZA", 1.0),
        row("A-3", "Limpieza con chorro de arena", "KM", 1.0),
    ]);
    let r = upload(&app, id, "anexo.xlsx", bytes, "nueva").await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert_eq!(
        texts(&page, "#error-anexo"),
        ["No se importó nada: 4 de 5 partidas tienen errores."]
    );
    assert_eq!(
        texts(&page, "#errores-anexo td:nth-child(3)"),
        [
            "DESCRIPCIÓN DIFERENTE. UNIDAD DIFERENTE. Excel: 'M2' vs Catálogo: 'PZA'",
            "CÓDIGO INCORRECTO. Partida 'A-9' no existe.",
            "NO ENCONTRADO en catálogo.",
            "Unidad 'KM' no existe en el sistema.",
        ]
    );
    assert_eq!(stored(&app).await, nothing());

    // The error workbook: OBSERVACIONES first, then the original columns, every row.
    let href = crate::helpers::attr(&page, "#libro-errores", "href");
    let r = app.get(&href).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("Errores Importacion").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(rows[0][0], "OBSERVACIONES");
    assert_eq!(rows[0][2], "PARTIDA");
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[1][0], "", "the valid row has no observation");
    assert_eq!(rows[5][0], "Unidad 'KM' no existe en el sistema.");
    assert_eq!(rows[5][2], "A-3");

    // Another user cannot fetch it.
    let other = spawn_second_login(&app, "otra", Role::Gestor).await;
    let r = other.get(app.url(&href)).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn w14_header_discovery_ok_filter_and_missing_annex_column() {
    let (app, id) = setup().await;
    // Header on row 7 of the second sheet; the OK column keeps only marked rows.
    let mut h = header();
    h.push(X::S("OK"));
    let mut marked = row("A-1", "Suministro de válvula de 2 pulgadas", "PZA", 1.0);
    marked.push(X::S("ok"));
    let mut unmarked = row("A-9", "No vale", "PZA", 1.0);
    unmarked.push(X::E);
    let mut sheet = vec![vec![X::S("Programa de recursos")]; 6];
    sheet.push(h);
    sheet.push(marked);
    sheet.push(unmarked);
    let bytes = book(&[("Portada", vec![vec![X::S("Portada")]]), ("Hoja2", sheet)]);
    let r = upload(&app, id, "anexo.XLSX", bytes, "nueva").await;
    assert_eq!(r.status(), 303);
    assert_eq!(stored(&app).await.items, 1);

    let mut no_annex = header();
    no_annex[0] = X::S("SECCIÓN");
    let bytes = book(&[("ANEXO C", vec![no_annex, row("A-1", "x", "PZA", 1.0)])]);
    let r = upload(&app, id, "anexo.xlsx", bytes, "nueva").await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(texts(&page, "#error-anexo")[0].contains("le falta la columna ANEXO"));

    let bytes = book(&[("Datos", vec![vec![X::S("nada")]])]);
    let r = upload(&app, id, "anexo.xlsx", bytes, "nueva").await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(texts(&page, "#error-anexo")[0].contains("No se encontró el encabezado"));
    assert_eq!(
        stored(&app).await.imports,
        1,
        "the refused files wrote nothing"
    );
}

/// A zip whose central directory declares a 4 GB entry (a zip bomb's shape) in a tiny file.
fn forged_zip() -> Vec<u8> {
    let name = b"xl/workbook.xml";
    let data = b"0123456789";
    let declared: u32 = 4_000_000_000;
    let mut z = Vec::new();
    let le16 = |v: u16| v.to_le_bytes();
    let le32 = |v: u32| v.to_le_bytes();
    z.extend(le32(0x0403_4b50));
    z.extend(le16(20));
    z.extend(le16(0));
    z.extend(le16(0));
    z.extend(le32(0));
    z.extend(le32(0));
    z.extend(le32(data.len() as u32));
    z.extend(le32(declared));
    z.extend(le16(name.len() as u16));
    z.extend(le16(0));
    z.extend(name);
    z.extend(data);
    let cd_start = z.len() as u32;
    z.extend(le32(0x0201_4b50));
    z.extend(le16(20));
    z.extend(le16(20));
    z.extend(le16(0));
    z.extend(le16(0));
    z.extend(le32(0));
    z.extend(le32(0));
    z.extend(le32(data.len() as u32));
    z.extend(le32(declared));
    z.extend(le16(name.len() as u16));
    z.extend(le16(0));
    z.extend(le16(0));
    z.extend(le16(0));
    z.extend(le16(0));
    z.extend(le32(0));
    z.extend(le32(0));
    z.extend(name);
    let cd_size = z.len() as u32 - cd_start;
    z.extend(le32(0x0605_4b50));
    z.extend(le16(0));
    z.extend(le16(0));
    z.extend(le16(1));
    z.extend(le16(1));
    z.extend(le32(cd_size));
    z.extend(le32(cd_start));
    z.extend(le16(0));
    z
}

#[tokio::test]
async fn w14_files_that_are_not_sane_workbooks_are_refused_before_parsing() {
    let (app, id) = setup().await;
    let ole = {
        let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        b.extend(vec![0; 512]);
        b
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("anexo.xls", ole.clone(), "guárdelo"),
        ("anexo.xlsx", ole, "guárdelo"),
        ("anexo.csv", b"a,b".to_vec(), "Solo se aceptan"),
        (
            "anexo.xlsx",
            b"no soy un zip".to_vec(),
            "no es un libro de Excel",
        ),
        ("anexo.xlsx", forged_zip(), "tamaño excesivo"),
        ("anexo.xlsx", Vec::new(), "vacío"),
    ];
    for (name, bytes, expected) in cases {
        let r = upload(&app, id, name, bytes, "nueva").await;
        assert_eq!(r.status(), 422, "{name} {expected}");
        let page = r.text().await.unwrap();
        let message = texts(&page, "#error-anexo").join(" ");
        assert!(message.contains(expected), "{name}: {message}");
    }
    // Over 10 MiB: refused before the handler reads it.
    let big = vec![b'x'; 11 * 1024 * 1024];
    let r = upload(&app, id, "grande.xlsx", big, "nueva").await;
    assert_eq!(r.status(), 413);
    assert_eq!(stored(&app).await, nothing());
}

#[tokio::test]
async fn w14_update_mode_updates_matched_items_adds_new_ones_and_keeps_the_rest() {
    let (app, id) = setup().await;
    let first = annex_book(vec![
        row("A-1", "Suministro de válvula de 2 pulgadas", "PZA", 1.0),
        row("A-2", "Pintura anticorrosiva", "M2", 1.0),
    ]);
    // Update without an active import is refused.
    let r = upload(&app, id, "a.xlsx", first.clone(), "actualizar").await;
    assert_eq!(r.status(), 409);
    assert_eq!(stored(&app).await, nothing());
    assert_eq!(
        upload(&app, id, "a.xlsx", first, "nueva").await.status(),
        303
    );

    let mut changed = row("A-1", "Suministro de válvula de 2 pulgadas", "PZA", 7.0);
    changed[0] = X::S("C-5");
    changed[7] = X::E;
    changed[8] = X::N(3.0);
    let second = annex_book(vec![
        changed,
        row("A-3", "Limpieza con chorro de arena", "M2", 4.0),
    ]);
    let r = upload(&app, id, "b.xlsx", second, "actualizar").await;
    assert_eq!(r.status(), 303);
    let page = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert_eq!(
        texts(&page, ".flash"),
        ["Anexo actualizado: 1 partidas actualizadas, 1 agregadas, 1 sin cambio."]
    );
    let rows = items(&app, id).await;
    let codes: Vec<_> = rows
        .iter()
        .map(|r| (r.code.as_str(), r.annex.as_str(), r.volume))
        .collect();
    assert_eq!(
        codes,
        [
            ("A-1", "C-5", 7_000_000),
            ("A-2", "C-2", 1_000_000),
            ("A-3", "C-2", 4_000_000)
        ]
    );
    let a1 = rows[0].id;
    let days: Vec<(NaiveDate, i64)> = app
        .db(move |c| {
            annexes::daily_of(c, &[a1])
                .unwrap()
                .into_iter()
                .map(|(_, d, v)| (d, v))
                .collect()
        })
        .await;
    assert_eq!(days, [(day(2), 3_000_000), (day(31), 250_000)], "replaced");
    let s = stored(&app).await;
    assert_eq!((s.imports, s.active, s.items), (1, 1, 3));
}

#[tokio::test]
async fn w14_a_new_import_keeps_the_old_one_inactive_even_for_two_at_once() {
    let (app, id) = setup().await;
    let bytes = annex_book(vec![row(
        "A-1",
        "Suministro de válvula de 2 pulgadas",
        "PZA",
        1.0,
    )]);
    let token = app.csrf_from(&format!("/ot/{id}")).await;
    let (a, b) = tokio::join!(
        upload_with(
            &app.client,
            &app,
            id,
            "a.xlsx",
            bytes.clone(),
            "nueva",
            Some(&token)
        ),
        upload_with(
            &app.client,
            &app,
            id,
            "b.xlsx",
            bytes.clone(),
            "nueva",
            Some(&token)
        ),
    );
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let s = stored(&app).await;
    assert_eq!((s.imports, s.active, s.items), (2, 1, 2));
    assert_eq!(
        upload(&app, id, "c.xlsx", bytes, "nueva").await.status(),
        303
    );
    let s = stored(&app).await;
    assert_eq!((s.imports, s.active), (3, 1));
    let page = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert_eq!(texts(&page, "#anexo-importaciones tbody tr").len(), 3);
}

#[tokio::test]
async fn w14_only_gestor_and_admin_import_and_the_token_is_checked() {
    let (app, id) = setup().await;
    let bytes = annex_book(vec![row(
        "A-1",
        "Suministro de válvula de 2 pulgadas",
        "PZA",
        1.0,
    )]);
    let r = upload_with(
        &app.client,
        &app,
        id,
        "a.xlsx",
        bytes.clone(),
        "nueva",
        None,
    )
    .await;
    assert_eq!(r.status(), 403, "no token");
    let r = upload_with(
        &app.client,
        &app,
        id,
        "a.xlsx",
        bytes.clone(),
        "nueva",
        Some("x"),
    )
    .await;
    assert_eq!(r.status(), 403, "wrong token");
    let reader = spawn_second_login(&app, "cora", Role::Consulta).await;
    let page = reader
        .get(app.url(&format!("/ot/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        texts(&page, "#importar-anexo").is_empty(),
        "no form for consulta"
    );
    let token = csrf_in(&page).unwrap();
    let r = upload_with(&reader, &app, id, "a.xlsx", bytes, "nueva", Some(&token)).await;
    assert_eq!(r.status(), 403);
    assert_eq!(stored(&app).await, nothing());
}

#[tokio::test]
async fn w14_the_items_export_to_csv_and_xlsx() {
    let (app, id) = setup().await;
    let bytes = annex_book(vec![
        row("A-1", "Suministro de válvula de 2 pulgadas", "PZA", 2.5),
        row("A-2", "Pintura anticorrosiva", "M2", 1.0),
    ]);
    assert_eq!(
        upload(&app, id, "a.xlsx", bytes, "nueva").await.status(),
        303
    );
    let csv_bytes = app
        .get(&format!("/ot/{id}/anexo.csv"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(csv_bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&csv_bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][2], "A-1");
    assert_eq!(&rows[0][3], "SUMINISTRO DE VÁLVULA DE 2 PULGADAS");
    assert_eq!((&rows[0][5], &rows[0][8]), ("2.5", "250.00"));
    assert_eq!((&rows[1][6], &rows[1][8]), ("1234.5", "1234.50"));

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let x = app
        .get(&format!("/ot/{id}/anexo.xlsx"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(x.clone())).unwrap();
    let range = wb.worksheet_range("Anexo C").unwrap();
    assert_eq!(range.get((1, 5)), Some(&Data::Float(2.5)));
    assert_eq!(range.get((2, 8)), Some(&Data::Float(1234.5)));
    // Volumes show as people write them (2.5, not 2.500000), up to their 6 decimals.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(x)).unwrap();
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(styles.contains("formatCode=\"#,##0.00####\""), "{styles}");

    // Every role may export; an order without an import has nothing to export.
    let reader = spawn_second_login(&app, "cora", Role::Consulta).await;
    let r = reader
        .get(app.url(&format!("/ot/{id}/anexo.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (other, _) = app.create_initial("OT-SIN", &[]).await;
    assert_eq!(
        app.get(&format!("/ot/{other}/anexo.csv")).await.status(),
        404
    );
    assert_eq!(app.get("/ot/999/anexo.csv").await.status(), 404);
}

async fn admin_post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_from("/admin/conceptos").await;
    let mut form = form.to_vec();
    form.push(("csrf_token", &token));
    app.post_form(path, &form).await
}

#[tokio::test]
async fn w14_the_exchange_rate_is_administered_with_its_date() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    for (form, field) in [
        (
            vec![("tipo_cambio", "abc"), ("fecha", "2025-03-01")],
            "tipo_cambio",
        ),
        (
            vec![("tipo_cambio", "0"), ("fecha", "2025-03-01")],
            "tipo_cambio",
        ),
        (
            vec![("tipo_cambio", "19.5"), ("fecha", "31/02/2025")],
            "fecha",
        ),
        (vec![("tipo_cambio", "19.5"), ("fecha", "")], "fecha"),
    ] {
        let r = admin_post(&app, "/admin/tipo-de-cambio", &form).await;
        assert_eq!(r.status(), 422, "{form:?}");
        let body = r.text().await.unwrap();
        assert_eq!(crate::helpers::invalid_fields(&body), [field]);
    }
    assert!(
        app.db(|c| annexes::current_rate(c).unwrap())
            .await
            .is_none()
    );
    let r = admin_post(
        &app,
        "/admin/tipo-de-cambio",
        &[("tipo_cambio", "17.25"), ("fecha", "01/10/2025")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = admin_post(
        &app,
        "/admin/tipo-de-cambio",
        &[("tipo_cambio", "18.0567"), ("fecha", "2025-11-01")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let rate = app.db(|c| annexes::current_rate(c).unwrap()).await.unwrap();
    assert_eq!(rate.rate, 180_567, "the newest one is in use");
    let page = app.get("/admin/tipo-de-cambio").await.text().await.unwrap();
    assert_eq!(
        texts(&page, "#tipos-de-cambio tbody tr td:first-child"),
        ["18.0567", "17.25"]
    );
    // The OT page says which rate its totals use.
    let (id, _) = app.create_initial("OT-1", &[]).await;
    app.db(seed_concepts_only).await;
    let bytes = annex_book(vec![row(
        "A-1",
        "Suministro de válvula de 2 pulgadas",
        "PZA",
        1.0,
    )]);
    assert_eq!(
        upload(&app, id, "a.xlsx", bytes, "nueva").await.status(),
        303
    );
    let page = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert_eq!(
        texts(&page, "#tipo-de-cambio"),
        ["18.0567 MXN por USD, vigente desde 01/11/2025"]
    );
    // $100 MXN + $2.50 USD × 18.0567 = $145.14
    assert_eq!(texts(&page, "#total-homologado"), ["$145.14 MXN"]);
    // Pages keep the rate per instance with the catalogs' version: a new rate shows at once.
    let r = admin_post(
        &app,
        "/admin/tipo-de-cambio",
        &[("tipo_cambio", "20"), ("fecha", "2025-12-01")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert_eq!(
        texts(&page, "#tipo-de-cambio"),
        ["20 MXN por USD, vigente desde 01/12/2025"]
    );
    // $100 MXN + $2.50 USD × 20 = $150.00
    assert_eq!(texts(&page, "#total-homologado"), ["$150.00 MXN"]);
}

fn seed_concepts_only(c: &mut DbConn) {
    annexes::insert_concepts(
        c,
        &[NewConcept {
            code: "A-1".into(),
            description: "SUMINISTRO DE VÁLVULA DE 2 PULGADAS".into(),
            unit_id: 1,
            price_mxn: 0,
            price_usd: 0,
            annex: String::new(),
            active: true,
        }],
    )
    .unwrap();
}

#[tokio::test]
async fn w14_concepts_and_units_are_administered_and_deactivation_refuses_rows() {
    let (app, id) = setup().await;
    let admin = spawn_second_login(&app, "root", Role::Admin).await;
    let page = admin
        .get(app.url("/admin/conceptos"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_in(&page).unwrap();
    let post = |path: &'static str, form: Vec<(&'static str, &'static str)>| {
        let mut form = form;
        form.push(("csrf_token", token.as_str()));
        let form: Vec<(String, String)> = form
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        admin.post(app.url(path)).form(&form).send()
    };
    // A new unit, then a concept in it.
    let r = post(
        "/admin/catalogos/unidades",
        vec![("descripcion", "km"), ("comentario", "Kilómetro")],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 303);
    let unit: i32 = app
        .db(|c| {
            annexes::active_units(c)
                .unwrap()
                .into_iter()
                .find(|u| u.clave == "KM")
                .unwrap()
                .id
        })
        .await;
    let unit_s: &'static str = Box::leak(unit.to_string().into_boxed_str());
    let concept = vec![
        ("partida", "b-1"),
        ("descripcion", "Tendido de línea"),
        ("unidad", unit_s),
        ("pu_mxn", "1,500.25"),
        ("pu_usd", ""),
        ("anexo", "C-3"),
    ];
    assert_eq!(
        post("/admin/conceptos", concept.clone())
            .await
            .unwrap()
            .status(),
        303
    );
    let r = post("/admin/conceptos", concept).await.unwrap();
    assert_eq!(r.status(), 409, "same code, description and unit");
    let r = post(
        "/admin/conceptos",
        vec![
            ("partida", ""),
            ("descripcion", "x"),
            ("unidad", "999"),
            ("pu_mxn", "-1"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    let mut marked = crate::helpers::invalid_fields(&body);
    marked.sort();
    assert_eq!(marked, ["partida", "pu_mxn", "unidad"]);
    let (total, rows) = app
        .db(|c| annexes::concepts_page(c, Some("tendido"), 0, 50).unwrap())
        .await;
    assert_eq!(total, 1);
    assert_eq!(
        (
            rows[0].code.as_str(),
            rows[0].price_mxn,
            rows[0].unit.as_str()
        ),
        ("B-1", 15_002_500, "KM")
    );

    // A deactivated concept refuses the annex rows that use it.
    let a1 = app
        .db(|c| annexes::concepts_page(c, Some("a-1"), 0, 1).unwrap().1[0].id)
        .await;
    let path: &'static str =
        Box::leak(format!("/admin/conceptos/{a1}/desactivar").into_boxed_str());
    assert_eq!(post(path, vec![]).await.unwrap().status(), 303);
    let bytes = annex_book(vec![row(
        "A-1",
        "Suministro de válvula de 2 pulgadas",
        "PZA",
        1.0,
    )]);
    let r = upload(&app, id, "a.xlsx", bytes, "nueva").await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert_eq!(
        texts(&page, "#errores-anexo td:nth-child(3)"),
        ["NO ENCONTRADO en catálogo."]
    );

    // Gestor and consulta cannot reach these pages.
    for path in [
        "/admin/conceptos",
        "/admin/tipo-de-cambio",
        "/admin/catalogos/unidades",
    ] {
        assert_eq!(app.get(path).await.status(), 403, "{path}");
    }
}

#[tokio::test]
async fn w14_the_concept_catalog_imports_all_or_nothing_from_a_workbook() {
    let app = spawn_app().await;
    app.logged_in("root", Role::Admin).await;
    let head = vec![
        X::S("ANEXO"),
        X::S("PARTIDA"),
        X::S("CONCEPTO"),
        X::S("UNIDAD"),
        X::S("P.U.M.N."),
        X::S("P.U.USD"),
        X::S("PARTIDA EXT"),
    ];
    let line = |code: &'static str,
                desc: &'static str,
                unit: &'static str,
                mxn: f64,
                ext: &'static str| {
        vec![
            X::S("C-2"),
            X::S(code),
            X::S(desc),
            X::S(unit),
            X::N(mxn),
            X::E,
            X::S(ext),
        ]
    };
    let import = |bytes: Vec<u8>| async {
        let token = app.csrf_from("/admin/conceptos").await;
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token)
            .part(
                "archivo",
                reqwest::multipart::Part::bytes(bytes).file_name("catalogo.xlsx"),
            );
        app.client
            .post(app.url("/admin/conceptos/importar"))
            .multipart(form)
            .send()
            .await
            .unwrap()
    };
    let bad = book(&[(
        "PUEs",
        vec![
            head.clone(),
            line("A-1", "Suministro de válvula", "PZA", 10.0, ""),
            line("", "Flete", "SERV?", 3.0, "EXT-1"),
        ],
    )]);
    let r = import(bad).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert_eq!(
        texts(&page, "#errores-importacion td:nth-child(3)"),
        ["Unidad 'SERV?' no existe en el sistema."]
    );
    let href = crate::helpers::attr(&page, "#libro-errores", "href");
    assert_eq!(app.get(&href).await.status(), 200);
    let count = || app.db(|c| annexes::concepts_page(c, None, 0, 10).unwrap().0);
    assert_eq!(count().await, 0, "nothing imported");

    let good = book(&[(
        "PUEs",
        vec![
            head.clone(),
            line("A-1", "Suministro de válvula", "PZA", 10.0, ""),
            line("", "Flete", "SERV", 3.0, "EXT-1"),
        ],
    )]);
    assert_eq!(import(good).await.status(), 303);
    assert_eq!(count().await, 2);
    // Again with a new price: updated, not duplicated.
    let again = book(&[(
        "PUEs",
        vec![head, line("a-1", "suministro de VÁLVULA", "pza", 12.5, "")],
    )]);
    assert_eq!(import(again).await.status(), 303);
    let (total, rows) = app
        .db(|c| annexes::concepts_page(c, Some("a-1"), 0, 10).unwrap())
        .await;
    assert_eq!(total, 1);
    assert_eq!(rows[0].price_mxn, 125_000);
    let page = app.get("/admin/conceptos").await.text().await.unwrap();
    assert!(texts(&page, "#conceptos td").contains(&"EXT-1".to_owned()));
}

#[tokio::test]
async fn large_multipart_bodies_are_refused_outside_the_upload_routes() {
    let (app, id) = setup().await;
    let token = app.csrf_from(&format!("/ot/{id}")).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part(
            "archivo",
            reqwest::multipart::Part::bytes(vec![b'x'; 512 * 1024]).file_name("a.xlsx"),
        );
    let r = app
        .client
        .post(app.url(&format!("/ot/{id}/estatus")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
}

/// Issue 13 §7: a header shaped like a date that is not one refuses the file and names the column.
#[tokio::test]
async fn w14_an_impossible_date_in_the_header_is_refused_by_column() {
    let (app, id) = setup().await;
    let mut head = header();
    head.push(X::S("31/02/2025"));
    let bytes = book(&[(
        "ANEXO C",
        vec![
            head,
            row("A-1", "Suministro de válvula de 2 pulgadas", "PZA", 1.0),
        ],
    )]);
    let r = upload(&app, id, "a.xlsx", bytes, "nueva").await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(
        texts(&body, "#error-anexo")
            .join(" ")
            .contains("«31/02/2025», que no es una fecha válida"),
        "{:?}",
        texts(&body, "#error-anexo")
    );
    assert_eq!(stored(&app).await, nothing());
}
