use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The roles of mnir.md §2. A user holds one or more, always within their one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Screener,
    CaseWorker,
    IdentificationOfficer,
    Supervisor,
    Coordinator,
    Investigator,
    Trainer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Screener,
        Role::CaseWorker,
        Role::IdentificationOfficer,
        Role::Supervisor,
        Role::Coordinator,
        Role::Investigator,
        Role::Trainer,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Screener => "screener",
            Role::CaseWorker => "case_worker",
            Role::IdentificationOfficer => "identification_officer",
            Role::Supervisor => "supervisor",
            Role::Coordinator => "coordinator",
            Role::Investigator => "investigator",
            Role::Trainer => "trainer",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role `{0}` (expected one of: screener, case_worker, identification_officer, supervisor, coordinator, investigator, trainer, admin)"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.trim().to_string()))
    }
}

/// A set of roles, kept sorted so its text form is stable (`a,b,c`). What an operator or an
/// administrator gives is never empty ([`FromStr`]); an account whose only role ended with its
/// certificate holds none ([`RoleSet::from_stored`]) and may then only learn.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleSet(Vec<Role>);

impl RoleSet {
    pub fn new(mut roles: Vec<Role>) -> Self {
        roles.sort();
        roles.dedup();
        RoleSet(roles)
    }
    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }
    pub fn any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.contains(*r))
    }
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads the roles as stored, where an account may hold none.
    pub fn from_stored(s: &str) -> Result<Self, UnknownRole> {
        if s.trim().is_empty() {
            return Ok(RoleSet::default());
        }
        s.parse()
    }
}

impl fmt::Display for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|r| r.as_str()).collect();
        f.write_str(&names.join(","))
    }
}

impl FromStr for RoleSet {
    type Err = UnknownRole;
    /// Parses `role[,role…]`; an empty list is refused because a user without a role could do nothing.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let roles = s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Role::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        if roles.is_empty() {
            return Err(UnknownRole(String::new()));
        }
        Ok(RoleSet::new(roles))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sets_round_trip_sorted_and_deduplicated() {
        let set: RoleSet = "supervisor, case_worker,supervisor".parse().unwrap();
        assert_eq!(set.to_string(), "case_worker,supervisor");
        assert!(set.contains(Role::Supervisor));
        assert!(!set.contains(Role::Admin));
    }

    #[test]
    fn unknown_and_empty_roles_are_refused() {
        assert_eq!("boss".parse::<Role>(), Err(UnknownRole("boss".into())));
        assert!("".parse::<RoleSet>().is_err());
        assert!("case_worker,boss".parse::<RoleSet>().is_err());
    }
}
