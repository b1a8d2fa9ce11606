//! W15–W18: schedules. MSPDI files are written here as MS Project writes them (namespace, a
//! project summary task UID 0, `PT8H0M0S` durations, `PredecessorLink` with `Type` and
//! `LinkLag`, `ExtendedAttributes` with `FieldID`/`Alias` at project level and per task,
//! `Baseline` number 0, `Assignments`), Excel lists with rust_xlsxwriter.

use chrono::NaiveDate;
use diesel::prelude::*;
use faena::db::schedules;
use faena::db::schema::{schedule_links, schedule_progress, schedule_tasks, schedule_versions};
use faena::domain::role::Role;

use crate::annex::{X, book};
use crate::helpers::{
    TestApp, csrf_in, history, location, spawn_app_with, spawn_second_login, texts,
};

/// "Today" for these tests: Wednesday 14 January 2026.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 14).unwrap()
}

/// A task of a generated MSPDI file. Dates are days of January 2026.
#[derive(Clone)]
pub(crate) struct T {
    pub uid: i32,
    pub name: &'static str,
    pub level: i32,
    pub start: u32,
    pub finish: u32,
    pub hours: i64,
    pub weight: Option<&'static str>,
    pub percent: i32,
    /// (predecessor UID, MSPDI type, LinkLag in tenths of a minute)
    pub preds: Vec<(i32, i32, i64)>,
    pub resource: Option<&'static str>,
}

pub(crate) fn t(uid: i32, name: &'static str, level: i32, start: u32, finish: u32) -> T {
    let hours =
        i64::from(faena::domain::schedule::calendar::working_days(jan(start), jan(finish)) as i32)
            * 8;
    T {
        uid,
        name,
        level,
        start,
        finish,
        hours,
        weight: None,
        percent: 0,
        preds: Vec::new(),
        resource: None,
    }
}

fn jan(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
}

/// An MSPDI document: a project summary (UID 0) over `tasks`, WBS numbers from the outline.
pub(crate) fn mspdi(tasks: &[T]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <Project xmlns=\"http://schemas.microsoft.com/project\">\n\
         <SaveVersion>14</SaveVersion><Name>Programa OT.xml</Name><Title>Programa</Title>\
         <ScheduleFromStart>1</ScheduleFromStart><StartDate>2026-01-05T08:00:00</StartDate>\
         <FinishDate>2026-01-30T17:00:00</FinishDate><MinutesPerDay>480</MinutesPerDay>\
         <MinutesPerWeek>2400</MinutesPerWeek><DaysPerMonth>20</DaysPerMonth>\n\
         <ExtendedAttributes><ExtendedAttribute><FieldID>188743731</FieldID>\
         <FieldName>Text1</FieldName><Alias>Pond.</Alias></ExtendedAttribute></ExtendedAttributes>\n\
         <Tasks>\n<Task><UID>0</UID><ID>0</ID><Name>Programa OT</Name><Type>1</Type><IsNull>0</IsNull>\
         <WBS>0</WBS><OutlineNumber>0</OutlineNumber><OutlineLevel>0</OutlineLevel>\
         <Start>2026-01-05T08:00:00</Start><Finish>2026-01-30T17:00:00</Finish>\
         <Duration>PT160H0M0S</Duration><DurationFormat>7</DurationFormat><Milestone>0</Milestone>\
         <Summary>1</Summary><PercentComplete>0</PercentComplete></Task>\n",
    );
    let mut numbers: Vec<i32> = Vec::new();
    for (position, task) in tasks.iter().enumerate() {
        let level = usize::try_from(task.level).unwrap();
        numbers.truncate(level);
        while numbers.len() < level {
            numbers.push(0);
        }
        numbers[level - 1] += 1;
        let wbs = numbers
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(".");
        x.push_str(&format!(
            "<Task><UID>{uid}</UID><ID>{position}</ID><Name>{name}</Name><Type>0</Type><IsNull>0</IsNull>\
             <CreateDate>2025-12-01T08:00:00</CreateDate><WBS>{wbs}</WBS><OutlineNumber>{wbs}</OutlineNumber>\
             <OutlineLevel>{level}</OutlineLevel><Priority>500</Priority>\
             <Start>2026-01-{s:02}T08:00:00</Start><Finish>2026-01-{f:02}T17:00:00</Finish>\
             <Duration>PT{h}H0M0S</Duration><DurationFormat>7</DurationFormat>\
             <Milestone>{m}</Milestone><Summary>0</Summary><Critical>1</Critical>\
             <PercentComplete>{p}</PercentComplete>",
            uid = task.uid,
            position = position + 1,
            name = task.name,
            level = task.level,
            s = task.start,
            f = task.finish,
            h = task.hours,
            m = u8::from(task.hours == 0),
            p = task.percent,
        ));
        for (p, kind, lag) in &task.preds {
            x.push_str(&format!(
                "<PredecessorLink><PredecessorUID>{p}</PredecessorUID><Type>{kind}</Type>\
                 <CrossProject>0</CrossProject><LinkLag>{lag}</LinkLag><LagFormat>7</LagFormat>\
                 </PredecessorLink>"
            ));
        }
        x.push_str(&format!(
            "<Baseline><Number>0</Number><Start>2026-01-{s:02}T08:00:00</Start>\
             <Finish>2026-01-{f:02}T17:00:00</Finish><Duration>PT{h}H0M0S</Duration></Baseline>",
            s = task.start,
            f = task.finish,
            h = task.hours
        ));
        if let Some(w) = task.weight {
            x.push_str(&format!(
                "<ExtendedAttribute><FieldID>188743731</FieldID><Value>{w}</Value></ExtendedAttribute>"
            ));
        }
        x.push_str("</Task>\n");
    }
    x.push_str("</Tasks>\n<Resources><Resource><UID>1</UID><ID>1</ID><Name>Cuadrilla de pailería</Name><Type>1</Type></Resource></Resources>\n<Assignments>");
    for (n, task) in tasks.iter().filter(|t| t.resource.is_some()).enumerate() {
        x.push_str(&format!(
            "<Assignment><UID>{}</UID><TaskUID>{}</TaskUID><ResourceUID>1</ResourceUID><Units>1</Units></Assignment>",
            n + 1,
            task.uid
        ));
    }
    x.push_str("</Assignments>\n</Project>\n");
    x
}

