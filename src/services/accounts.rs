//! Account use cases shared by the web routes and the command line: login with throttling,
//! creating users, changing passwords, and the first administrator.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;
use rand::distr::{SampleString, Uniform};

use crate::db::{self, DbConn, activity, sessions, users, write_transaction};
use crate::domain::account::{self, Username};
use crate::domain::role::Role;
use crate::services::{Actor, password};

/// Name of the table in activity-log entries about accounts.
pub const USERS_TABLE: &str = "users";

/// Why an account change was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Input the user can fix; the message is Spanish and safe to show.
    #[error("{0}")]
    Invalid(String),
    #[error("database error")]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Hash(#[from] password::HashError),
}

/// Result of a login attempt. A refusal never says whether the user exists, the password was
/// wrong, or the account is locked or disabled.
#[derive(Debug)]
pub enum LoginOutcome {
    Accepted(users::User),
    Refused,
}

/// One account event in the activity log (W11), through the one entry builder.
fn log(
    conn: &mut DbConn,
    now: NaiveDateTime,
    actor: &Actor,
    action: &str,
    record_id: Option<i32>,
    detail: Option<String>,
) -> QueryResult<()> {
    let mut entry = actor.entry(now, USERS_TABLE, action, record_id);
    entry.detail = detail;
    activity::record(conn, &entry)
}

/// Checks a login. Spends one argon2 verification whatever happens, so timing does not reveal
/// whether the username exists. After five consecutive failures the account waits (1, 2, 4, 8,
/// then 15 minutes); attempts during the wait are refused without looking at the password. The
/// attempt is counted before the password is checked, so parallel attempts check at most five.
/// The wait is a delay, not a hard lock: whoever knows a username can make its owner wait at
/// most 15 minutes at a time, and an administrator can lift it (`unlock_user`).
#[tracing::instrument(name = "service", skip_all, fields(use_case = "accounts::login"))]
pub fn login(
    conn: &mut DbConn,
    raw_username: &str,
    password_given: &str,
    now: NaiveDateTime,
) -> QueryResult<LoginOutcome> {
    let name = account::login_name(raw_username);
    let user = match &name {
        Some(n) => users::find_by_username(conn, n)?,
        None => None,
    };
    // What was typed goes to the log: printable characters only (PostgreSQL refuses NUL).
    let typed: String = raw_username
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(50)
        .collect();
    let Some(user) = user else {
        password::verify_dummy(password_given);
        let actor = Actor {
            user_id: None,
            username: typed,
        };
        write_transaction(conn, |c| {
            log(
                c,
                now,
                &actor,
                "login_fallido",
                None,
                Some("usuario desconocido".into()),
            )
        })?;
        return Ok(LoginOutcome::Refused);
    };
    let actor = Actor {
        user_id: Some(user.id),
        username: user.username.clone(),
    };
    // The attempt is counted, and the account held when it is the one that may lock it, in one
    // transaction with the row locked, *before* the slow hash: parallel guesses cannot check more
    // passwords than the lockout allows (issue 13 §2).
    let reserved = write_transaction(conn, |c| {
        users::lock_row(c, user.id)?;
        let Some(fresh) = users::find(c, user.id)? else {
            return Ok(Err("usuario desconocido"));
        };
        if !fresh.active {
            return Ok(Err("cuenta desactivada"));
        }
        if fresh.locked_until.is_some_and(|until| until > now) {
            return Ok(Err("cuenta bloqueada temporalmente"));
        }
        let failures = fresh.failed_logins + 1;
        let hold = (failures >= account::FREE_LOGIN_ATTEMPTS)
            .then(|| now + Duration::minutes(account::MAX_LOCK_MINUTES));
        users::reserve_attempt(c, user.id, failures, hold, now)?;
        Ok::<_, diesel::result::Error>(Ok(failures))
    })?;
    let failures = match reserved {
        Ok(n) => n,
        Err(why) => {
            password::verify_dummy(password_given);
            write_transaction(conn, |c| {
                log(
                    c,
                    now,
                    &actor,
                    "login_fallido",
                    Some(user.id),
                    Some(why.into()),
                )
            })?;
            return Ok(LoginOutcome::Refused);
        }
    };
    if password_given.len() <= account::MAX_PASSWORD_BYTES
        && password::verify(password_given, &user.password_hash)
    {
        // W21: a password hash kept from the legacy system is replaced by argon2 now that the
        // password is known (hashed before the transaction: it is the slow part).
        let rehashed = if password::is_legacy(&user.password_hash) {
            password::hash(password_given).ok()
        } else {
            None
        };
        write_transaction(conn, |c| {
            // Sessions before the user row (the lock order of every session write).
            sessions::delete_expired(c, now)?;
            users::clear_failed_logins(c, user.id)?;
            if let Some(hash) = &rehashed {
                users::set_password(c, user.id, hash, user.must_change_password, now)?;
                log(
                    c,
                    now,
                    &actor,
                    "contrasena_migrada",
                    Some(user.id),
                    Some("hash del sistema anterior reemplazado por argon2id".into()),
                )?;
            }
            log(c, now, &actor, "login", Some(user.id), None)
        })?;
        return Ok(LoginOutcome::Accepted(user));
    }
    write_transaction(conn, |c| {
        log(
            c,
            now,
            &actor,
            "login_fallido",
            Some(user.id),
            Some("contraseña incorrecta".into()),
        )?;
        if let Some(minutes) = account::lockout_minutes(failures) {
            users::lock_until(c, user.id, now + Duration::minutes(minutes))?;
            log(
                c,
                now,
                &actor,
                "bloqueo",
                Some(user.id),
                Some(format!(
                    "{failures} intentos fallidos: espera de {minutes} min"
                )),
            )?;
        }
        Ok::<(), diesel::result::Error>(())
    })?;
    Ok(LoginOutcome::Refused)
}

