//! The `faena` command: serves the app (default) and administers users from the console.

use std::io::Read;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use faena::config::Config;
use faena::db::users;
use faena::domain::role::Role;
use faena::services::Actor;
use faena::services::accounts::{self, AccountError, NewAccount};
use faena::startup::{Application, open_database};

#[derive(Parser)]
#[command(
    name = "faena",
    version,
    about = "Órdenes de trabajo (OT): servidor web y administración"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the database (reachable, migrations current, integrity, orphan rows) and the file
    /// limit; exit status 1 when something fails (for monitoring).
    Check,
    /// Copy a SQLite database to FILE, consistently, even while the app serves.
    Backup {
        /// Where to write the copy (must not exist).
        file: std::path::PathBuf,
    },
    /// Migrate a legacy SASCOP database into this one (W21): read-only on the legacy side,
    /// idempotent (run it again to bring changes over), every repair and skip reported.
    ImportLegacy {
        /// The legacy database: `postgres://…` or the path of its SQLite file.
        #[arg(long)]
        from: String,
        /// Do everything in a transaction that is rolled back, and print the same report.
        #[arg(long)]
        dry_run: bool,
        /// Also write the report (CSV: summary, every repair and skip, new ids, differences).
        #[arg(long)]
        report: Option<std::path::PathBuf>,
    },
    /// Import historical orders from the legacy `OT_IMPORTAR.xlsx` layout (W21): checks every row
    /// and shows what would change; with --confirmar, writes it all in one transaction.
    ImportOts {
        /// The workbook.
        file: std::path::PathBuf,
        /// Write (without it, only the preview).
        #[arg(long)]
        confirmar: bool,
    },
    /// Fill the database with realistic demo orders (for trying the app and benchmarks).
    SeedDemo {
        /// How many orders (two thirds initial, one third reprogrammings).
        #[arg(long, default_value_t = 1000)]
        ots: usize,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. Without --password-stdin a temporary password is generated and printed,
    /// and the user must change it at first login.
    Add {
        username: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Name shown in the app (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input, without a prompt.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password. Without --password-stdin a temporary one is generated and printed.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user and close all of their sessions.
    Disable { username: String },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
        .map_err(|e: faena::domain::role::UnknownRole| e.to_string())
}

/// jemalloc for the whole process: Rust's allocations and, through its unprefixed `malloc`, those
/// of SQLite and libpq too. glibc's allocator, limited to two arenas to keep peak memory down
/// (its per-thread arenas each kept freed page buffers), had the request threads wait on those
/// arenas' locks: under `bench/run.sh` the list page spent about a quarter of its time in
/// futex waits and wake-ups (issue 14, thirteenth pass). jemalloc's per-thread caches avoid the
/// locks and return freed memory to the system after a few seconds (dirty page decay), including
/// each password check's 19 MiB. Its settings (one arena, small thread caches, for peak memory)
/// are built in from `.cargo/config.toml`.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    faena::db::slow_queries::install_from_env();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => actix_web::rt::System::new().block_on(serve(config)),
        Command::Migrate => {
            open_database(&config)?;
            println!("Base de datos al día.");
            Ok(())
        }
        Command::User(cmd) => user_command(&config, cmd),
        Command::Check => check(&config),
        Command::Backup { file } => {
            let pool = faena::db::build_pool(&config.database_url, 1)?;
            let mut conn = pool.get()?;
            faena::db::health::backup_sqlite(&mut conn, &file).map_err(anyhow::Error::msg)?;
            println!("Copia escrita en {}", file.display());
            Ok(())
        }
        Command::ImportLegacy {
            from,
            dry_run,
            report,
        } => import_legacy(&config, &from, dry_run, report.as_deref()),
        Command::ImportOts { file, confirmar } => import_ots(&config, &file, confirmar),
        Command::SeedDemo { ots } => {
            let pool = open_database(&config)?;
            let mut conn = pool.get()?;
            let started = std::time::Instant::now();
            let done = faena::seed::seed_demo(&mut conn, ots, Utc::now().naive_utc())?;
            println!(
                "Se crearon {} OT iniciales (cada una con su PTE), {} reprogramaciones y {} pasos en {:.1} s.",
                done.initial,
                done.reprogrammings,
                done.steps,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}

/// `faena import-legacy`: the migration, a progress line per batch on the terminal, the summary,
/// and the CSV report when asked for.
fn import_legacy(
    config: &Config,
    from: &str,
    dry_run: bool,
    report_file: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let pool = open_database(config)?;
    let mut conn = pool.get()?;
    let started = std::time::Instant::now();
    // One progress bar per legacy table, on standard error (hidden when it is not a terminal).
    let style = indicatif::ProgressStyle::with_template(
        "{prefix:<22} [{bar:30}] {pos}/{len} filas  {per_sec}  {elapsed}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("#>-");
    let mut bar: Option<(String, indicatif::ProgressBar)> = None;
    let mut progress = |table: &str, done: u64, total: u64| {
        if bar.as_ref().is_none_or(|(t, _)| t != table) {
            if let Some((_, b)) = bar.take() {
                b.finish();
            }
            let b = indicatif::ProgressBar::new(total).with_style(style.clone());
            b.set_prefix(table.to_owned());
            bar = Some((table.to_owned(), b));
        }
        if let Some((_, b)) = &bar {
            b.set_position(done);
            if done >= total {
                b.finish();
            }
        }
    };
    let report = faena::services::legacy_import::run(
        &mut conn,
        from,
        dry_run,
        Utc::now().naive_utc(),
        &mut progress,
    )?;
    print!("{}", report.summary());
    println!("Tiempo: {:.1} s", started.elapsed().as_secs_f64());
    if let Some(file) = report_file {
        std::fs::write(file, report.to_csv()?)?;
        println!("Informe escrito en {}", file.display());
    }
    Ok(())
}

/// `faena import-ots FILE [--confirmar]`: the preview or the import; refused rows are listed and
/// written to `FILE.errores.xlsx` (the rows with an OBSERVACIONES column).
fn import_ots(config: &Config, file: &std::path::Path, confirm: bool) -> anyhow::Result<()> {
    use faena::services::order_import::{self, Refusal};
    let bytes = std::fs::read(file)
        .map_err(|e| anyhow::anyhow!("no se pudo leer {}: {e}", file.display()))?;
    let pool = open_database(config)?;
    let mut conn = pool.get()?;
    let actor = faena::services::Actor::console();
    match order_import::import(&mut conn, &bytes, confirm, &actor, Utc::now().naive_utc()) {
        Ok(plan) => {
            let list = |v: &[String]| {
                if v.is_empty() {
                    "—".to_owned()
                } else {
                    v.join(", ")
                }
            };
            println!(
                "{}",
                if plan.applied {
                    "Importación hecha."
                } else {
                    "Vista previa (nada se escribió; use --confirmar):"
                }
            );
            println!(
                "  PTE nuevas ({}): {}",
                plan.new_ptes.len(),
                list(&plan.new_ptes)
            );
            println!(
                "  OT iniciales nuevas ({}): {}",
                plan.created.len(),
                list(&plan.created)
            );
            println!(
                "  OT iniciales actualizadas ({}): {}",
                plan.updated.len(),
                list(&plan.updated)
            );
            println!(
                "  Reprogramaciones nuevas ({}): {}",
                plan.reprogrammings.len(),
                list(&plan.reprogrammings)
            );
            Ok(())
        }
        Err(Refusal::Rows(errors, book)) => {
            for e in &errors {
                println!("Fila {} ({}): {}", e.sheet_row + 1, e.code, e.reason);
            }
            if let Some(book) = book {
                let out = file.with_extension("errores.xlsx");
                std::fs::write(&out, book)?;
                println!("Filas con observaciones en {}", out.display());
            }
            anyhow::bail!("{} filas con errores: no se importó nada", errors.len())
        }
        Err(Refusal::File(why)) => anyhow::bail!(why),
        Err(Refusal::Database(e)) => Err(e.into()),
        Err(Refusal::Preview(_)) => anyhow::bail!("vista previa inesperada"),
    }
}

/// `faena check`: one line per check; an error exit when any fails.
fn check(config: &Config) -> anyhow::Result<()> {
    let pool = faena::db::build_pool(&config.database_url, 1)
        .map_err(|e| anyhow::anyhow!("base de datos inalcanzable: {e}"))?;
    let mut conn = pool.get()?;
    println!(
        "ok     conexión: {}",
        if config.database_url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let mut failed = 0;
    for f in faena::db::health::check(&mut conn) {
        println!(
            "{} {}: {}",
            if f.ok { "ok    " } else { "FALLA " },
            f.check,
            f.detail
        );
        failed += usize::from(!f.ok);
    }
    match faena::db::health::open_file_limit() {
        Some(n) if n < 4096 => {
            println!("FALLA  límite de archivos abiertos: {n} (recomendado 65536: ulimit -n)");
            failed += 1;
        }
        Some(n) => println!("ok     límite de archivos abiertos: {n}"),
        None => println!("ok     límite de archivos abiertos: no disponible"),
    }
    if failed > 0 {
        anyhow::bail!("{failed} comprobaciones fallaron");
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let pool = open_database(&config)?;
    let mut conn = pool.get()?;
    if let Some(password) = accounts::ensure_first_admin(&mut conn, Utc::now().naive_utc())? {
        println!(
            "La base de datos no tenía usuarios: se creó el usuario «admin» con la contraseña \
             temporal: {password}\nAnótela ahora: no se volverá a mostrar. Se pedirá cambiarla \
             al iniciar sesión."
        );
    }
    drop(conn);
    let app = Application::build(config.clone(), pool)?;
    let host = config.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    println!("Faena escuchando en http://{host}:{}", app.port());
    app.run_until_stopped().await?;
    Ok(())
}

fn read_password_stdin() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    Ok(input.trim_end_matches(['\r', '\n']).to_owned())
}

fn user_command(config: &Config, cmd: UserCommand) -> anyhow::Result<()> {
    let pool = open_database(config)?;
    let mut conn = pool.get()?;
    let now = Utc::now().naive_utc();
    let actor = Actor::console();
    let show = |e: AccountError| match e {
        AccountError::Invalid(msg) => anyhow::anyhow!(msg),
        other => anyhow::anyhow!(other),
    };
    match cmd {
        UserCommand::Add {
            username,
            role,
            name,
            password_stdin,
        } => {
            let (password, temporary) = if password_stdin {
                (read_password_stdin()?, false)
            } else {
                (accounts::temporary_password(), true)
            };
            let new = NewAccount {
                username: &username,
                display_name: name.as_deref(),
                role,
                password: &password,
                must_change_password: temporary,
            };
            accounts::create_user(&mut conn, &new, &actor, now).map_err(show)?;
            println!(
                "Usuario «{}» creado con rol {}.",
                username.trim().to_lowercase(),
                role
            );
            if temporary {
                println!("Contraseña temporal (se pedirá cambiarla al iniciar sesión): {password}");
            }
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let user = find_user(&mut conn, &username)?;
            let (password, temporary) = if password_stdin {
                (read_password_stdin()?, false)
            } else {
                (accounts::temporary_password(), true)
            };
            accounts::set_password(&mut conn, &user, &password, temporary, &actor, now)
                .map_err(show)?;
            println!(
                "Contraseña de «{}» actualizada; sus sesiones se cerraron.",
                user.username
            );
            if temporary {
                println!("Contraseña temporal (se pedirá cambiarla al iniciar sesión): {password}");
            }
        }
        UserCommand::Disable { username } => {
            let user = find_user(&mut conn, &username)?;
            accounts::disable_user(&mut conn, &user, &actor, now).map_err(show)?;
            println!(
                "Usuario «{}» desactivado; sus sesiones se cerraron.",
                user.username
            );
        }
    }
    Ok(())
}

fn find_user(conn: &mut faena::db::DbConn, username: &str) -> anyhow::Result<users::User> {
    let name = username.trim().to_lowercase();
    users::find_by_username(conn, &name)?
        .ok_or_else(|| anyhow::anyhow!("No existe el usuario «{name}»."))
}
