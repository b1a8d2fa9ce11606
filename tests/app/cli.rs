//! The `faena` binary: first start, user administration from the console.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use faena::db::users;
use faena::domain::role::Role;

use crate::helpers::{TestDb, client_with, csrf_in, location, test_config};

const BIN: &str = env!("CARGO_BIN_EXE_faena");

fn faena(db: &TestDb) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("DATABASE_URL", db.url())
        .env("FAENA_BIND", "127.0.0.1:0")
        .env("FAENA_WORKERS", "1")
        .env("RUST_LOG", "warn");
    cmd
}

/// Starts `faena serve` and reads its console until it says where it listens.
fn start_server(db: &TestDb) -> (Child, Vec<String>, String) {
    start_server_with(db, &[])
}

fn start_server_with(db: &TestDb, env: &[(&str, &str)]) -> (Child, Vec<String>, String) {
    let mut cmd = faena(db);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start faena");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = Vec::new();
    let mut address = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("console line");
        if let Some(at) = line.find("http://") {
            address = line[at..].trim().to_owned();
            break;
        }
        lines.push(line);
    }
    assert!(!address.is_empty(), "the server says where it listens");
    (child, lines, address)
}

fn password_in(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter_map(|l| l.split("contraseña temporal: ").nth(1))
        .map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn first_start_creates_the_admin_and_prints_its_password_exactly_once() {
    let db = TestDb::fresh();
    let (mut first, lines, address) = start_server(&db);
    let passwords = password_in(&lines);
    assert_eq!(passwords.len(), 1, "one password line: {lines:?}");
    let password = &passwords[0];
    assert!(password.len() >= 12);

    // The printed password logs in, and the first thing asked is to change it.
    let client = client_with(Default::default());
    let body = client
        .get(format!("{address}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_in(&body).unwrap();
    let response = client
        .post(format!("{address}/login"))
        .form(&[
            ("username", "admin"),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/cuenta/contrasena");
    first.kill().ok();
    first.wait().ok();

    let (mut second, lines, _) = start_server(&db);
    second.kill().ok();
    second.wait().ok();
    assert!(
        password_in(&lines).is_empty(),
        "no password on a later start: {lines:?}"
    );
    let pool = faena::startup::open_database(&test_config(db.url())).unwrap();
    let mut conn = pool.get().unwrap();
    assert_eq!(users::count(&mut conn).unwrap(), 1);
    let admin = users::find_by_username(&mut conn, "admin")
        .unwrap()
        .unwrap();
    assert_eq!(admin.role, "admin");
    assert!(admin.must_change_password);
}

fn run_with_stdin(db: &TestDb, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = faena(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run faena");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn user_add_with_password_stdin_creates_the_user_and_refuses_weak_passwords() {
    let db = TestDb::fresh();
    let (ok, out, _) = run_with_stdin(
        &db,
        &[
            "user",
            "add",
            "Maria",
            "--role",
            "gestor",
            "--password-stdin",
        ],
        "una frase de paso larga\n",
    );
    assert!(ok, "{out}");
    assert!(out.contains("maria"));

    let (ok, _, err) = run_with_stdin(
        &db,
        &[
            "user",
            "add",
            "pedro",
            "--role",
            "consulta",
            "--password-stdin",
        ],
        "corta\n",
    );
    assert!(!ok);
    assert!(err.contains("al menos 12 caracteres"), "{err}");

    let (ok, _, err) = run_with_stdin(
        &db,
        &[
            "user",
            "add",
            "josefina.ramos",
            "--role",
            "consulta",
            "--password-stdin",
        ],
        "josefina.ramos\n",
    );
    assert!(!ok);
    assert!(err.contains("igual al nombre de usuario"), "{err}");

    let (ok, _, err) = run_with_stdin(
        &db,
        &[
            "user",
            "add",
            "maria",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "otra frase de paso larga\n",
    );
    assert!(!ok, "duplicate refused");
    assert!(err.contains("Ya existe"), "{err}");

    let (ok, _, err) = run_with_stdin(&db, &["user", "add", "rosa", "--role", "jefe"], "");
    assert!(!ok);
    assert!(err.contains("rol desconocido"), "{err}");

    let pool = faena::startup::open_database(&test_config(db.url())).unwrap();
    let mut conn = pool.get().unwrap();
    assert_eq!(users::count(&mut conn).unwrap(), 1, "only maria exists");
    let maria = users::find_by_username(&mut conn, "maria")
        .unwrap()
        .unwrap();
    assert_eq!(maria.role, Role::Gestor.code());
    assert!(!maria.must_change_password);
    assert!(faena::services::password::verify(
        "una frase de paso larga",
        &maria.password_hash
    ));
}

#[test]
fn user_passwd_and_disable_work_from_the_console() {
    let db = TestDb::fresh();
    let (ok, out, _) = run_with_stdin(&db, &["user", "add", "luis", "--role", "consulta"], "");
    assert!(ok);
    assert!(
        out.contains("Contraseña temporal"),
        "a temporary password is printed"
    );

    let (ok, _, _) = run_with_stdin(
        &db,
        &["user", "passwd", "luis", "--password-stdin"],
        "la clave nueva de luis",
    );
    assert!(ok);
    let (ok, _, _) = run_with_stdin(&db, &["user", "disable", "luis"], "");
    assert!(ok);
    let (ok, _, err) = run_with_stdin(&db, &["user", "disable", "nadie"], "");
    assert!(!ok);
    assert!(err.contains("No existe"));

    let pool = faena::startup::open_database(&test_config(db.url())).unwrap();
    let mut conn = pool.get().unwrap();
    let luis = users::find_by_username(&mut conn, "luis").unwrap().unwrap();
    assert!(!luis.active);
    assert!(!luis.must_change_password);
    assert!(faena::services::password::verify(
        "la clave nueva de luis",
        &luis.password_hash
    ));
}

/// Peak resident memory of a process (VmHWM), in MiB.
fn peak_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Issue 13 §1: 128 simultaneous anonymous logins from 128 addresses (each under its own
/// limit) hash at most two per core at once: the server's peak memory stays under 200 MiB and
/// every attempt gets an answer (401, or 503 with Retry-After when no slot came in time).
#[tokio::test]
async fn a_login_flood_is_bounded_in_memory() {
    let db = TestDb::fresh();
    let (mut server, _, address) = start_server_with(
        &db,
        &[("FAENA_TRUST_PROXY", "true"), ("FAENA_WORKERS", "2")],
    );
    let pid = server.id();
    let client = client_with(Default::default());
    let body = client
        .get(format!("{address}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_in(&body).unwrap();
    let before = peak_mib(pid);
    let attempts = (0..128u32).map(|n| {
        let (client, address, token) = (client.clone(), address.clone(), token.clone());
        async move {
            let r = client
                .post(format!("{address}/login"))
                .header("x-forwarded-for", format!("10.1.{}.{}", n / 250, n % 250))
                .form(&[
                    ("username", format!("nadie{n}")),
                    ("password", "clave-equivocada-123".to_owned()),
                    ("csrf_token", token),
                ])
                .send()
                .await
                .unwrap();
            let retry = r.headers().contains_key("retry-after");
            (r.status().as_u16(), retry)
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let peak = peak_mib(pid);
    eprintln!("login flood: peak memory {before:.0} -> {peak:.0} MiB");
    server.kill().ok();
    server.wait().ok();
    for (status, retry) in &answers {
        assert!(*status == 401 || (*status == 503 && *retry), "{status}");
    }
    assert!(
        answers.iter().filter(|(s, _)| *s == 401).count() >= 8,
        "attempts are served, not all turned away: {answers:?}"
    );
    assert!(
        peak < 200.0,
        "peak memory {peak:.0} MiB (before the flood {before:.0} MiB)"
    );
}

/// `faena check` passes on a sound database and fails (exit 1) on orphan rows; `faena backup`
/// writes a SQLite copy that opens with the same rows (PostgreSQL is told to use pg_dump).
#[test]
fn check_reports_health_and_backup_copies_the_database() {
    use diesel::prelude::*;
    use faena::db::schema::{steps, work_orders};
    let db = TestDb::fresh();
    let pool = faena::startup::open_database(&test_config(db.url())).unwrap();
    let mut conn = pool.get().unwrap();
    faena::seed::seed_demo(&mut conn, 30, chrono::Utc::now().naive_utc()).unwrap();
    let counts = |conn: &mut faena::db::DbConn| {
        (
            work_orders::table.count().get_result::<i64>(conn).unwrap(),
            steps::table.count().get_result::<i64>(conn).unwrap(),
        )
    };
    let before = counts(&mut conn);

    let out = faena(&db).arg("check").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("migraciones: al día"), "{text}");
    assert!(text.contains("ok     integridad"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copia.db");
    let out = faena(&db).arg("backup").arg(&copy).output().unwrap();
    if crate::helpers::on_postgres() {
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
    } else {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = format!("sqlite://{}", copy.display());
        let restored = faena::startup::open_database(&test_config(&url)).unwrap();
        assert_eq!(counts(&mut restored.get().unwrap()), before);
        // An existing file is never overwritten.
        let again = faena(&db).arg("backup").arg(&copy).output().unwrap();
        assert!(!again.status.success());
    }

    // An active order without steps is an orphan: the check fails.
    let victim: i32 = work_orders::table
        .filter(work_orders::record_state.eq(1))
        .select(work_orders::id)
        .first(&mut conn)
        .unwrap();
    diesel::delete(steps::table.filter(steps::work_order_id.eq(victim)))
        .execute(&mut conn)
        .unwrap();
    let out = faena(&db).arg("check").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!out.status.success());
    assert!(
        text.contains("FALLA  huérfanos: 0 pasos sin OT, 1 OT activas sin pasos"),
        "{text}"
    );
}