/// Records a logout in the activity log.
#[tracing::instrument(
    name = "service",
    skip_all,
    fields(use_case = "accounts::record_logout")
)]
pub fn record_logout(conn: &mut DbConn, actor: &Actor, now: NaiveDateTime) -> QueryResult<()> {
    write_transaction(conn, |c| log(c, now, actor, "logout", actor.user_id, None))
}

/// A random password for a new or reset account, easy to read aloud (no 0/O, 1/l/I).
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let dist = Uniform::new(0, ALPHABET.len()).ok();
    let mut rng = rand::rng();
    match dist {
        Some(dist) => (0..20)
            .map(|_| char::from(ALPHABET[rand::Rng::sample(&mut rng, dist)]))
            .collect(),
        None => rand::distr::Alphanumeric.sample_string(&mut rng, 20),
    }
}

/// Input for a new account.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: Option<&'a str>,
    pub role: Role,
    pub password: &'a str,
    pub must_change_password: bool,
}

/// Creates an account after checking the username and the password policy.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "accounts::create_user"))]
pub fn create_user(
    conn: &mut DbConn,
    new: &NewAccount<'_>,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<i32, AccountError> {
    let username = Username::parse(new.username).map_err(AccountError::Invalid)?;
    account::check_password_policy(new.password, username.as_str())
        .map_err(AccountError::Invalid)?;
    let display = new
        .display_name
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(username.as_str());
    if display.chars().count() > 200 {
        return Err(AccountError::Invalid(
            "El nombre para mostrar admite como máximo 200 caracteres.".into(),
        ));
    }
    let hash = password::hash(new.password)?;
    let row = users::NewUser {
        username: username.as_str(),
        display_name: display,
        password_hash: &hash,
        role: new.role.code(),
        active: true,
        must_change_password: new.must_change_password,
        failed_logins: 0,
        created_at: now,
        updated_at: now,
    };
    let created = write_transaction(conn, |c| {
        let id = users::insert(c, &row)?;
        log(
            c,
            now,
            actor,
            "crear",
            Some(id),
            Some(format!("rol {}", new.role.code())),
        )?;
        Ok::<_, diesel::result::Error>(id)
    });
    match created {
        Err(e) if db::is_unique_violation(&e) => Err(AccountError::Invalid(format!(
            "Ya existe un usuario «{}».",
            username.as_str()
        ))),
        other => Ok(other?),
    }
}

/// Sets a new password after the policy check and revokes every session of the user (the
/// caller renews its own). `must_change` is true for a temporary password set by someone else.
#[tracing::instrument(
    name = "service",
    skip_all,
    fields(use_case = "accounts::set_password")
)]
pub fn set_password(
    conn: &mut DbConn,
    user: &users::User,
    new_password: &str,
    must_change: bool,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    account::check_password_policy(new_password, &user.username).map_err(AccountError::Invalid)?;
    let hash = password::hash(new_password)?;
    write_transaction(conn, |c| {
        // Sessions first, then the user: the same lock order as a session's own update (row,
        // then the `auth` version its trigger bumps), so the two cannot deadlock on PostgreSQL.
        sessions::delete_for_user(c, user.id, None)?;
        users::set_password(c, user.id, &hash, must_change, now)?;
        log(c, now, actor, "cambio_contrasena", Some(user.id), None)
    })?;
    Ok(())
}

/// The message when a change would leave no active administrator.
pub const LAST_ADMIN: &str =
    "No se puede: es el último administrador activo. Nombre a otro administrador primero.";

/// Disables an account and revokes its sessions at once. The last active administrator cannot be
/// disabled.
#[tracing::instrument(
    name = "service",
    skip_all,
    fields(use_case = "accounts::disable_user")
)]
pub fn disable_user(
    conn: &mut DbConn,
    user: &users::User,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    write_transaction(conn, |c| {
        if user.role == Role::Admin.code() && users::other_active_admins(c, user.id)? == 0 {
            return Err(AccountError::Invalid(LAST_ADMIN.to_owned()));
        }
        sessions::delete_for_user(c, user.id, None)?;
        users::set_active(c, user.id, false, now)?;
        Ok(log(c, now, actor, "desactivar", Some(user.id), None)?)
    })?;
    Ok(())
}

