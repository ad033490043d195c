//! `can(actor, action, facts)`: every authorisation decision of the mechanism, in one place.
//!
//! The store enforces the same rules a second time by filtering every query with [`CaseScope`],
//! so a list or a count can never include a case that `can` would refuse.

use crate::case::{AgeGroup, CaseState, transition_rule};
use crate::org::{IdentifyPower, OrgKind, OrgType};
use crate::role::{Role, RoleSet};

/// The person acting, as far as authorisation is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub org_code: String,
    pub org_kind: OrgKind,
    /// The HTCDS type of the actor's organisation (immigration sees the no-removal flags).
    pub org_type: OrgType,
    pub identify_power: IdentifyPower,
    /// The actor's organisation is an investigating body (police, prosecutors, labour
    /// inspectors): its staff stay outside the support compartment whatever their roles.
    pub investigates: bool,
    pub roles: RoleSet,
}

/// What is known about a case when deciding, computed by the store for this actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFacts {
    pub state: CaseState,
    pub age_group: AgeGroup,
    /// The actor's organisation is on the case's access list (notifier, routed recipient).
    pub org_has_access: bool,
    /// The actor recorded the notification themself.
    pub created_by_actor: bool,
    /// A disclosure in force names the actor's organisation as its recipient. The use case that
    /// checked the disclosures sets it; the store always answers `false`.
    pub disclosed_to_org: bool,
    /// The actor reads the case under a break-glass access (mnir.md §13), their organisation not
    /// on its access list: `org_has_access` is then set for the reads, and only the reads in
    /// [`GLASS_READS`] are allowed. The use case sets it; the store always answers `false`.
    pub via_glass: bool,
    /// The case's identifying data were erased (retention or a person's request): it is still
    /// read for what remains (its history, its counts), never changed again.
    pub erased: bool,
}

/// What a break-glass access allows: reading the case, the person, the notes, the protection
/// measures and urgent needs, the victim profile and a return under way. Every change, the
/// shelter's address, the justice track and the disclosures stay with the case's organisations.
pub const GLASS_READS: &[Action] = &[
    Action::ViewCase,
    Action::ViewIdentity,
    Action::ViewNotes,
    Action::ViewSupportRecords,
    Action::SeeUrgentNeeds,
    Action::ViewVictimProfile,
    Action::ViewRepatriation,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ListCases,
    NotifyCase,
    /// Open a case. The actor sees it, possibly pseudonymised.
    ViewCase,
    /// See names, birth date and other identifying fields in clear.
    ViewIdentity,
    /// Read the free-text notes of a case.
    ViewNotes,
    Transition {
        to: CaseState,
    },
    ManageOrganisations,
    ManageUsers,
    /// Record an identification interview on a case.
    RunInterview,
    /// Record the information given to the person and their consents, or withdraw one.
    RecordConsent,
    /// Import and activate indicator catalogues.
    ManageCatalogues,
    /// Pause and resume the legal clocks of a case.
    ManageClocks,
    /// See and close the organisation's tasks and deadlines (which name its cases).
    WorkInbox,
    /// Keep an organisation's directory entry current (`org` is the entry's organisation).
    EditDirectoryEntry {
        own: bool,
    },
    /// Record the offer of the reflection period to a foreign national and its end.
    RecordReflection,
    /// See the people under a no-removal flag (a running reflection period), to stop a removal.
    SeeNoRemovalFlags,
    /// Read the support compartment of a case (risk assessments and their notes, the urgent
    /// needs): its organisations' case workers and supervisors, never an investigator, a
    /// coordinator, an administrator or a law-enforcement body (the firewall of mnir.md §9).
    ViewSupportRecords,
    /// Record a risk assessment (the first contact's urgent questions or the full assessment).
    RecordAssessment,
    /// See, in the organisation's inbox, the cases whose urgent needs nobody has answered yet
    /// (support records, behind the same firewall).
    SeeUrgentNeeds,
    /// Draft a version of the safety and support plan, record its acknowledgements and the
    /// services delivered (support records, behind the same firewall).
    KeepPlan,
    /// Read the confidential address of the person's shelter: the case workers of the case's
    /// organisations only (not a supervisor who is not one), never an investigating body.
    SeeShelterAddress,
    /// Read the criminal-justice track and the investigative summary (reference, state,
    /// trafficking status, proceedings, non-punishment flags, contact organisation): the case's
    /// organisations' case workers, supervisors, identification officers and investigators,
    /// and the investigators of an organisation a disclosure in force names.
    ViewJusticeTrack,
    /// Record proceedings, hearings and non-punishment flags: the case's organisations' case
    /// workers, supervisors and investigators.
    KeepJusticeTrack,
    /// Read the support records a disclosure in force covers: the investigators of its
    /// recipient organisation.
    ReadDisclosed,
    /// Record a disclosure of support records, or end one early: those who hold the support
    /// compartment (as [`Action::KeepPlan`]).
    RecordDisclosure,
    /// Read a case's disclosure register: the compartment's holders and ANITP's coordinators.
    ViewDisclosureRegister,
    /// Read the register of disclosures across cases: a supervisor for the organisation's cases,
    /// an ANITP coordinator for every case, an investigator for those made to the organisation.
    ListDisclosures,
    /// Read the national statistics. The internal view (exact counts, each look audited) is
    /// ANITP's coordinators' work; the published view, after disclosure control, is also open
    /// to any organisation's supervisors.
    ViewStatistics {
        published: bool,
    },
    /// Read the victim profile of a case (citizenships, forms and places of exploitation,
    /// methods of recruitment and control): the case's organisations' staff who see identities.
    ViewVictimProfile,
    /// Record or correct the victim profile: those who run the identification interview.
    RecordVictimProfile,
    /// Export the register's cases in HTCDS for a partner, or as an open-data extract: ANITP's
    /// national coordinators (the whole register, not a region's). Names and birth dates go
    /// only to a recipient whose legal basis the use case records.
    ExportCases,
    /// Import another system's cases from an HTCDS file (a migration): ANITP's national
    /// coordinators.
    ImportCases,
    /// Read a case's repatriation procedures: their reception and reintegration belong to the
    /// support compartment, so its holders.
    ViewRepatriation,
    /// Open a repatriation procedure, record its steps, record the person's withdrawal: the
    /// support compartment's holders.
    KeepRepatriation,
    /// Approve the travel after a high risk of the return: a supervisor of the case's
    /// organisations.
    ApproveRepatriationTravel,
    /// Print a return's file for the escort and the receiving partner: whoever reads the
    /// procedure, and the case workers and supervisors of the partner abroad that receives the
    /// person (`receiving_partner`), who see nothing else of the case.
    ReadReturnFile {
        receiving_partner: bool,
    },
    /// Keep the curriculum, the vignettes, the training sessions and their participants, and
    /// revoke a certificate: trainers (mnir.md §12).
    ManageTraining,
    /// Do the e-learning and read one's own results and certificates: every account.
    TakeElearning,
    /// See which certificates of the organisation's staff end soon, to plan their training:
    /// supervisors.
    SeeStaffCertificates,
    /// Read the training reports (people trained, sessions, certificates, notifications by
    /// certified staff): exact counts for trainers and ANITP's coordinators; the published view,
    /// after disclosure control, for supervisors too.
    ViewTrainingReports {
        published: bool,
    },
    /// Open a case not routed to one's organisation for a short time, with a reason
    /// (mnir.md §13): case workers and supervisors; the profile may forbid it to some roles.
    BreakGlass,
    /// Mark a break-glass access justified or not: the user's supervisors, and ANITP's
    /// coordinators.
    ReviewBreakGlass,
    /// Place or lift a legal hold on a case, and record a person's request to erase it: the
    /// supervisors of the organisations the case is routed to, and ANITP's coordinators.
    ManageLegalHold,
    /// See a case's holds and erasure requests: the above, and the case workers of the
    /// organisations the case is routed to.
    ViewLegalHolds,
    /// See what the retention schedules bring due and the register of erasures: administrators
    /// and ANITP's coordinators.
    ViewRetention,
    /// Erase what is due now: administrators (the operator's `mnir retention run` as well).
    RunRetention,
    /// See the pairs of cases that may be one person and merge them or mark them distinct: the
    /// case workers and supervisors of ANITP (mnir.md §13). The store gives each the pairs of
    /// which one case is routed to their centre; the central office's, every pair.
    ReviewDuplicates,
}