/// Phase 1 (two leaves weighted 30 and 50), phase 2 (one leaf weighted 20), linked.
pub(crate) fn sample() -> Vec<T> {
    let mut cut = t(2, "Corte de tubería", 2, 5, 9);
    cut.weight = Some("30%");
    cut.resource = Some("x");
    let mut weld = t(3, "Soldadura de juntas", 2, 12, 16);
    weld.weight = Some("50");
    weld.preds = vec![(2, 1, 0)];
    let mut test = t(5, "Prueba hidrostática", 2, 19, 30);
    test.weight = Some("20,0");
    test.preds = vec![(3, 1, 4800)];
    vec![
        t(1, "Fabricación", 1, 5, 16),
        cut,
        weld,
        t(4, "Pruebas", 1, 19, 30),
        test,
    ]
}

async fn setup() -> (TestApp, i32) {
    let app = spawn_app_with(|c| c.fixed_today = Some(today())).await;
    app.logged_in("gus", Role::Gestor).await;
    let (id, _) = app.create_initial("OT-PRG", &[]).await;
    (app, id)
}

pub(crate) async fn upload_to(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
    token: Option<&str>,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    if let Some(t) = token {
        form = form.text("csrf_token", t.to_owned());
    }
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    let form = form.part(
        "archivo",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    client
        .post(app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn import(app: &TestApp, id: i32, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let token = app.csrf_from(&format!("/ot/{id}/programa")).await;
    let path = format!("/ot/{id}/programa");
    upload_to(&app.client, app, &path, name, bytes, Some(&token), &[]).await
}

async fn capture(app: &TestApp, id: i32, task: i32, form: &[(&str, &str)]) -> reqwest::Response {
    let token = app.csrf_from(&format!("/ot/{id}/programa")).await;
    let mut fields = vec![("csrf_token", token.as_str())];
    fields.extend_from_slice(form);
    app.post_form(&format!("/ot/{id}/programa/tareas/{task}/avance"), &fields)
        .await
}

/// Row id of the active version's task with `uid`.
async fn task_id(app: &TestApp, id: i32, uid: i32) -> i32 {
    app.db(move |c| {
        let v = schedules::active(c, id).unwrap().unwrap();
        schedules::tasks_of(c, v.id)
            .unwrap()
            .into_iter()
            .find(|(_, t)| t.uid == uid)
            .unwrap()
            .0
    })
    .await
}

#[derive(Debug, PartialEq, Eq)]
struct Counts {
    versions: i64,
    active: i64,
    tasks: i64,
    links: i64,
    captures: i64,
}

async fn counts(app: &TestApp) -> Counts {
    app.db(|c| Counts {
        versions: schedule_versions::table.count().get_result(c).unwrap(),
        active: schedule_versions::table
            .filter(schedule_versions::active.eq(true))
            .count()
            .get_result(c)
            .unwrap(),
        tasks: schedule_tasks::table.count().get_result(c).unwrap(),
        links: schedule_links::table.count().get_result(c).unwrap(),
        captures: schedule_progress::table.count().get_result(c).unwrap(),
    })
    .await
}

async fn active_progress(app: &TestApp, id: i32) -> (i32, i32) {
    app.db(move |c| {
        let v = schedules::active(c, id).unwrap().unwrap();
        (v.progress_real, v.progress_client)
    })
    .await
}

#[tokio::test]
async fn w15_an_ms_project_xml_is_imported_with_hierarchy_weights_links_and_resources() {
    let (app, id) = setup().await;
    let r = import(&app, id, "Programa OT.xml", mspdi(&sample()).into_bytes()).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/ot/{id}/programa"));
    let c = counts(&app).await;
    assert_eq!((c.versions, c.active, c.tasks, c.links), (1, 1, 6, 2));
    let (version, tasks, links) = app
        .db(move |c| {
            let v = schedules::active(c, id).unwrap().unwrap();
            let tasks = schedules::tasks_of(c, v.id).unwrap();
            let links = schedules::links_of(c, v.id).unwrap();
            (v, tasks, links)
        })
        .await;
    assert_eq!(version.number, 1);
    assert!(version.has_weights);
    assert_eq!(version.project_start, Some(jan(5)));
    assert_eq!(version.project_finish, Some(jan(30)));
    let weld = &tasks.iter().find(|(_, t)| t.uid == 3).unwrap().1;
    assert_eq!(weld.parent_uid, Some(1));
    assert_eq!(weld.wbs, "1.2");
    assert_eq!(weld.weight, Some(50_000_000));
    assert_eq!(weld.duration_minutes, 5 * 480);
    assert_eq!(weld.baseline_start, Some(jan(12)));
    assert!(tasks.iter().find(|(_, t)| t.uid == 1).unwrap().1.summary);
    assert_eq!(
        tasks.iter().find(|(_, t)| t.uid == 2).unwrap().1.resources,
        "Cuadrilla de pailería"
    );
    let lag = links.iter().find(|l| l.successor_uid == 5).unwrap();
    assert_eq!(lag.lag_days(480), Some(1.0));
    assert_eq!(lag.kind.code(), "FS");

    let page = app
        .get(&format!("/ot/{id}/programa"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        texts(&page, ".flash")
            .join(" ")
            .contains("6 tareas procesadas")
    );
    let names = texts(&page, "#arbol-programa .tg-name");
    assert!(
        names.iter().any(|n| n.contains("Soldadura de juntas")),
        "{names:?}"
    );
    assert_eq!(
        texts(&page, "#arbol-programa details").len(),
        3,
        "project and two phases"
    );
    assert_eq!(texts(&page, "#tabla-versiones tbody tr").len(), 1);
    // History (W11).
    let entries = app.db(move |c| history(c, "work_orders", id)).await;
    assert!(entries.iter().any(|e| {
        e.action == "programa"
            && e.detail
                .as_deref()
                .unwrap_or("")
                .contains("Programa OT.xml")
    }));
    // Names are text, shown escaped.
    let mut evil = sample();
    evil[1].name = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assert_eq!(
        import(&app, id, "b.xml", mspdi(&evil).into_bytes())
            .await
            .status(),
        303
    );
    let page = app
        .get(&format!("/ot/{id}/programa"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("<script>alert(1)"));
    let names = texts(&page, "#arbol-programa .tg-name");
    assert!(
        names
            .iter()
            .any(|n| n.contains("<script>alert(1)</script>")),
        "{names:?}"
    );
}

#[tokio::test]
async fn w15_every_refusal_is_listed_and_nothing_is_written() {
    let (app, id) = setup().await;
    let refused = |name: &'static str, bytes: Vec<u8>, expect: &'static str| {
        let app = &app;
        async move {
            let r = import(app, id, name, bytes).await;
            assert_eq!(r.status(), 422, "{name}");
            let body = r.text().await.unwrap();
            let shown = format!(
                "{} {}",
                texts(&body, "#error-programa").join(" "),
                texts(&body, "#problemas-programa li").join(" | ")
            );
            assert!(shown.contains(expect), "{name}: {shown}");
            assert!(!body.contains("quick_xml") && !body.contains("SQL"));
        }
    };
    refused(
        "plan.mpp",
        b"\xD0\xCF\x11\xE0binary".to_vec(),
        "Guardar como",
    )
    .await;
    refused("plan.xer", b"ERMHDR".to_vec(), "Formato XML").await;
    refused("plan.pdf", b"%PDF".to_vec(), "Solo se aceptan").await;
    refused(
        "plan.xml",
        b"<?xml version=\"1.0\"?><Proyecto/>".to_vec(),
        "MSPDI",
    )
    .await;
    refused("vacío.xml", Vec::new(), "vacío").await;
    let dtd = "<?xml version=\"1.0\"?><!DOCTYPE Project [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\
               <Project xmlns=\"http://schemas.microsoft.com/project\"><Name>&b;</Name></Project>";
    refused("bomba.xml", dtd.as_bytes().to_vec(), "DTD").await;

    let mut reversed = sample();
    reversed[2].start = 16;
    reversed[2].finish = 12;
    refused(
        "fechas.xml",
        mspdi(&reversed).into_bytes(),
        "Tarea 3 «Soldadura de juntas»: el fin (12/01/2026) es anterior al inicio (16/01/2026)",
    )
    .await;

    let mut unknown = sample();
    unknown[2].preds = vec![(99, 1, 0)];
    refused(
        "vinculo.xml",
        mspdi(&unknown).into_bytes(),
        "Tarea 3 «Soldadura de juntas»: su predecesora con UID 99 no existe",
    )
    .await;

    let mut cycle = sample();
    cycle[1].preds = vec![(5, 1, 0)];
    refused("ciclo.xml", mspdi(&cycle).into_bytes(), "forman un ciclo").await;

    let mut outline = sample();
    outline[1].level = 3;
    refused("esquema.xml", mspdi(&outline).into_bytes(), "esquema roto").await;

    let mut duplicate = sample();
    duplicate[4].uid = 3;
    refused(
        "uid.xml",
        mspdi(&duplicate).into_bytes(),
        "el UID 3 está repetido",
    )
    .await;

    let mut negative = sample();
    negative[1].weight = Some("-5");
    refused(
        "peso.xml",
        mspdi(&negative).into_bytes(),
        "la ponderación no puede ser negativa",
    )
    .await;

    let mut many: Vec<T> = Vec::new();
    for uid in 1..=20_000 {
        many.push(t(uid, "Tarea", 1, 5, 9));
    }
    refused(
        "enorme.xml",
        mspdi(&many).into_bytes(),
        "20001 tareas; el máximo es 20000",
    )
    .await;

    refused(
        "grande.xml",
        vec![b' '; 20 * 1024 * 1024 + 1000],
        "pasa de 20 MiB",
    )
    .await;
    // Far past the limit, the gate stops reading the body.
    let r = import(&app, id, "enorme.xml", vec![b' '; 21 * 1024 * 1024]).await;
    assert_eq!(r.status(), 413);

    // More than 50 problems: the first 50 are listed, with the total.
    let mut bad: Vec<T> = Vec::new();
    for uid in 1..=60 {
        bad.push(t(uid, "Al revés", 1, 9, 5));
    }
    let r = import(&app, id, "muchos.xml", mspdi(&bad).into_bytes()).await;
    let body = r.text().await.unwrap();
    assert_eq!(texts(&body, "#problemas-programa li").len(), 50);
    assert!(body.contains("primeros 50 de 60"));

    assert_eq!(
        counts(&app).await,
        Counts {
            versions: 0,
            active: 0,
            tasks: 0,
            links: 0,
            captures: 0
        }
    );
}

#[tokio::test]
async fn w15_one_active_version_even_for_two_uploads_at_once_and_versions_compare() {
    let (app, id) = setup().await;
    let token = app.csrf_from(&format!("/ot/{id}/programa")).await;
    let path = format!("/ot/{id}/programa");
    let bytes = mspdi(&sample()).into_bytes();
    let (a, b) = tokio::join!(
        upload_to(
            &app.client,
            &app,
            &path,
            "a.xml",
            bytes.clone(),
            Some(&token),
            &[]
        ),
        upload_to(
            &app.client,
            &app,
            &path,
            "b.xml",
            bytes.clone(),
            Some(&token),
            &[]
        ),
    );
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (303, 303));
    let c = counts(&app).await;
    assert_eq!((c.versions, c.active, c.tasks), (2, 1, 12));
    let numbers: Vec<i32> = app
        .db(move |c| {
            schedules::versions_of(c, id)
                .unwrap()
                .iter()
                .map(|v| v.number)
                .collect()
        })
        .await;
    assert_eq!(numbers, vec![2, 1]);

    // Version 3: the weld slips 3 days, the test is removed, a painting task is added.
    let mut next = sample();
    next[2].finish = 19;
    next[2].hours = 6 * 8;
    next.truncate(4);
    next.push(t(6, "Pintura", 2, 20, 30));
    assert_eq!(
        import(&app, id, "c.xml", mspdi(&next).into_bytes())
            .await
            .status(),
        303
    );
    // The file is kept as it was uploaded.
    let original = app
        .get(&format!("/ot/{id}/programa/version/1/archivo"))
        .await;
    assert_eq!(original.status(), 200);
    assert_eq!(original.bytes().await.unwrap().to_vec(), bytes);

    let page = app
        .get(&format!("/ot/{id}/programa/comparar?version=1"))
        .await
        .text()
        .await
        .unwrap();
    let headline = texts(&page, "#resumen-comparacion").join(" ");
    assert!(
        headline.contains("El fin del proyecto no cambió"),
        "{headline}"
    );
    let moved = texts(&page, "#tabla-movidas tbody tr");
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(
        moved[0].contains("Soldadura de juntas") && moved[0].contains("+3"),
        "{moved:?}"
    );
    assert!(
        texts(&page, "#agregadas tbody tr")
            .join(" ")
            .contains("Pintura")
    );
    assert!(
        texts(&page, "#quitadas tbody tr")
            .join(" ")
            .contains("Prueba hidrostática")
    );
    // An unknown version gets the chooser, not an error.
    let r = app
        .get(&format!("/ot/{id}/programa/comparar?version=abc"))
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn w16_progress_rolls_up_by_weight_and_shows_on_the_ot() {
    let (app, id) = setup().await;
    import(&app, id, "p.xml", mspdi(&sample()).into_bytes()).await;
    let cut = task_id(&app, id, 2).await;
    let weld = task_id(&app, id, 3).await;
    let r = capture(
        &app,
        id,
        cut,
        &[
            ("porcentaje_real", "100"),
            ("porcentaje_cliente", "80"),
            ("fecha", "09/01/2026"),
            ("comentario", "Terminado"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("/ot/{id}/programa#t{cut}"));
    capture(
        &app,
        id,
        weld,
        &[("porcentaje_real", "50.5"), ("fecha", "2026-01-14")],
    )
    .await;
    // Real: (30×100 + 50×50.5 + 20×0) / 100 = 55.25; client: 30×80/100 = 24.
    assert_eq!(active_progress(&app, id).await, (5525, 2400));
    let page = app
        .get(&format!("/ot/{id}/programa"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&page, "#avance-real"), vec!["55.25 %"]);
    // Planned to 14/01: cut done (30), weld 3 of 5 days (50×0.6 = 30), test 0 → 60.
    assert_eq!(texts(&page, "#avance-planeado"), vec!["60 %"]);
    let detail = app.get(&format!("/ot/{id}")).await.text().await.unwrap();
    assert_eq!(texts(&detail, "#detalle-avance-fisico"), vec!["55.25 %"]);
    let list = app.get("/ot").await.text().await.unwrap();
    assert!(
        texts(&list, ".avance-fisico").join(" ").contains("55.25 %"),
        "list shows it"
    );
    // A later capture wins; an older-dated one entered afterwards does not.
    capture(
        &app,
        id,
        weld,
        &[("porcentaje_real", "10"), ("fecha", "12/01/2026")],
    )
    .await;
    assert_eq!(active_progress(&app, id).await.0, 5525);
}

#[tokio::test]
async fn w16_without_weights_the_roll_up_weighs_duration() {
    let (app, id) = setup().await;
    let mut plain = sample();
    for task in &mut plain {
        task.weight = None;
    }
    import(&app, id, "p.xml", mspdi(&plain).into_bytes()).await;
    let test = task_id(&app, id, 5).await;
    capture(&app, id, test, &[("porcentaje_real", "100")]).await;
    // Durations: 5 + 5 + 10 working days; the 10-day test done → 50 %.
    assert_eq!(active_progress(&app, id).await.0, 5000);
}

#[tokio::test]
async fn w16_bad_captures_are_refused_with_the_input_kept() {
    let (app, id) = setup().await;
    import(&app, id, "p.xml", mspdi(&sample()).into_bytes()).await;
    let cut = task_id(&app, id, 2).await;
    let phase = task_id(&app, id, 1).await;
    for (form, expect) in [
        (vec![("porcentaje_real", "101")], "no es un porcentaje"),
        (vec![("porcentaje_real", "45.55")], "no es un porcentaje"),
        (vec![("porcentaje_real", "")], "Escriba el % real"),
        (
            vec![("porcentaje_real", "40"), ("fecha", "15/01/2026")],
            "no puede ser futura",
        ),
        (
            vec![("porcentaje_real", "40"), ("fecha", "02/01/2026")],
            "anterior al inicio del programa (05/01/2026)",
        ),
        (
            vec![("porcentaje_real", "40"), ("fecha", "31/02/2026")],
            "Fecha inválida",
        ),
    ] {
        let r = capture(&app, id, cut, &form).await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            location(&r),
            format!("/ot/{id}/programa?tarea={cut}#captura")
        );
        let page = app.get(&location(&r)).await.text().await.unwrap();
        let errors = texts(&page, "#captura .error").join(" ");
        assert!(errors.contains(expect), "{form:?}: {errors}");
        let kept = crate::helpers::attr(&page, "#f-porcentaje_real", "value");
        assert_eq!(kept, form[0].1, "the input is kept");
        // A reload shows a clean form (the draft is used once).
        let again = app.get(&location(&r)).await.text().await.unwrap();
        assert!(texts(&again, "#captura .error").is_empty());
    }
    let r = capture(&app, id, phase, &[("porcentaje_real", "40")]).await;
    let page = app.get(&location(&r)).await.text().await.unwrap();
    assert!(
        texts(&page, "#error-avance")
            .join(" ")
            .contains("el de una tarea resumen se calcula"),
        "a refused summary capture says why"
    );
    // A task of another OT, or none, is a 404.
    assert_eq!(
        capture(&app, id, 999_999, &[("porcentaje_real", "40")])
            .await
            .status(),
        404
    );
    assert_eq!(counts(&app).await.captures, 0);

    // Roles and CSRF.
    let r = app
        .post_form(
            &format!("/ot/{id}/programa/tareas/{cut}/avance"),
            &[("porcentaje_real", "40")],
        )
        .await;
    assert_eq!(r.status(), 403, "no token");
    let reader = spawn_second_login(&app, "cora", Role::Consulta).await;
    let page = reader
        .get(app.url(&format!("/ot/{id}/programa")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        texts(&page, "#importar-programa").is_empty(),
        "consulta reads only"
    );
    assert!(
        page.contains("Soldadura de juntas"),
        "consulta reads the grid"
    );
    let token = csrf_in(&page).unwrap();
    let r = reader
        .post(app.url(&format!("/ot/{id}/programa/tareas/{cut}/avance")))
        .form(&[("csrf_token", token.as_str()), ("porcentaje_real", "40")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = upload_to(
        &reader,
        &app,
        &format!("/ot/{id}/programa"),
        "x.xml",
        mspdi(&sample()).into_bytes(),
        Some(&token),
        &[],
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(counts(&app).await.captures, 0);
    assert_eq!(counts(&app).await.versions, 1);
}

#[tokio::test]
async fn w16_captures_carry_over_to_a_new_version_and_the_rest_is_counted() {
    let (app, id) = setup().await;
    import(&app, id, "p.xml", mspdi(&sample()).into_bytes()).await;
    let cut = task_id(&app, id, 2).await;
    let weld = task_id(&app, id, 3).await;
    capture(
        &app,
        id,
        cut,
        &[("porcentaje_real", "100"), ("fecha", "09/01/2026")],
    )
    .await;
    capture(
        &app,
        id,
        weld,
        &[("porcentaje_real", "20"), ("fecha", "13/01/2026")],
    )
    .await;
    // The weld becomes a new task (new UID, new name): its progress cannot follow.
    let mut next = sample();
    next[2].uid = 30;
    next[2].name = "Soldadura (revisada)";
    next[4].preds = vec![(30, 1, 0)];
    let r = import(&app, id, "p2.xml", mspdi(&next).into_bytes()).await;
    assert_eq!(r.status(), 303);
    let page = app
        .get(&format!("/ot/{id}/programa"))
        .await
        .text()
        .await
        .unwrap();
    let flash = texts(&page, ".flash").join(" ");
    assert!(
        flash.contains("Avance conservado en 1 tareas; 1 tareas con avance"),
        "{flash}"
    );
    assert_eq!(active_progress(&app, id).await.0, 3000);
    let new_cut = task_id(&app, id, 2).await;
    assert_ne!(new_cut, cut);
    let history = app
        .db(move |c| schedules::captures_of_task(c, new_cut).unwrap())
        .await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].applies_on, jan(9));
}

#[tokio::test]
async fn w16_bulk_progress_from_a_workbook_is_all_or_nothing() {
    let (app, id) = setup().await;
    import(&app, id, "p.xml", mspdi(&sample()).into_bytes()).await;
    let token = app.csrf_from(&format!("/ot/{id}/programa")).await;
    let path = format!("/ot/{id}/programa/avance");
    let header = vec![
        X::S("UID"),
        X::S("Nombre"),
        X::S("% REAL"),
        X::S("% CLIENTE"),
        X::S("FECHA"),
    ];
    let bad = book(&[(
        "Avance",
        vec![
            header.clone(),
            vec![
                X::N(2.0),
                X::S("Corte"),
                X::N(100.0),
                X::N(90.0),
                X::D(jan(9)),
            ],
            vec![X::N(1.0), X::S("Fabricación"), X::N(50.0), X::E, X::E],
            vec![X::N(77.0), X::S("No existe"), X::N(50.0), X::E, X::E],
            vec![X::N(3.0), X::S("Soldadura"), X::N(120.0), X::E, X::E],
        ],
    )]);
    let r = upload_to(
        &app.client,
        &app,
        &path,
        "avance.xlsx",
        bad,
        Some(&token),
        &[("fecha", "14/01/2026")],
    )
    .await;
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    let problems = texts(&body, "#problemas-programa li");
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(
        problems[0].contains("Fabricación") && problems[0].contains("tarea resumen"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains("Fila 4") && problems[1].contains("UID 77"),
        "{problems:?}"
    );
    assert!(
        problems[2].contains("Fila 5") && problems[2].contains("% REAL"),
        "{problems:?}"
    );
    assert_eq!(counts(&app).await.captures, 0);
    let bad_summary = book(&[(
        "Avance",
        vec![
            header.clone(),
            vec![X::N(1.0), X::S("Fabricación"), X::N(50.0), X::E, X::E],
        ],
    )]);
    let r = upload_to(
        &app.client,
        &app,
        &path,
        "avance.xlsx",
        bad_summary,
        Some(&token),
        &[],
    )
    .await;
    assert!(r.text().await.unwrap().contains("es una tarea resumen"));

    let good = book(&[(
        "Avance",
        vec![
            header,
            vec![
                X::N(2.0),
                X::S("Corte"),
                X::N(100.0),
                X::N(90.0),
                X::D(jan(9)),
            ],
            vec![X::N(3.0), X::S("Soldadura"), X::N(40.0), X::E, X::E],
        ],
    )]);
    let r = upload_to(
        &app.client,
        &app,
        &path,
        "avance.xlsx",
        good,
        Some(&token),
        &[("fecha", "13/01/2026")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(counts(&app).await.captures, 2);
    // (30×100 + 50×40) / 100 = 50; client 30×90/100 = 27.
    assert_eq!(active_progress(&app, id).await, (5000, 2700));
    let weld = task_id(&app, id, 3).await;
    let history = app
        .db(move |c| schedules::captures_of_task(c, weld).unwrap())
        .await;
    assert_eq!(
        history[0].applies_on,
        jan(13),
        "the form's date for rows without FECHA"
    );
}

#[tokio::test]
async fn w15_an_excel_task_list_is_imported() {
    let (app, id) = setup().await;
    let list = book(&[(
        "Programa",
        vec![
            vec![X::S("PROGRAMA DE OBRA OT-PRG")],
            vec![],
            vec![
                X::S("EDT"),
                X::S("NOMBRE"),
                X::S("DURACIÓN"),
                X::S("INICIO"),
                X::S("FIN"),
                X::S("PONDERACIÓN"),
                X::S("PREDECESORAS"),
                X::S("RECURSOS"),
                X::S("% AVANCE"),
            ],
            vec![
                X::S("1"),
                X::S("Fabricación"),
                X::S("10 días"),
                X::D(jan(5)),
                X::D(jan(16)),
                X::E,
                X::E,
                X::E,
                X::E,
            ],
            vec![
                X::S("1.1"),
                X::S("Corte"),
                X::N(5.0),
                X::D(jan(5)),
                X::D(jan(9)),
                X::S("40%"),
                X::E,
                X::S("Pailería; Grúa"),
                X::N(50.0),
            ],
            vec![
                X::S("1.2"),
                X::S("Soldadura"),
                X::N(5.0),
                X::D(jan(12)),
                X::D(jan(16)),
                X::N(60.0),
                X::S("2FC+1 día"),
                X::E,
                X::E,
            ],
            vec![
                X::S("2"),
                X::S("Entrega"),
                X::N(0.0),
                X::D(jan(19)),
                X::D(jan(19)),
                X::N(0.0),
                X::S("3"),
                X::E,
                X::E,
            ],
        ],
    )]);
    let r = import(&app, id, "programa.xlsx", list).await;
    assert_eq!(r.status(), 303);
    let (tasks, links) = app
        .db(move |c| {
            let v = schedules::active(c, id).unwrap().unwrap();
            (
                schedules::tasks_of(c, v.id).unwrap(),
                schedules::links_of(c, v.id).unwrap(),
            )
        })
        .await;
    assert_eq!(tasks.len(), 4);
    let weld = &tasks[2].1;
    assert_eq!((weld.wbs.as_str(), weld.parent_uid), ("1.2", Some(1)));
    assert_eq!(tasks[1].1.resources, "Pailería, Grúa");
    assert!(tasks[3].1.milestone);
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].lag_days(480), Some(1.0));
    // The file's 50 % on the cut is its starting real progress: 40 × 50 / 100 = 20.
    assert_eq!(active_progress(&app, id).await.0, 2000);
    // A list without its header row is refused with the columns it needs.
    let r = import(
        &app,
        id,
        "otro.xlsx",
        book(&[("Hoja", vec![vec![X::S("Tarea")]])]),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("EDT (o WBS), NOMBRE (o TAREA), INICIO y FIN")
    );
}

#[tokio::test]
async fn w17_downloads_round_trip_and_the_s_curve_csv() {
    let (app, id) = setup().await;
    import(&app, id, "p.xml", mspdi(&sample()).into_bytes()).await;
    let cut = task_id(&app, id, 2).await;
    capture(
        &app,
        id,
        cut,
        &[
            ("porcentaje_real", "100"),
            ("porcentaje_cliente", "50"),
            ("fecha", "09/01/2026"),
        ],
    )
    .await;
    let before = app
        .db(move |c| {
            let v = schedules::active(c, id).unwrap().unwrap();
            (
                schedules::tasks_of(c, v.id).unwrap(),
                schedules::links_of(c, v.id).unwrap(),
            )
        })
        .await;

    // MSPDI: re-importing the download gives the same tasks, links and progress.
    let xml = app.get(&format!("/ot/{id}/programa.xml")).await;
    assert_eq!(xml.status(), 200);
    let xml = xml.bytes().await.unwrap().to_vec();
    let text = String::from_utf8(xml.clone()).unwrap();
    assert!(text.contains("<PercentComplete>100</PercentComplete>"));
    assert_eq!(import(&app, id, "vuelta.xml", xml).await.status(), 303);
    let after = app
        .db(move |c| {
            let v = schedules::active(c, id).unwrap().unwrap();
            (
                schedules::tasks_of(c, v.id).unwrap(),
                schedules::links_of(c, v.id).unwrap(),
            )
        })
        .await;
    let strip = |tasks: &[(i32, faena::domain::schedule::Task)]| {
        tasks
            .iter()
            .map(|(_, t)| faena::domain::schedule::Task {
                percent_complete: 0,
                ..t.clone()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&after.0), strip(&before.0));
    assert_eq!(after.1, before.1);
    assert_eq!(active_progress(&app, id).await, (3000, 1500));

    // Excel: the download has the task list columns and imports back.
    let xlsx = app
        .get(&format!("/ot/{id}/programa.xlsx"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(import(&app, id, "vuelta.xlsx", xlsx).await.status(), 303);
    let again = app
        .db(move |c| {
            let v = schedules::active(c, id).unwrap().unwrap();
            (
                schedules::tasks_of(c, v.id).unwrap(),
                schedules::links_of(c, v.id).unwrap(),
            )
        })
        .await;
    let shape = |tasks: &[(i32, faena::domain::schedule::Task)]| {
        tasks
            .iter()
            .map(|(_, t)| {
                (
                    t.uid,
                    t.wbs.clone(),
                    t.name.clone(),
                    t.start,
                    t.finish,
                    t.parent_uid,
                    t.weight,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&again.0), shape(&before.0));
    assert_eq!(again.1.len(), before.1.len());
    assert_eq!(active_progress(&app, id).await.0, 3000);

    // S-curve CSV: weekly, Mondays, cumulative percentages with two decimals.
    let csv = app
        .get(&format!("/ot/{id}/programa/curva-s.csv"))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "semana,planeado,real,cliente");
    assert_eq!(lines[1], "2026-01-05,30.00,30.00,15.00");
    assert_eq!(lines[2], "2026-01-12,80.00,30.00,15.00");
    assert_eq!(lines[3], "2026-01-19,90.00,,");
    assert_eq!(lines.last().copied(), Some("2026-01-26,100.00,,"));
    let page = app
        .get(&format!("/ot/{id}/programa/curva-s"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(texts(&page, "#valores-curva tbody tr").len(), 4);
    assert!(page.contains("<svg"));
    assert!(page.contains("ene 2026"));
}

#[tokio::test]
async fn w17_the_tree_grid_filters_late_tasks_and_depth() {
    let (app, id) = setup().await;
    import(&app, id, "p.xml", mspdi(&sample()).into_bytes()).await;
    let cut = task_id(&app, id, 2).await;
    capture(&app, id, cut, &[("porcentaje_real", "100")]).await;
    let page = app
        .get(&format!("/ot/{id}/programa?atrasadas=1"))
        .await
        .text()
        .await
        .unwrap();
    let names = texts(&page, "#arbol-programa .tg-leaf .tg-name");
    assert_eq!(names.len(), 1, "only the weld is late on 14/01: {names:?}");
    assert!(names[0].contains("Soldadura"));
    let page = app
        .get(&format!("/ot/{id}/programa?nivel=1"))
        .await
        .text()
        .await
        .unwrap();
    let open = scraper::Html::parse_document(&page)
        .select(&scraper::Selector::parse("#arbol-programa details[open]").unwrap())
        .count();
    assert_eq!(open, 1, "only the project summary (level 0) stays open");
}

#[tokio::test]
async fn w18_the_legacy_api_imports_and_reads_the_tree() {
    let (app, id) = setup().await;
    let token = app.csrf_from("/ot").await;
    let form = reqwest::multipart::Form::new()
        .text("ot_id", id.to_string())
        .part(
            "archivo",
            reqwest::multipart::Part::bytes(mspdi(&sample()).into_bytes()).file_name("p.xml"),
        );
    let r = app
        .client
        .post(app.url("/operaciones/ot/importar-mpp/"))
        .header("x-csrf-token", &token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["exito"], true);
    assert!(body["version_id"].as_i64().unwrap() > 0);
    assert!(body["detalles"].as_str().unwrap().contains("6 tareas"));

    let cut = task_id(&app, id, 2).await;
    capture(&app, id, cut, &[("porcentaje_real", "100")]).await;
    let tree: serde_json::Value = app
        .get(&format!(
            "/operaciones/produccion/obtener_arbol_mpp/?ot_id={id}"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(tree["estatus"], "ok");
    let root = &tree["data"][0];
    assert_eq!(root["uid_project"], 0);
    let phase = &root["_children"][0];
    assert_eq!(phase["nombre"], "Fabricación");
    let first = &phase["_children"][0];
    assert_eq!(first["wbs"], "1.1");
    assert_eq!(first["fecha_inicio"], "05/01/2026");
    assert_eq!(first["duracion_dias"], 5.0);
    assert_eq!(first["porcentaje_mpp"], 30.0);
    assert_eq!(first["porcentaje_real"], 100.0);
    assert_eq!(first["padre_uid"], 1);
    assert_eq!(first["recursos"], "Cuadrilla de pailería");

    // Refusals are JSON with honest statuses; no token is a 403.
    let bad = reqwest::multipart::Form::new()
        .text("ot_id", id.to_string())
        .part(
            "archivo",
            reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("p.mpp"),
        );
    let r = app
        .client
        .post(app.url("/operaciones/ot/importar-mpp/"))
        .header("x-csrf-token", &token)
        .multipart(bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["exito"], false);
    assert!(body["detalles"].as_str().unwrap().contains("XML"));
    let r = app
        .client
        .post(app.url("/operaciones/ot/importar-mpp/"))
        .multipart(reqwest::multipart::Form::new().text("ot_id", id.to_string()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let missing: serde_json::Value = app
        .get("/operaciones/produccion/obtener_arbol_mpp/?ot_id=999999")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(missing["estatus"], "error");
    let doc = app.get("/api/openapi.json").await.text().await.unwrap();
    assert!(doc.contains("/operaciones/ot/importar-mpp/") && doc.contains("obtener_arbol_mpp"));
}

/// The `data-uid` of the Gantt's task groups, and which carry `data-critica="1"`.
fn gantt_tasks(page: &str) -> Vec<(i32, bool)> {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse("#gantt g.task").unwrap();
    doc.select(&sel)
        .map(|g| {
            (
                g.value().attr("data-uid").unwrap().parse().unwrap(),
                g.value().attr("data-critica") == Some("1"),
            )
        })
        .collect()
}

#[tokio::test]
async fn w19_the_gantt_draws_every_task_and_faena_computes_the_critical_path() {
    let (app, id) = setup().await;
    // A diamond: 2 (5 d) feeds 3 (5 d) and 6 (2 d, one day of lag); both feed 5.
    let mut tasks = sample();
    tasks[4].preds = vec![(3, 1, 0), (6, 1, 4800)];
    let mut side = t(6, "Radiografiado", 2, 12, 13);
    side.preds = vec![(2, 1, 0)];
    tasks.insert(3, side);
    tasks[4].start = 19;
    assert_eq!(
        import(&app, id, "p.xml", mspdi(&tasks).into_bytes())
            .await
            .status(),
        303
    );
    let page = app
        .get(&format!("/ot/{id}/programa/gantt?escala=dia"))
        .await
        .text()
        .await
        .unwrap();
    let drawn = gantt_tasks(&page);
    let uids: Vec<i32> = drawn.iter().map(|(u, _)| *u).collect();
    assert_eq!(
        uids,
        vec![0, 1, 2, 3, 6, 4, 5],
        "one row per task in WBS order"
    );
    let critical: Vec<i32> = drawn.iter().filter(|(_, c)| *c).map(|(u, _)| *u).collect();
    assert_eq!(
        critical,
        vec![2, 3, 5],
        "the 5-day weld is critical, the 2-day side task is not"
    );
    let list = texts(&page, "#tabla-critica tbody tr");
    assert_eq!(list.len(), 3);
    // The file marks every task critical: the note says they differ and why.
    let note = texts(&page, "#nota-critica").join(" ");
    assert!(note.contains("difieren"), "{note}");
    // Arrows for the links, weekends at day scale, a today line.
    let doc = scraper::Html::parse_document(&page);
    let count = |css: &str| doc.select(&scraper::Selector::parse(css).unwrap()).count();
    assert_eq!(count("#gantt path.g-link"), 4);
    assert!(count("#gantt rect.g-weekend") >= 6);
    assert_eq!(count("#gantt line.g-today"), 1);
    assert_eq!(count("#gantt rect.g-baseline"), 4, "leaves with a baseline");
    // Depth 1 hides the tasks under the phases; week and month scales draw narrower charts.
    let page = app
        .get(&format!("/ot/{id}/programa/gantt?nivel=1"))
        .await
        .text()
        .await
        .unwrap();
    let uids: Vec<i32> = gantt_tasks(&page).iter().map(|(u, _)| *u).collect();
    assert_eq!(uids, vec![0, 1, 4]);
    let width = |page: &str| {
        crate::helpers::attr(page, "#gantt", "width")
            .parse::<f64>()
            .unwrap()
    };
    let day = app
        .get(&format!("/ot/{id}/programa/gantt?escala=dia"))
        .await
        .text()
        .await
        .unwrap();
    let month = app
        .get(&format!("/ot/{id}/programa/gantt?escala=mes"))
        .await
        .text()
        .await
        .unwrap();
    assert!(width(&month) < width(&day));
    // Printing cuts the chart into pages with the names on each.
    let print = app
        .get(&format!("/ot/{id}/programa/gantt?escala=dia&imprimir=1"))
        .await
        .text()
        .await
        .unwrap();
    let sheets = texts(&print, ".gantt-sheet");
    assert_eq!(sheets.len(), 1, "four weeks at day scale fit one sheet");
    assert!(sheets.iter().all(|s| s.contains("Corte de tubería")));
    // 40 tasks over two months: pages of rows and of time, the names on every one.
    let mut long = Vec::new();
    for uid in 1..=40u32 {
        long.push(t(uid as i32, "Actividad larga", 1, 5 + uid % 20, 26));
    }
    import(&app, id, "largo.xml", mspdi(&long).into_bytes()).await;
    let print = app
        .get(&format!("/ot/{id}/programa/gantt?escala=dia&imprimir=1"))
        .await
        .text()
        .await
        .unwrap();
    let sheets = texts(&print, ".gantt-sheet");
    assert_eq!(sheets.len(), 2, "41 rows at 24 a page, four weeks wide");
    assert!(sheets.iter().all(|s| s.contains("Tarea")));
}