/// On a database without any user, creates `admin` with a random password that must be changed
/// at first login, and returns that password (the caller prints it once). Returns `None` when
/// users exist. Safe when several instances start at once: one creates, the others see a user.
#[tracing::instrument(
    name = "service",
    skip_all,
    fields(use_case = "accounts::ensure_first_admin")
)]
pub fn ensure_first_admin(
    conn: &mut DbConn,
    now: NaiveDateTime,
) -> Result<Option<String>, AccountError> {
    let password = temporary_password();
    let hash = password::hash(&password)?;
    let created = write_transaction(conn, |c| {
        if users::count(c)? > 0 {
            return Ok(None);
        }
        let row = users::NewUser {
            username: "admin",
            display_name: "Administrador",
            password_hash: &hash,
            role: Role::Admin.code(),
            active: true,
            must_change_password: true,
            failed_logins: 0,
            created_at: now,
            updated_at: now,
        };
        let id = users::insert(c, &row)?;
        log(
            c,
            now,
            &Actor::console(),
            "crear",
            Some(id),
            Some("primer administrador".into()),
        )?;
        Ok::<_, diesel::result::Error>(Some(password))
    });
    match created {
        Err(e) if db::is_unique_violation(&e) => Ok(None),
        other => Ok(other?),
    }
}

/// Re-enables an account.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "accounts::enable_user"))]
pub fn enable_user(
    conn: &mut DbConn,
    user: &users::User,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    write_transaction(conn, |c| {
        users::set_active(c, user.id, true, now)?;
        log(c, now, actor, "activar", Some(user.id), None)
    })?;
    Ok(())
}

/// Changes a role; the last active administrator cannot be demoted. Takes effect on the user's
/// next request (the gate reads the role every time).
#[tracing::instrument(name = "service", skip_all, fields(use_case = "accounts::change_role"))]
pub fn change_role(
    conn: &mut DbConn,
    user: &users::User,
    role: Role,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    write_transaction(conn, |c| {
        if user.role == Role::Admin.code()
            && role != Role::Admin
            && user.active
            && users::other_active_admins(c, user.id)? == 0
        {
            return Err(AccountError::Invalid(LAST_ADMIN.to_owned()));
        }
        users::set_role(c, user.id, role.code(), now)?;
        Ok(activity::record(
            c,
            &actor.entry(now, USERS_TABLE, "rol", user.id).change(
                "rol",
                user.role.clone(),
                role.code().to_owned(),
            ),
        )?)
    })?;
    Ok(())
}

/// Lifts a login lock before its time.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "accounts::unlock_user"))]
pub fn unlock_user(
    conn: &mut DbConn,
    user: &users::User,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    write_transaction(conn, |c| {
        users::clear_failed_logins(c, user.id)?;
        log(c, now, actor, "desbloquear", Some(user.id), None)
    })?;
    Ok(())
}

/// What is wrong with a password change, per field of the form.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PasswordErrors {
    pub actual: Option<String>,
    pub nueva: Option<String>,
    pub confirmacion: Option<String>,
}

impl PasswordErrors {
    pub fn any(&self) -> bool {
        self.actual.is_some() || self.nueva.is_some() || self.confirmacion.is_some()
    }
}

/// A user changes their own password: the current one must verify, the new one must meet the
/// policy and differ from the current one, and the confirmation must match. Every problem is
/// reported at once; nothing changes unless all hold.
#[tracing::instrument(name = "service", skip_all, fields(use_case = "accounts::change_own_password", user_id = user_id))]
pub fn change_own_password(
    conn: &mut DbConn,
    user_id: i32,
    current: &str,
    new: &str,
    confirmation: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<PasswordErrors, AccountError> {
    let Some(account) = users::find(conn, user_id)? else {
        return Err(AccountError::Invalid("La cuenta no existe.".to_owned()));
    };
    let mut errors = PasswordErrors::default();
    if !password::verify(current, &account.password_hash) {
        errors.actual = Some("La contraseña actual no es correcta.".into());
    }
    if let Err(msg) = account::check_password_policy(new, &account.username) {
        errors.nueva = Some(msg);
    } else if new == current {
        errors.nueva = Some("La contraseña nueva debe ser distinta de la actual.".into());
    }
    if confirmation != new {
        errors.confirmacion = Some("La confirmación no coincide con la contraseña nueva.".into());
    }
    if errors.any() {
        return Ok(errors);
    }
    match set_password(conn, &account, new, false, actor, now) {
        Ok(()) => Ok(errors),
        Err(AccountError::Invalid(msg)) => Ok(PasswordErrors {
            nueva: Some(msg),
            ..PasswordErrors::default()
        }),
        Err(e) => Err(e),
    }
}