/// Why an action is refused. `NotVisible` must be shown as "not found": the existence of a case
/// that an organisation may not see is itself sensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    NotVisible,
    RoleMissing {
        needed: Vec<Role>,
    },
    TransitionNotAllowed {
        from: CaseState,
        to: CaseState,
    },
    NoIdentificationPower,
    IdentificationPowerChildrenOnly,
    /// Support records are not shown to an investigating body (mnir.md §9).
    Firewall,
    /// An investigating body reads a support record only through a disclosure in force.
    NoDisclosure,
    /// Under a break-glass access the case is read, never changed (mnir.md §13).
    BreakGlassReadOnly,
    /// The case's identifying data were erased: nothing more is recorded on it.
    Erased,
}

/// Which cases an actor may see, as a filter the store turns into SQL. The flags are alternatives
/// (a user with several roles sees the union).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseScope {
    /// National, pseudonymised view (ANITP coordination and statistics).
    pub national: bool,
    /// Cases on whose access list this organisation stands.
    pub organisation: Option<String>,
    /// Cases this user notified.
    pub created_by: Option<String>,
}

impl CaseScope {
    pub fn is_empty(&self) -> bool {
        !self.national && self.organisation.is_none() && self.created_by.is_none()
    }
}

const ORG_CASE_ROLES: &[Role] = &[
    Role::CaseWorker,
    Role::Supervisor,
    Role::IdentificationOfficer,
    Role::Investigator,
];
const IDENTITY_ROLES: &[Role] = &[
    Role::CaseWorker,
    Role::Supervisor,
    Role::IdentificationOfficer,
];
/// Clocks are the work of the organisation's case workers and supervisors.
const WORKERS_ON_CASE: &[Role] = &[Role::CaseWorker, Role::Supervisor];
/// The interview is done by those who also see the person's identity.
const INTERVIEW_ROLES: &[Role] = IDENTITY_ROLES;
const NOTIFYING_ROLES: &[Role] = &[
    Role::Screener,
    Role::CaseWorker,
    Role::Supervisor,
    Role::IdentificationOfficer,
    Role::Investigator,
];

/// Who reads the criminal-justice track of a case their organisation is on.
const JUSTICE_READERS: &[Role] = &[
    Role::CaseWorker,
    Role::Supervisor,
    Role::IdentificationOfficer,
    Role::Investigator,
];
/// Who records proceedings, hearings and non-punishment flags.
const JUSTICE_KEEPERS: &[Role] = &[Role::CaseWorker, Role::Supervisor, Role::Investigator];

/// An ANITP coordinator: the national, pseudonymised view.
fn anitp_coordinator(actor: &Actor) -> bool {
    actor.roles.contains(Role::Coordinator)
        && matches!(
            actor.org_kind,
            OrgKind::AnitpCentral | OrgKind::AnitpRegional
        )
}

pub fn case_scope(actor: &Actor) -> CaseScope {
    CaseScope {
        national: anitp_coordinator(actor),
        organisation: actor
            .roles
            .any(ORG_CASE_ROLES)
            .then(|| actor.org_code.clone()),
        created_by: actor
            .roles
            .contains(Role::Screener)
            .then(|| actor.user_id.clone()),
    }
}

/// Whether the actor sees the case at all (the condition [`CaseScope`] expresses in SQL).
fn sees(actor: &Actor, facts: &CaseFacts) -> bool {
    let scope = case_scope(actor);
    scope.national
        || (scope.organisation.is_some() && facts.org_has_access)
        || (scope.created_by.is_some() && facts.created_by_actor)
}

fn needs(actor: &Actor, roles: &[Role]) -> Result<(), Denial> {
    if actor.roles.any(roles) {
        Ok(())
    } else {
        Err(Denial::RoleMissing {
            needed: roles.to_vec(),
        })
    }
}

