//! Roles of DOMAIN.md section 5.

use std::fmt;
use std::str::FromStr;

/// What a user may do. Each role includes the ones below it: admin ⊇ gestor ⊇ consulta.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Read-only: lists, detail, print, export.
    Consulta,
    /// Project manager: creates, edits and deletes work orders, steps and statuses.
    Gestor,
    /// Users, catalogs, step templates and the step rule, restore, and everything a gestor does.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Gestor, Role::Consulta];

    /// The code stored in the database and accepted on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Gestor => "gestor",
            Role::Consulta => "consulta",
        }
    }

    /// The name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrador",
            Role::Gestor => "Gestor de proyecto",
            Role::Consulta => "Consulta",
        }
    }

    /// True when this role may do what `needed` allows.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An unknown role code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rol desconocido «{0}»: use admin, gestor o consulta")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_allows_every_role_and_consulta_only_itself() {
        assert!(Role::Admin.allows(Role::Gestor));
        assert!(Role::Admin.allows(Role::Consulta));
        assert!(Role::Gestor.allows(Role::Consulta));
        assert!(!Role::Gestor.allows(Role::Admin));
        assert!(!Role::Consulta.allows(Role::Gestor));
        assert!(Role::Consulta.allows(Role::Consulta));
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
        assert!("Admin".parse::<Role>().is_err());
    }
}