/// Whether `action` records something on a case (refused once the case is erased).
fn changes_case(action: Action) -> bool {
    matches!(
        action,
        Action::Transition { .. }
            | Action::RunInterview
            | Action::RecordConsent
            | Action::RecordReflection
            | Action::RecordAssessment
            | Action::KeepPlan
            | Action::KeepJusticeTrack
            | Action::RecordDisclosure
            | Action::RecordVictimProfile
            | Action::KeepRepatriation
            | Action::ApproveRepatriationTravel
            | Action::BreakGlass
            | Action::ManageLegalHold
            | Action::ManageClocks
    )
}

/// Decides whether `actor` may do `action`; `facts` describes the case for case actions and is
/// ignored otherwise.
pub fn can(actor: &Actor, action: Action, facts: Option<&CaseFacts>) -> Result<(), Denial> {
    if facts.is_some_and(|f| f.via_glass) && !GLASS_READS.contains(&action) {
        return Err(Denial::BreakGlassReadOnly);
    }
    if facts.is_some_and(|f| f.erased) && changes_case(action) {
        return Err(Denial::Erased);
    }
    let visible_case = || match facts {
        Some(f) if sees(actor, f) => Ok(f),
        _ => Err(Denial::NotVisible),
    };
    match action {
        Action::ListCases => {
            if case_scope(actor).is_empty() {
                Err(Denial::RoleMissing {
                    needed: vec![
                        Role::Screener,
                        Role::CaseWorker,
                        Role::Supervisor,
                        Role::IdentificationOfficer,
                        Role::Investigator,
                        Role::Coordinator,
                    ],
                })
            } else {
                Ok(())
            }
        }
        Action::NotifyCase => needs(actor, NOTIFYING_ROLES),
        Action::ViewCase => visible_case().map(|_| ()),
        Action::ViewIdentity => {
            let f = visible_case()?;
            if f.created_by_actor && actor.roles.contains(Role::Screener) {
                return Ok(());
            }
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: IDENTITY_ROLES.to_vec(),
                });
            }
            needs(actor, IDENTITY_ROLES)
        }
        // The profile tells how the person was recruited and controlled: not for the notifier
        // who only signalled the case.
        Action::ViewVictimProfile => {
            let f = visible_case()?;
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: IDENTITY_ROLES.to_vec(),
                });
            }
            needs(actor, IDENTITY_ROLES)
        }
        Action::ViewNotes => {
            let f = visible_case()?;
            if f.created_by_actor {
                return Ok(());
            }
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: IDENTITY_ROLES.to_vec(),
                });
            }
            needs(actor, IDENTITY_ROLES)
        }
        Action::Transition { to } => {
            let f = visible_case()?;
            let rule = transition_rule(f.state, to)
                .ok_or(Denial::TransitionNotAllowed { from: f.state, to })?;
            // Changing a case is the work of the organisations it was routed to, never of the
            // national pseudonymised view.
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: rule.roles.to_vec(),
                });
            }
            needs(actor, rule.roles)?;
            if rule.needs_identification_power {
                match actor.identify_power {
                    IdentifyPower::All => {}
                    IdentifyPower::ChildrenOnly if f.age_group.may_be_child() => {}
                    IdentifyPower::ChildrenOnly => {
                        return Err(Denial::IdentificationPowerChildrenOnly);
                    }
                    IdentifyPower::None => return Err(Denial::NoIdentificationPower),
                }
            }
            Ok(())
        }
        Action::ManageOrganisations | Action::ManageUsers => needs(actor, &[Role::Admin]),
        Action::RunInterview
        | Action::RecordConsent
        | Action::RecordReflection
        | Action::RecordVictimProfile => {
            let f = visible_case()?;
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: INTERVIEW_ROLES.to_vec(),
                });
            }
            needs(actor, INTERVIEW_ROLES)
        }
        Action::ManageCatalogues => needs(actor, &[Role::Coordinator]),
        Action::ManageTraining => needs(actor, &[Role::Trainer]),
        Action::SeeStaffCertificates => needs(actor, &[Role::Supervisor]),
        // An investigating body reaches a case's support side only through a disclosure.
        Action::BreakGlass if actor.investigates => Err(Denial::Firewall),
        Action::BreakGlass => needs(actor, crate::break_glass::MAY_BREAK_GLASS),
        Action::ReviewBreakGlass => {
            if actor.roles.contains(Role::Supervisor) || anitp_coordinator(actor) {
                Ok(())
            } else {
                Err(Denial::RoleMissing {
                    needed: vec![Role::Supervisor, Role::Coordinator],
                })
            }
        }
        Action::ManageLegalHold | Action::ViewLegalHolds => {
            let f = visible_case()?;
            let roles: &[Role] = if action == Action::ManageLegalHold {
                &[Role::Supervisor]
            } else {
                &[Role::Supervisor, Role::CaseWorker]
            };
            if anitp_coordinator(actor) || (f.org_has_access && actor.roles.any(roles)) {
                Ok(())
            } else {
                let mut needed = roles.to_vec();
                needed.push(Role::Coordinator);
                Err(Denial::RoleMissing { needed })
            }
        }
        Action::ViewRetention => {
            if actor.roles.contains(Role::Admin) || anitp_coordinator(actor) {
                Ok(())
            } else {
                Err(Denial::RoleMissing {
                    needed: vec![Role::Admin, Role::Coordinator],
                })
            }
        }
        Action::RunRetention => needs(actor, &[Role::Admin]),
        Action::ReviewDuplicates => {
            if !matches!(
                actor.org_kind,
                OrgKind::AnitpCentral | OrgKind::AnitpRegional
            ) {
                return Err(Denial::RoleMissing {
                    needed: vec![Role::CaseWorker, Role::Supervisor],
                });
            }
            needs(actor, &[Role::CaseWorker, Role::Supervisor])
        }
        Action::ViewTrainingReports { published } => {
            if actor.roles.contains(Role::Trainer)
                || anitp_coordinator(actor)
                || published && actor.roles.contains(Role::Supervisor)
            {
                Ok(())
            } else {
                Err(Denial::RoleMissing {
                    needed: if published {
                        vec![Role::Trainer, Role::Coordinator, Role::Supervisor]
                    } else {
                        vec![Role::Trainer, Role::Coordinator]
                    },
                })
            }
        }
        // Synthetic stories and one's own results: every account, one whose screener role ended
        // with its certificate too (it learns to be certified again).
        Action::TakeElearning => Ok(()),
        Action::WorkInbox => needs(actor, IDENTITY_ROLES),
        // Immigration must know whom it may not remove; nobody else needs the list.
        Action::SeeNoRemovalFlags => {
            if actor.org_type != OrgType::ImmigrationService {
                return Err(Denial::NotVisible);
            }
            needs(actor, NOTIFYING_ROLES)
        }
        // An administrator keeps any entry; an organisation's supervisor keeps its own.
        Action::EditDirectoryEntry { own } => {
            if actor.roles.contains(Role::Admin) || (own && actor.roles.contains(Role::Supervisor))
            {
                Ok(())
            } else {
                Err(Denial::RoleMissing {
                    needed: vec![Role::Supervisor, Role::Admin],
                })
            }
        }
        Action::SeeUrgentNeeds => {
            if actor.investigates {
                return Err(Denial::Firewall);
            }
            needs(actor, WORKERS_ON_CASE)
        }
        Action::SeeShelterAddress => {
            let f = visible_case()?;
            if actor.investigates {
                return Err(Denial::Firewall);
            }
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: vec![Role::CaseWorker],
                });
            }
            needs(actor, &[Role::CaseWorker])
        }
        Action::ViewSupportRecords
        | Action::RecordAssessment
        | Action::KeepPlan
        | Action::ViewRepatriation
        | Action::KeepRepatriation => {
            let f = visible_case()?;
            // The firewall: an investigating body's staff see the investigative summary only,
            // whatever roles their accounts hold.
            if actor.investigates {
                return Err(Denial::Firewall);
            }
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: WORKERS_ON_CASE.to_vec(),
                });
            }
            needs(actor, WORKERS_ON_CASE)
        }
        Action::ViewJusticeTrack => {
            if facts.is_some_and(|f| f.disclosed_to_org)
                && actor.investigates
                && actor.roles.contains(Role::Investigator)
            {
                return Ok(());
            }
            let f = visible_case()?;
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: JUSTICE_READERS.to_vec(),
                });
            }
            needs(actor, JUSTICE_READERS)
        }
        Action::KeepJusticeTrack => {
            let f = visible_case()?;
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: JUSTICE_KEEPERS.to_vec(),
                });
            }
            needs(actor, JUSTICE_KEEPERS)
        }
        Action::ReadDisclosed => match facts {
            // Disclosures are made to investigating bodies: one that lost that standing reads
            // nothing through them.
            Some(f) if f.disclosed_to_org && actor.investigates => {
                needs(actor, &[Role::Investigator])
            }
            Some(f) if sees(actor, f) => Err(Denial::NoDisclosure),
            _ => Err(Denial::NotVisible),
        },
        Action::RecordDisclosure => {
            let f = visible_case()?;
            if actor.investigates {
                return Err(Denial::Firewall);
            }
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: WORKERS_ON_CASE.to_vec(),
                });
            }
            needs(actor, WORKERS_ON_CASE)
        }
        Action::ViewDisclosureRegister => {
            let f = visible_case()?;
            if anitp_coordinator(actor) {
                return Ok(());
            }
            if actor.investigates {
                return Err(Denial::Firewall);
            }
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: WORKERS_ON_CASE.to_vec(),
                });
            }
            needs(actor, WORKERS_ON_CASE)
        }
        Action::ViewStatistics { published } => {
            if anitp_coordinator(actor) || published && actor.roles.contains(Role::Supervisor) {
                Ok(())
            } else {
                Err(Denial::RoleMissing {
                    needed: if published {
                        vec![Role::Coordinator, Role::Supervisor]
                    } else {
                        vec![Role::Coordinator]
                    },
                })
            }
        }
        Action::ReadReturnFile { receiving_partner } => {
            if receiving_partner && !actor.investigates {
                return needs(actor, WORKERS_ON_CASE);
            }
            can(actor, Action::ViewRepatriation, facts)
        }
        Action::ApproveRepatriationTravel => {
            let f = visible_case()?;
            if actor.investigates {
                return Err(Denial::Firewall);
            }
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: vec![Role::Supervisor],
                });
            }
            needs(actor, &[Role::Supervisor])
        }
        Action::ExportCases | Action::ImportCases => {
            if actor.roles.contains(Role::Coordinator) && actor.org_kind == OrgKind::AnitpCentral {
                Ok(())
            } else {
                Err(Denial::RoleMissing {
                    needed: vec![Role::Coordinator],
                })
            }
        }
        Action::ListDisclosures => {
            if anitp_coordinator(actor)
                || actor.roles.contains(Role::Supervisor) && !actor.investigates
                || actor.roles.contains(Role::Investigator) && actor.investigates
            {
                Ok(())
            } else {
                Err(Denial::RoleMissing {
                    needed: vec![Role::Supervisor, Role::Coordinator, Role::Investigator],
                })
            }
        }
        Action::ManageClocks => {
            let f = visible_case()?;
            if !f.org_has_access {
                return Err(Denial::RoleMissing {
                    needed: WORKERS_ON_CASE.to_vec(),
                });
            }
            needs(actor, WORKERS_ON_CASE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn actor(roles: &str, kind: OrgKind, power: IdentifyPower) -> Actor {
        Actor {
            user_id: "u1".into(),
            org_code: "ORG".into(),
            org_kind: kind,
            org_type: OrgType::CentralGovernmentOrganisation,
            identify_power: power,
            investigates: false,
            roles: roles.parse().unwrap(),
        }
    }

    #[test]
    fn only_immigration_staff_see_the_no_removal_flags() {
        let mut igi = actor("screener", OrgKind::Other, IdentifyPower::All);
        igi.org_type = OrgType::ImmigrationService;
        assert_eq!(can(&igi, Action::SeeNoRemovalFlags, None), Ok(()));
        igi.roles = "trainer".parse().unwrap();
        assert!(matches!(
            can(&igi, Action::SeeNoRemovalFlags, None),
            Err(Denial::RoleMissing { .. })
        ));
        let police = actor(
            "investigator,case_worker",
            OrgKind::Other,
            IdentifyPower::All,
        );
        assert_eq!(
            can(&police, Action::SeeNoRemovalFlags, None),
            Err(Denial::NotVisible)
        );
    }

    fn facts(state: CaseState, age: AgeGroup, access: bool, own: bool) -> CaseFacts {
        CaseFacts {
            state,
            age_group: age,
            org_has_access: access,
            created_by_actor: own,
            disclosed_to_org: false,
            via_glass: false,
            erased: false,
        }
    }

    /// The return file is printed by the procedure's readers, and by the receiving partner's
    /// case workers and supervisors, who see nothing else; an investigator never.
    #[test]
    fn the_return_file_is_for_the_procedures_readers_and_the_receiving_partner() {
        let theirs = facts(CaseState::InAssistance, AgeGroup::Adult, true, false);
        let worker = actor("case_worker", OrgKind::AnitpRegional, IdentifyPower::All);
        let partner = actor("case_worker", OrgKind::Other, IdentifyPower::None);
        let screener = actor("screener", OrgKind::Other, IdentifyPower::None);
        let read = |receiving_partner| Action::ReadReturnFile { receiving_partner };
        assert_eq!(can(&worker, read(false), Some(&theirs)), Ok(()));
        assert_eq!(can(&partner, read(true), None), Ok(()));
        assert!(can(&screener, read(true), None).is_err());
        // Not the receiving partner, and not on the case's access list: nothing.
        let elsewhere = facts(CaseState::InAssistance, AgeGroup::Adult, false, false);
        assert!(can(&partner, read(false), Some(&elsewhere)).is_err());
        assert!(can(&partner, Action::ViewRepatriation, Some(&elsewhere)).is_err());
        assert_eq!(can(&partner, read(false), Some(&theirs)), Ok(()));
    }

    /// The victim profile is the case's organisations' staff's: not the screener who only
    /// notified the case (unlike the notes they wrote), nor an investigator or a coordinator.
    #[test]
    fn the_victim_profile_is_for_the_cases_staff_who_see_identities() {
        let theirs = facts(CaseState::PresumedVictim, AgeGroup::Adult, true, false);
        let worker = actor("case_worker", OrgKind::AnitpRegional, IdentifyPower::All);
        for action in [Action::ViewVictimProfile, Action::RecordVictimProfile] {
            assert_eq!(can(&worker, action, Some(&theirs)), Ok(()), "{action:?}");
        }
        let elsewhere = facts(CaseState::PresumedVictim, AgeGroup::Adult, false, false);
        assert!(can(&worker, Action::ViewVictimProfile, Some(&elsewhere)).is_err());
        let notifier = facts(CaseState::PresumedVictim, AgeGroup::Adult, false, true);
        let screener = actor("screener", OrgKind::Other, IdentifyPower::None);
        assert_eq!(can(&screener, Action::ViewNotes, Some(&notifier)), Ok(()));
        assert!(can(&screener, Action::ViewVictimProfile, Some(&notifier)).is_err());
        for roles in ["investigator", "coordinator", "trainer"] {
            let other = actor(roles, OrgKind::AnitpRegional, IdentifyPower::All);
            assert!(
                can(&other, Action::ViewVictimProfile, Some(&theirs)).is_err(),
                "{roles}"
            );
            assert!(can(&other, Action::RecordVictimProfile, Some(&theirs)).is_err());
        }
    }

    #[test]
    fn support_records_stay_behind_the_firewall() {
        let f = facts(CaseState::PresumedVictim, AgeGroup::Adult, true, false);
        let worker = actor("case_worker", OrgKind::AnitpRegional, IdentifyPower::All);
        assert_eq!(can(&worker, Action::ViewSupportRecords, Some(&f)), Ok(()));
        assert_eq!(can(&worker, Action::RecordAssessment, Some(&f)), Ok(()));
        let mut police = actor(
            "case_worker,supervisor,investigator",
            OrgKind::Other,
            IdentifyPower::All,
        );
        police.org_type = OrgType::LawEnforcement;
        police.investigates = true;
        assert_eq!(
            can(&police, Action::ViewSupportRecords, Some(&f)),
            Err(Denial::Firewall)
        );
        assert_eq!(
            can(&police, Action::SeeUrgentNeeds, None),
            Err(Denial::Firewall)
        );
        assert_eq!(can(&worker, Action::SeeUrgentNeeds, None), Ok(()));
        for roles in [
            "investigator",
            "identification_officer",
            "coordinator",
            "admin",
            "screener",
        ] {
            let a = actor(roles, OrgKind::AnitpCentral, IdentifyPower::All);
            assert!(
                can(&a, Action::ViewSupportRecords, Some(&f)).is_err(),
                "{roles} must not read support records"
            );
        }
        let elsewhere = facts(CaseState::PresumedVictim, AgeGroup::Adult, false, false);
        assert_eq!(
            can(&worker, Action::ViewSupportRecords, Some(&elsewhere)),
            Err(Denial::NotVisible)
        );
    }

    /// Under a break-glass access the case is read, never changed, and its shelter address and
    /// justice track stay with its organisations; an investigating body cannot break the glass.
    #[test]
    fn a_break_glass_access_reads_only() {
        let glass = CaseFacts {
            via_glass: true,
            ..facts(CaseState::InAssistance, AgeGroup::Adult, true, false)
        };
        let worker = actor("case_worker", OrgKind::AnitpRegional, IdentifyPower::All);
        for read in GLASS_READS {
            assert!(
                !matches!(
                    can(&worker, *read, Some(&glass)),
                    Err(Denial::BreakGlassReadOnly)
                ),
                "{read:?}"
            );
        }
        assert_eq!(can(&worker, Action::ViewIdentity, Some(&glass)), Ok(()));
        for change in [
            Action::RecordConsent,
            Action::RecordAssessment,
            Action::KeepPlan,
            Action::SeeShelterAddress,
            Action::ViewJusticeTrack,
            Action::RecordDisclosure,
            Action::ManageClocks,
            Action::KeepRepatriation,
            Action::Transition {
                to: CaseState::Closed,
            },
        ] {
            assert_eq!(
                can(&worker, change, Some(&glass)),
                Err(Denial::BreakGlassReadOnly),
                "{change:?}"
            );
        }
        assert_eq!(can(&worker, Action::BreakGlass, None), Ok(()));
        let mut police = actor("case_worker", OrgKind::Other, IdentifyPower::All);
        police.investigates = true;
        assert_eq!(
            can(&police, Action::BreakGlass, None),
            Err(Denial::Firewall)
        );
    }

    #[test]
    fn the_shelter_address_is_for_the_case_workers_alone() {
        let f = facts(CaseState::InAssistance, AgeGroup::Adult, true, false);
        let worker = actor("case_worker", OrgKind::AnitpRegional, IdentifyPower::All);
        assert_eq!(can(&worker, Action::SeeShelterAddress, Some(&f)), Ok(()));
        assert_eq!(can(&worker, Action::KeepPlan, Some(&f)), Ok(()));
        // A supervisor keeps the plan but does not learn where the person sleeps.
        let supervisor = actor("supervisor", OrgKind::AnitpRegional, IdentifyPower::All);
        assert_eq!(can(&supervisor, Action::KeepPlan, Some(&f)), Ok(()));
        assert!(matches!(
            can(&supervisor, Action::SeeShelterAddress, Some(&f)),
            Err(Denial::RoleMissing { .. })
        ));
        let mut police = actor("case_worker", OrgKind::Other, IdentifyPower::All);
        police.org_type = OrgType::LawEnforcement;
        police.investigates = true;
        assert_eq!(
            can(&police, Action::SeeShelterAddress, Some(&f)),
            Err(Denial::Firewall)
        );
        assert_eq!(
            can(&police, Action::KeepPlan, Some(&f)),
            Err(Denial::Firewall)
        );
        let elsewhere = facts(CaseState::InAssistance, AgeGroup::Adult, false, false);
        assert_eq!(
            can(&worker, Action::SeeShelterAddress, Some(&elsewhere)),
            Err(Denial::NotVisible)
        );
    }

    #[test]
    fn a_case_outside_the_scope_is_not_visible_whatever_the_role() {
        for role in Role::ALL {
            let a = actor(role.as_str(), OrgKind::Other, IdentifyPower::All);
            let f = facts(CaseState::Notified, AgeGroup::Adult, false, false);
            assert_eq!(
                can(&a, Action::ViewCase, Some(&f)),
                Err(Denial::NotVisible),
                "{role}"
            );
            assert_eq!(
                can(
                    &a,
                    Action::Transition {
                        to: CaseState::PotentialVictim
                    },
                    Some(&f)
                ),
                Err(Denial::NotVisible)
            );
        }
    }

    #[test]
    fn the_admin_role_gives_no_access_to_case_content() {
        let a = actor("admin", OrgKind::AnitpCentral, IdentifyPower::All);
        assert!(case_scope(&a).is_empty());
        assert!(can(&a, Action::ListCases, None).is_err());
        assert!(can(&a, Action::ManageUsers, None).is_ok());
    }

    #[test]
    fn the_coordinator_sees_nationally_but_pseudonymised_and_cannot_change() {
        let a = actor("coordinator", OrgKind::AnitpCentral, IdentifyPower::All);
        let f = facts(CaseState::Notified, AgeGroup::Adult, false, false);
        assert!(can(&a, Action::ViewCase, Some(&f)).is_ok());
        assert!(can(&a, Action::ViewIdentity, Some(&f)).is_err());
        assert!(can(&a, Action::ViewNotes, Some(&f)).is_err());
        assert!(
            can(
                &a,
                Action::Transition {
                    to: CaseState::PotentialVictim
                },
                Some(&f)
            )
            .is_err()
        );
    }

    #[test]
    fn a_screener_sees_only_what_they_notified() {
        let a = actor("screener", OrgKind::Other, IdentifyPower::None);
        let own = facts(CaseState::Notified, AgeGroup::Adult, true, true);
        let colleague = facts(CaseState::Notified, AgeGroup::Adult, true, false);
        assert!(can(&a, Action::ViewIdentity, Some(&own)).is_ok());
        assert_eq!(
            can(&a, Action::ViewCase, Some(&colleague)),
            Err(Denial::NotVisible)
        );
    }

    #[test]
    fn a_children_only_directorate_decides_for_children_and_unknown_ages_only() {
        let a = actor(
            "identification_officer",
            OrgKind::ChildProtection,
            IdentifyPower::ChildrenOnly,
        );
        let to = CaseState::IdentifiedVictim;
        let child = facts(CaseState::PresumedVictim, AgeGroup::Child, true, false);
        let unknown = facts(CaseState::PresumedVictim, AgeGroup::Unknown, true, false);
        let adult = facts(CaseState::PresumedVictim, AgeGroup::Adult, true, false);
        assert!(can(&a, Action::Transition { to }, Some(&child)).is_ok());
        assert!(can(&a, Action::Transition { to }, Some(&unknown)).is_ok());
        assert_eq!(
            can(&a, Action::Transition { to }, Some(&adult)),
            Err(Denial::IdentificationPowerChildrenOnly)
        );
        let ngo = actor(
            "identification_officer",
            OrgKind::Other,
            IdentifyPower::None,
        );
        assert_eq!(
            can(&ngo, Action::Transition { to }, Some(&adult)),
            Err(Denial::NoIdentificationPower)
        );
    }

    #[test]
    fn refusals_name_the_missing_role_or_the_disallowed_step() {
        let a = actor("case_worker", OrgKind::AnitpRegional, IdentifyPower::All);
        let f = facts(CaseState::InAssistance, AgeGroup::Adult, true, false);
        assert_eq!(
            can(
                &a,
                Action::Transition {
                    to: CaseState::Closed
                },
                Some(&f)
            ),
            Err(Denial::RoleMissing {
                needed: vec![Role::Supervisor]
            })
        );
        assert_eq!(
            can(
                &a,
                Action::Transition {
                    to: CaseState::Notified
                },
                Some(&f)
            ),
            Err(Denial::TransitionNotAllowed {
                from: CaseState::InAssistance,
                to: CaseState::Notified
            })
        );
    }

    #[test]
    fn holds_are_kept_by_the_cases_supervisors_and_anitp_and_an_erased_case_is_not_changed() {
        let theirs = facts(CaseState::Closed, AgeGroup::Adult, true, false);
        let elsewhere = facts(CaseState::Closed, AgeGroup::Adult, false, false);
        let supervisor = actor("supervisor", OrgKind::Other, IdentifyPower::None);
        let worker = actor("case_worker", OrgKind::Other, IdentifyPower::None);
        let coordinator = actor("coordinator", OrgKind::AnitpCentral, IdentifyPower::None);
        assert_eq!(
            can(&supervisor, Action::ManageLegalHold, Some(&theirs)),
            Ok(())
        );
        assert_eq!(
            can(&coordinator, Action::ManageLegalHold, Some(&elsewhere)),
            Ok(())
        );
        assert_eq!(can(&worker, Action::ViewLegalHolds, Some(&theirs)), Ok(()));
        assert!(can(&worker, Action::ManageLegalHold, Some(&theirs)).is_err());
        assert_eq!(
            can(&supervisor, Action::ManageLegalHold, Some(&elsewhere)),
            Err(Denial::NotVisible)
        );
        let admin = actor("admin", OrgKind::Other, IdentifyPower::None);
        assert_eq!(can(&admin, Action::RunRetention, None), Ok(()));
        assert_eq!(can(&coordinator, Action::ViewRetention, None), Ok(()));
        assert!(can(&coordinator, Action::RunRetention, None).is_err());
        assert!(can(&supervisor, Action::ViewRetention, None).is_err());
        let erased = CaseFacts {
            erased: true,
            ..facts(CaseState::Closed, AgeGroup::Adult, true, false)
        };
        let to = CaseState::InAssistance;
        assert_eq!(
            can(&supervisor, Action::Transition { to }, Some(&theirs)),
            Ok(())
        );
        for action in [Action::Transition { to }, Action::ManageLegalHold] {
            assert_eq!(
                can(&supervisor, action, Some(&erased)),
                Err(Denial::Erased),
                "{action:?}"
            );
        }
        assert_eq!(can(&supervisor, Action::ViewCase, Some(&erased)), Ok(()));
    }

    #[test]
    fn an_investigating_body_of_any_type_stays_outside_the_support_compartment() {
        let f = facts(CaseState::InAssistance, AgeGroup::Adult, true, false);
        // A labour inspectorate is a central-government body, not law enforcement, and still
        // investigates.
        let mut inspector = actor(
            "case_worker,supervisor,investigator",
            OrgKind::Other,
            IdentifyPower::None,
        );
        inspector.investigates = true;
        for action in [
            Action::ViewSupportRecords,
            Action::KeepPlan,
            Action::SeeShelterAddress,
            Action::RecordDisclosure,
            Action::ViewDisclosureRegister,
        ] {
            assert_eq!(
                can(&inspector, action, Some(&f)),
                Err(Denial::Firewall),
                "{action:?}"
            );
        }
        assert_eq!(
            can(&inspector, Action::SeeUrgentNeeds, None),
            Err(Denial::Firewall)
        );
        // The justice track is theirs as much as the support workers'.
        assert_eq!(can(&inspector, Action::ViewJusticeTrack, Some(&f)), Ok(()));
        assert_eq!(can(&inspector, Action::KeepJusticeTrack, Some(&f)), Ok(()));
        assert_eq!(
            can(&inspector, Action::ReadDisclosed, Some(&f)),
            Err(Denial::NoDisclosure)
        );
    }

    #[test]
    fn a_disclosure_opens_the_summary_and_the_records_to_its_recipients_investigators_only() {
        let mut investigator = actor("investigator", OrgKind::Other, IdentifyPower::All);
        investigator.investigates = true;
        let elsewhere = facts(CaseState::InAssistance, AgeGroup::Adult, false, false);
        assert_eq!(
            can(&investigator, Action::ViewJusticeTrack, Some(&elsewhere)),
            Err(Denial::NotVisible)
        );
        assert_eq!(
            can(&investigator, Action::ReadDisclosed, Some(&elsewhere)),
            Err(Denial::NotVisible)
        );
        let disclosed = CaseFacts {
            disclosed_to_org: true,
            ..elsewhere
        };
        assert_eq!(
            can(&investigator, Action::ViewJusticeTrack, Some(&disclosed)),
            Ok(())
        );
        assert_eq!(
            can(&investigator, Action::ReadDisclosed, Some(&disclosed)),
            Ok(())
        );
        // The disclosure is to investigators: not to the organisation's other staff, and it
        // opens neither the case page nor its support pages.
        assert!(can(&investigator, Action::ViewCase, Some(&disclosed)).is_err());
        assert!(can(&investigator, Action::ViewSupportRecords, Some(&disclosed)).is_err());
        let mut clerk = actor("case_worker", OrgKind::Other, IdentifyPower::All);
        clerk.investigates = true;
        assert!(can(&clerk, Action::ReadDisclosed, Some(&disclosed)).is_err());
        assert!(can(&clerk, Action::ViewJusticeTrack, Some(&disclosed)).is_err());
        // An organisation no longer investigating reads nothing through a disclosure.
        investigator.investigates = false;
        assert!(can(&investigator, Action::ReadDisclosed, Some(&disclosed)).is_err());
        assert!(can(&investigator, Action::ViewJusticeTrack, Some(&disclosed)).is_err());
    }

    #[test]
    fn the_disclosure_register_is_for_the_compartment_and_anitp() {
        let f = facts(CaseState::InAssistance, AgeGroup::Adult, true, false);
        let supervisor = actor("supervisor", OrgKind::Other, IdentifyPower::None);
        assert_eq!(
            can(&supervisor, Action::ViewDisclosureRegister, Some(&f)),
            Ok(())
        );
        assert_eq!(can(&supervisor, Action::RecordDisclosure, Some(&f)), Ok(()));
        assert_eq!(can(&supervisor, Action::ListDisclosures, None), Ok(()));
        let coordinator = actor("coordinator", OrgKind::AnitpCentral, IdentifyPower::All);
        let national = facts(CaseState::InAssistance, AgeGroup::Adult, false, false);
        assert_eq!(
            can(
                &coordinator,
                Action::ViewDisclosureRegister,
                Some(&national)
            ),
            Ok(())
        );
        assert_eq!(can(&coordinator, Action::ListDisclosures, None), Ok(()));
        // Reading the register is not recording in it.
        assert!(can(&coordinator, Action::RecordDisclosure, Some(&national)).is_err());
        let screener = actor("screener", OrgKind::Other, IdentifyPower::None);
        assert!(can(&screener, Action::ListDisclosures, None).is_err());
        let mut police_supervisor = actor("supervisor", OrgKind::Other, IdentifyPower::All);
        police_supervisor.investigates = true;
        assert!(can(&police_supervisor, Action::ListDisclosures, None).is_err());
    }

    #[test]
    fn exact_statistics_are_for_anitp_coordinators_published_ones_for_supervisors_too() {
        let internal = Action::ViewStatistics { published: false };
        let published = Action::ViewStatistics { published: true };
        for kind in [OrgKind::AnitpCentral, OrgKind::AnitpRegional] {
            let coordinator = actor("coordinator", kind, IdentifyPower::All);
            assert_eq!(can(&coordinator, internal, None), Ok(()));
            assert_eq!(can(&coordinator, published, None), Ok(()));
        }
        // A coordinator role outside ANITP has no national view.
        let elsewhere = actor("coordinator", OrgKind::Other, IdentifyPower::All);
        assert!(can(&elsewhere, internal, None).is_err());
        let supervisor = actor("supervisor", OrgKind::Other, IdentifyPower::None);
        assert_eq!(can(&supervisor, published, None), Ok(()));
        assert_eq!(
            can(&supervisor, internal, None),
            Err(Denial::RoleMissing {
                needed: vec![Role::Coordinator]
            })
        );
        for roles in [
            "case_worker",
            "screener",
            "investigator",
            "admin",
            "trainer",
        ] {
            let other = actor(roles, OrgKind::AnitpCentral, IdentifyPower::All);
            assert!(can(&other, published, None).is_err(), "{roles}");
            assert!(can(&other, internal, None).is_err(), "{roles}");
        }
    }

    #[test]
    fn the_register_is_exchanged_by_anitps_national_coordinators_alone() {
        for action in [Action::ExportCases, Action::ImportCases] {
            let national = actor("coordinator", OrgKind::AnitpCentral, IdentifyPower::All);
            assert_eq!(can(&national, action, None), Ok(()));
            let regional = actor("coordinator", OrgKind::AnitpRegional, IdentifyPower::All);
            assert!(
                can(&regional, action, None).is_err(),
                "a region's coordinator"
            );
            for roles in ["supervisor", "case_worker", "admin", "investigator"] {
                let other = actor(roles, OrgKind::AnitpCentral, IdentifyPower::All);
                assert!(can(&other, action, None).is_err(), "{roles}");
            }
        }
    }

    fn any_roles() -> impl Strategy<Value = RoleSet> {
        proptest::sample::subsequence(Role::ALL.to_vec(), 1..=4).prop_map(RoleSet::new)
    }

    proptest! {
        #[test]
        fn anything_allowed_on_a_case_implies_the_case_is_visible(
            roles in any_roles(), access: bool, own: bool, s in 0usize..10, t in 0usize..10, child: bool,
            investigates: bool, disclosed: bool
        ) {
            let a = Actor { user_id: "u".into(), org_code: "O".into(), org_kind: OrgKind::AnitpCentral, org_type: OrgType::CentralGovernmentOrganisation,
                identify_power: IdentifyPower::All, investigates, roles };
            let f = CaseFacts {
                disclosed_to_org: disclosed,
                ..facts(CaseState::ALL[s], if child { AgeGroup::Child } else { AgeGroup::Adult }, access, own)
            };
            // Only a disclosure opens anything of a case the actor does not see, and only the
            // summary and the records it covers, to an investigating body's investigator.
            if can(&a, Action::ViewCase, Some(&f)).is_err() {
                for action in [Action::ViewJusticeTrack, Action::ReadDisclosed] {
                    if can(&a, action, Some(&f)).is_ok() {
                        prop_assert!(disclosed && investigates && a.roles.contains(Role::Investigator));
                    }
                }
            }
            if investigates {
                for action in [Action::ViewSupportRecords, Action::KeepPlan, Action::SeeShelterAddress, Action::RecordDisclosure] {
                    prop_assert!(can(&a, action, Some(&f)).is_err(), "{action:?} for an investigating body");
                }
            }
            let f = CaseFacts { disclosed_to_org: false, ..f };
            for action in [Action::ViewIdentity, Action::ViewNotes, Action::Transition { to: CaseState::ALL[t] },
                Action::ViewJusticeTrack, Action::KeepJusticeTrack, Action::ReadDisclosed, Action::RecordDisclosure,
                Action::ViewDisclosureRegister, Action::ViewVictimProfile, Action::RecordVictimProfile] {
                if can(&a, action, Some(&f)).is_ok() {
                    prop_assert!(can(&a, Action::ViewCase, Some(&f)).is_ok());
                }
            }
            if can(&a, Action::Transition { to: CaseState::ALL[t] }, Some(&f)).is_ok() {
                prop_assert!(transition_rule(CaseState::ALL[s], CaseState::ALL[t]).is_some());
                prop_assert!(access);
            }
        }
    }
}
