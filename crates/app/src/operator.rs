//! The use cases of the server's operator: whoever runs `mnir` on the server holds the database
//! and its key file, so acts without a signed-in user and no role applies. Every change is
//! audited as channel `cli`; the command line is the only adapter that offers these.
//!
//! What the operator types is checked by pure functions ([`NewOrganisation::check`],
//! [`NewAccount::check`]) that need no [`App`], so a mistyped command is refused before the
//! database is opened (opening a new SQLite URL would create the file and its key).

use crate::accounts::{MIN_PASSWORD, hash_password};
use crate::{App, AppError, AppResult, Arg, FieldIssue, Message};
use mnir_domain::defaults::romanian_organisations;
use mnir_domain::{IdentifyPower, OrgKind, OrgType, RoleSet};
use mnir_store::{
    ApiTokenRecord, AuditActor, AuditVerdict, ClockRecord, NewCase, NewUser, Organisation,
    ScopeFor, StoreError, User,
};

fn operator(app: &App) -> AuditActor {
    AuditActor::cli(app.now())
}

fn refused(field: &'static str, id: &'static str, name: &'static str, value: &str) -> AppError {
    AppError::Invalid(vec![FieldIssue {
        field: field.into(),
        message: Message::new(id).with(name, Arg::Text(value.to_string())),
        against_records: false,
    }])
}

/// An organisation as the operator describes it.
pub struct NewOrganisation<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub org_type: OrgType,
    pub kind: OrgKind,
    pub county: Option<&'a str>,
    pub identify_power: IdentifyPower,
    /// An investigating body (outside the support compartment); a law-enforcement body always
    /// is, whatever is asked. `None` keeps what an organisation of that code already is (a new
    /// one is not, unless it is law enforcement): correcting a name never opens the compartment.
    pub investigates: Option<bool>,
    /// The country of a partner abroad (ISO 3166-1 alpha-2); `None` for the jurisdiction's own.
    pub country: Option<&'a str>,
}

/// An organisation whose code, name and county were checked; [`save_organisation`] takes
/// nothing else.
pub struct CheckedOrganisation(Organisation, Option<bool>);

impl CheckedOrganisation {
    /// The code as stored (trimmed, upper case).
    pub fn code(&self) -> &str {
        &self.0.code
    }
}

impl NewOrganisation<'_> {
    /// Codes appear in routing tables and URLs, so they are kept to letters, digits and dashes.
    pub fn check(&self) -> AppResult<CheckedOrganisation> {
        let code = self.code.trim().to_ascii_uppercase();
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(refused("code", "org-code-invalid", "code", &code));
        }
        let name = self.name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "org-name-required"));
        }
        if let Some(c) = self
            .county
            .filter(|c| mnir_domain::reference::county(c).is_none())
        {
            return Err(refused("county", "org-county-unknown", "county", c));
        }
        let country = self.country.map(|c| c.trim().to_ascii_uppercase());
        if let Some(c) = country
            .as_deref()
            .filter(|c| mnir_domain::reference::country(c).is_none() || self.county.is_some())
        {
            return Err(refused("country", "org-country-invalid", "country", c));
        }
        Ok(CheckedOrganisation(
            Organisation {
                code,
                name: name.to_string(),
                org_type: self.org_type,
                kind: self.kind,
                county: self.county.map(str::to_string),
                identify_power: self.identify_power,
                active: true,
                investigates: self.investigates.unwrap_or(false)
                    || self.org_type == OrgType::LawEnforcement,
                country,
            },
            self.investigates,
        ))
    }
}

/// Adds an organisation, or replaces the one with the same code.
pub async fn save_organisation(app: &App, org: &CheckedOrganisation) -> AppResult<()> {
    let mut saved = org.0.clone();
    // A partner abroad is of another country than the jurisdiction's.
    if let Some(country) = saved
        .country
        .as_deref()
        .filter(|c| *c == app.jurisdiction().country)
    {
        return Err(refused(
            "country",
            "org-country-invalid",
            "country",
            country,
        ));
    }
    let existing = app.store().organisation(&saved.code).await?;
    if let Some(existing) = &existing {
        if org.1.is_none() {
            saved.investigates |= existing.investigates;
        }
        // Correcting a name keeps the partner where it is; only a county moves it home.
        if saved.country.is_none() && saved.county.is_none() {
            saved.country = existing.country.clone();
        }
    }
    app.save_organisation(&saved, &operator(app)).await
}

/// Saves the default organisations that are missing; returns how many were new. Ones already
/// there are left as they are, so an operator's corrections survive a second `init`.
pub async fn seed_organisations(app: &App) -> AppResult<usize> {
    let mut added = 0;
    for spec in romanian_organisations() {
        if app.store().organisation(&spec.code).await?.is_some() {
            continue;
        }
        app.save_organisation(&spec.into(), &operator(app)).await?;
        added += 1;
    }
    Ok(added)
}

/// Saves the demo's partners abroad that are missing (see
/// [`mnir_domain::defaults::demo_partners_abroad`]); returns how many were new.
pub async fn seed_demo_partners(app: &App) -> AppResult<usize> {
    let mut added = 0;
    for spec in mnir_domain::defaults::demo_partners_abroad() {
        if app.store().organisation(&spec.code).await?.is_some() {
            continue;
        }
        app.save_organisation(&spec.into(), &operator(app)).await?;
        added += 1;
    }
    Ok(added)
}

/// An account as the operator describes it.
pub struct NewAccount<'a> {
    pub login: &'a str,
    pub org_code: &'a str,
    pub roles: RoleSet,
    pub password: &'a str,
}

/// An account whose login and password were checked; [`create_account`] takes nothing else.
/// No `Debug`: it holds a password in clear.
pub struct CheckedAccount {
    login: String,
    org_code: String,
    roles: RoleSet,
    password: String,
}

impl NewAccount<'_> {
    /// Logins are typed at sign-in and shown in the audit log, so they stay short and plain.
    pub fn check(self) -> AppResult<CheckedAccount> {
        let login = self.login.trim();
        if login.is_empty()
            || login.len() > 64
            || !login
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
        {
            return Err(refused("login", "user-login-invalid", "login", login));
        }
        if self.password.chars().count() < MIN_PASSWORD {
            return Err(AppError::invalid("password", "account-too-short"));
        }
        Ok(CheckedAccount {
            login: login.to_string(),
            org_code: self.org_code.to_string(),
            roles: self.roles,
            password: self.password.to_string(),
        })
    }
}

/// Creates an account in an existing organisation; a login that exists already is a conflict.
pub async fn create_account(app: &App, account: CheckedAccount) -> AppResult<User> {
    if app.store().organisation(&account.org_code).await?.is_none() {
        return Err(refused("org", "user-org-unknown", "org", &account.org_code));
    }
    // A new account holds no certificate: where the screener role needs one, it is granted
    // once the account is certified.
    crate::training::check_screener_rule(app, None, &account.roles).await?;
    let password_hash = hash_password(app, account.password).await;
    let new = NewUser {
        login: account.login,
        org_code: account.org_code,
        roles: account.roles,
        password_hash,
        now_ms: app.now(),
    };
    match app.store().create_user(&new, &operator(app)).await {
        Ok(user) => Ok(user),
        Err(StoreError::Conflict(_)) => Err(AppError::Conflict(
            Message::new("user-login-exists").with("login", Arg::Text(new.login)),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Replaces the roles of the account `login`, as the operator; the screener role needs a valid
/// certificate where the profile says so. `NotFound` for an unknown login.
pub async fn set_roles(app: &App, login: &str, roles: mnir_domain::RoleSet) -> AppResult<User> {
    let user = app
        .store()
        .user_by_login(login)
        .await?
        .ok_or(AppError::NotFound)?;
    crate::training::check_screener_rule(app, Some(&user.id), &roles).await?;
    app.store()
        .set_user_roles(&user.id, &roles, &operator(app))
        .await?;
    Ok(User { roles, ..user })
}

/// Every account, active or not.
pub async fn users(app: &App) -> AppResult<Vec<User>> {
    Ok(app.store().list_users().await?)
}

/// Issues an API token for `login`, valid for `lifetime_ms`, and returns its secret: it is shown
/// once and only its hash is stored. `NotFound` for an unknown login.
pub async fn issue_token(app: &App, login: &str, lifetime_ms: i64) -> AppResult<String> {
    let user = app
        .store()
        .user_by_login(login)
        .await?
        .ok_or(AppError::NotFound)?;
    // A token skips the sign-in page, so it is given only to an account that has what sign-in
    // would ask of it.
    if user.two_factor_since.is_none() && crate::two_factor::required_for(app, &user) {
        return Err(AppError::Conflict(
            Message::new("token-needs-two-factor").with("login", Arg::Text(user.login)),
        ));
    }
    let secret = mnir_crypto::random_secret();
    let by = operator(app);
    let record = ApiTokenRecord {
        token_hash: mnir_crypto::secret_hash(&secret),
        user_id: user.id,
        created_at_ms: by.now_ms,
        expires_at_ms: by.now_ms.later_by(lifetime_ms),
    };
    app.store().create_api_token(&record, &by).await?;
    Ok(secret)
}

/// Removes the second factor of an account by its login (a lost device); its sessions and
/// tokens end, and it enrols again at its next sign-in if its roles require it.
pub async fn reset_two_factor(app: &App, login: &str) -> AppResult<()> {
    let user = app
        .store()
        .user_by_login(login.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(app
        .store()
        .reset_two_factor(&user.id, &AuditActor::cli(app.now()))
        .await?)
}

/// Enables or disables an account by its login; a disabled account's sessions and API tokens
/// stop at once.
pub async fn set_user_active(app: &App, login: &str, active: bool) -> AppResult<()> {
    let user = app
        .store()
        .user_by_login(login.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(app
        .store()
        .set_user_active(&user.id, active, &AuditActor::cli(app.now()))
        .await?)
}

/// Enables or disables an organisation by its code; its users' sessions and tokens stop working
/// while it is disabled (every request checks it).
pub async fn set_organisation_active(app: &App, code: &str, active: bool) -> AppResult<()> {
    crate::accounts::switch_organisation(app, code.trim(), active, &AuditActor::cli(app.now()))
        .await
}

pub use crate::accounts::token_id;

/// The API tokens of an account, oldest first.
pub async fn tokens_of(app: &App, login: &str) -> AppResult<Vec<mnir_store::ApiTokenRecord>> {
    let user = app
        .store()
        .user_by_login(login.trim())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(app.store().api_tokens_of(&user.id).await?)
}

/// Revokes the account's token named `id` (see [`token_id`]); `NotFound` when the account has
/// no such token.
pub async fn revoke_token(app: &App, login: &str, id: &str) -> AppResult<()> {
    let token = crate::accounts::token_named(tokens_of(app, login).await?, id)?;
    Ok(app
        .store()
        .revoke_api_token(&token.token_hash, &AuditActor::cli(app.now()))
        .await?)
}

/// Recomputes the audit log's hash chain.
pub async fn verify_audit(app: &App) -> AppResult<AuditVerdict> {
    Ok(app.store().verify_audit().await?)
}

/// Records that the database was copied (`mnir backup`), naming the file, not its content.
pub async fn note_backup(app: &App, file: &str) -> AppResult<()> {
    Ok(app
        .store()
        .audit(
            "db.backup",
            "database",
            &format!("file={file}"),
            &operator(app),
        )
        .await?)
}

/// Records that this database was restored from a backup whose key and audit chain were checked.
pub async fn note_restore(app: &App, file: &str, entries: i64) -> AppResult<()> {
    Ok(app
        .store()
        .audit(
            "db.restore",
            "database",
            &format!("file={file} entries_verified={entries}"),
            &operator(app),
        )
        .await?)
}

/// The kept counts that differ from a full count of their rows (empty when all agree).
pub async fn tally_drift(app: &App) -> AppResult<Vec<mnir_store::TallyDrift>> {
    Ok(app.store().tally_drift().await?)
}

/// Recomputes the kept counts from the rows (audited as the operator's).
pub async fn rebuild_tallies(app: &App) -> AppResult<()> {
    Ok(app.store().rebuild_tallies(&operator(app)).await?)
}

/// A sealed checkpoint of the audit log's head, for the anchor file; `None` while it is empty.
pub async fn audit_checkpoint(app: &App) -> AppResult<Option<mnir_store::AuditCheckpoint>> {
    Ok(app.store().audit_checkpoint(app.now()).await?)
}

/// Recomputes the chain, then holds it against every checkpoint of an anchor file (its text):
/// the first line the log does not match names the first entry missing or altered.
pub async fn verify_audit_against(app: &App, anchor: &str) -> AppResult<AuditVerdict> {
    use mnir_store::{AuditCheckpoint, CheckpointCheck};
    let entries = match app.store().verify_audit().await? {
        AuditVerdict::Intact { entries } => entries,
        broken => return Ok(broken),
    };
    for (index, line) in anchor
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let n = index + 1;
        let Some(checkpoint) = AuditCheckpoint::parse(line) else {
            return Ok(AuditVerdict::Broken {
                seq: 0,
                why: format!("anchor line {n} is not a checkpoint"),
            });
        };
        let seq = checkpoint.seq;
        let why = match app.store().check_audit_checkpoint(&checkpoint).await? {
            CheckpointCheck::Holds => continue,
            CheckpointCheck::BadSeal => {
                return Ok(AuditVerdict::Broken {
                    seq: 0,
                    why: format!("anchor line {n} is not sealed with this key file"),
                });
            }
            // Entries are numbered from 1 without gaps (the chain just verified): the log ends
            // at `entries`, so everything after it up to the checkpoint is gone.
            CheckpointCheck::Missing => {
                return Ok(AuditVerdict::Broken {
                    seq: entries + 1,
                    why: format!(
                        "entries {} to {seq} are missing: the checkpoint of anchor line {n} saw them",
                        entries + 1
                    ),
                });
            }
            CheckpointCheck::Differs => format!(
                "entry {seq} differs from the checkpoint of anchor line {n}: the log was rewritten at or before it"
            ),
        };
        return Ok(AuditVerdict::Broken { seq, why });
    }
    Ok(AuditVerdict::Intact { entries })
}

/// The triggers that keep the audit log append-only and are missing or disabled: a server must
/// not take requests while its log can be rewritten.
pub async fn missing_audit_guards(app: &App) -> AppResult<Vec<String>> {
    Ok(app.store().missing_audit_guards().await?)
}

/// The demo accounts: one per role, in organisations where that role has work to see
/// (login, organisation, roles).
const DEMO_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("demo.screener", "IGPR", "screener"),
    ("demo.caseworker", "ANITP-B", "case_worker"),
    ("demo.officer", "ANITP-B", "identification_officer"),
    ("demo.supervisor", "ANITP-B", "supervisor"),
    ("demo.coordinator", "ANITP", "coordinator"),
    ("demo.investigator", "DIICOT", "investigator"),
    ("demo.trainer", "ANITP", "trainer"),
    ("demo.admin", "ANITP", "admin"),
    (
        "demo.dgaspc",
        "DGASPC-B",
        "case_worker,identification_officer",
    ),
];

/// A demo account with the password it was just given.
pub struct DemoAccount {
    pub login: &'static str,
    pub org_code: &'static str,
    pub roles: &'static str,
    pub password: String,
}

fn demo_password() -> String {
    // Four groups of five lowercase letters and digits: easy to type, about 100 bits.
    let secret = mnir_crypto::random_secret();
    let alphabet: Vec<char> = "abcdefghijkmnpqrstuvwxyz23456789".chars().collect();
    let chars: Vec<char> = secret
        .as_bytes()
        .chunks(2)
        .take(20)
        .map(|p| alphabet[(p[0] as usize * 7 + p[1] as usize) % alphabet.len()])
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Gives every demo account a new password, creating the accounts that are missing (in the
/// default organisations, which must exist). A demo's passwords change at every start, so one
/// printed on a screen or a slide stops working.
pub async fn reset_demo_accounts(app: &App) -> AppResult<Vec<DemoAccount>> {
    let mut accounts = Vec::with_capacity(DEMO_ACCOUNTS.len());
    for &(login, org_code, roles) in DEMO_ACCOUNTS {
        let password = demo_password();
        match app.store().user_by_login(login).await? {
            Some(user) => {
                let hash = hash_password(app, password.clone()).await;
                app.store()
                    .set_password(&user.id, &hash, &operator(app))
                    .await?;
            }
            None => {
                let roles = roles
                    .parse()
                    .map_err(|e| AppError::Internal(format!("demo account {login}: {e}")))?;
                let account = NewAccount {
                    login,
                    org_code,
                    roles,
                    password: &password,
                }
                .check()?;
                create_account(app, account).await?;
            }
        }
        accounts.push(DemoAccount {
            login,
            org_code,
            roles,
            password,
        });
    }
    Ok(accounts)
}

/// The demo's disclosures in force. Generated disclosures lie in the generated past and have all
/// lapsed, so the demo renews the latest `count` as prosecutor's orders of yesterday, ninety days
/// long: the prosecutors' investigator sees support records under a disclosure on the first
/// start. Returns how many it recorded.
pub async fn renew_demo_disclosures(app: &App, count: i64) -> AppResult<usize> {
    let (lines, _) = app
        .store()
        .disclosure_register(&mnir_store::RegisterScope::National, None, count)
        .await?;
    let now = app.now();
    let today = app.jurisdiction().local_date(now.to_utc());
    let mut renewed = 0;
    for line in lines {
        let fresh = mnir_store::DisclosureRecord {
            id: uuid::Uuid::new_v4().to_string(),
            order_number: format!("{}/II/2/{}", 100 + renewed, today.format("%Y")),
            order_on: Some(today - chrono::Duration::days(1)),
            until_on: today + chrono::Duration::days(90),
            recorded_at_ms: now,
            ended_at_ms: None,
            ended_by: None,
            ..line.disclosure
        };
        app.store()
            .record_disclosure(&fresh, &operator(app))
            .await?;
        renewed += 1;
    }
    Ok(renewed)
}

/// How many cases the database holds, whoever they belong to.
pub async fn case_count(app: &App) -> AppResult<i64> {
    let everything = ScopeFor {
        scope: mnir_domain::CaseScope {
            national: true,
            ..Default::default()
        },
        org_code: "ANITP".into(),
        user_id: String::new(),
    };
    let counts = app.store().count_cases_by_state(&everything).await?;
    Ok(counts.iter().map(|(_, n)| n).sum())
}

/// Whether a load of `count` cases should drop the lists' indexes and build them at the end:
/// when it is large and at least doubles the database, one sort per index costs less than as many
/// inserts at random places.
pub async fn load_defers_indexes(app: &App, count: usize) -> AppResult<bool> {
    const LARGE_LOAD: usize = 10_000;
    let held = case_count(app).await?;
    Ok(count >= LARGE_LOAD && count as i64 >= held)
}

/// Drops the lists' indexes before a bulk load (lists scan until they are built again).
pub async fn defer_list_indexes(app: &App) -> AppResult<()> {
    Ok(app.store().defer_list_indexes().await?)
}

/// Builds the lists' indexes a bulk load dropped.
pub async fn build_list_indexes(app: &App) -> AppResult<()> {
    Ok(app.store().build_list_indexes().await?)
}

/// Leaves the database as serving expects it after a bulk load, finished or not.
pub async fn finish_bulk_load(app: &App) -> AppResult<()> {
    Ok(app.store().finish_bulk_load().await?)
}

/// Generated cases with the clocks still running at the end of their history and their risk
/// assessments.
pub struct SyntheticBatch {
    pub cases: Vec<NewCase>,
    pub clocks: Vec<ClockRecord>,
    pub assessments: Vec<mnir_store::RiskAssessmentRecord>,
    pub plans: Vec<mnir_store::SupportPlanRecord>,
    pub deliveries: Vec<mnir_store::ServiceDelivery>,
    /// The justice track: proceedings with their hearings, flags and disclosures.
    pub proceedings: Vec<mnir_store::ProceedingRecord>,
    pub flags: Vec<mnir_store::NonPunishmentRecord>,
    pub disclosures: Vec<mnir_store::DisclosureRecord>,
    /// The victim profiles recorded by then.
    pub profiles: Vec<mnir_store::VictimProfileRecord>,
    /// Information, consents, referrals and reflection periods, with their clocks.
    pub referrals: mnir_store::GeneratedReferrals,
    /// Assisted voluntary returns (their consents, assessments and clocks are with the others).
    pub repatriations: Vec<mnir_store::RepatriationRecord>,
}

/// Stores synthetic cases batch by batch (one transaction and one audit entry each) as they
/// arrive on `batches`, and reports the running total after each to `inserted`; returns the
/// total. The next batch is encrypted on another thread while one is written, so the database
/// never waits for the processor's work. The cases refer to the default organisations, so
/// without them nothing is stored; a batch whose cases are stored already (the same seed again)
/// is a conflict.
pub async fn insert_synthetic(
    app: &App,
    mut batches: tokio::sync::mpsc::Receiver<SyntheticBatch>,
    mut inserted: impl FnMut(usize),
) -> AppResult<usize> {
    if app.store().organisation("IGPR").await?.is_none() {
        return Err(AppError::conflict("synthetic-no-organisations"));
    }
    // The synthetic returns from Romania are received by the demo's partners abroad.
    seed_demo_partners(app).await?;
    let seal = |batch: SyntheticBatch| {
        let store = app.store.clone();
        tokio::task::spawn_blocking(move || {
            (
                store.seal_cases(batch.cases),
                batch.clocks,
                batch.assessments,
                batch.plans,
                batch.deliveries,
                (batch.proceedings, batch.flags, batch.disclosures),
                batch.profiles,
                (batch.referrals, batch.repatriations),
            )
        })
    };
    let mut next = batches.recv().await.map(seal);
    let mut done = 0;
    while let Some(sealing) = next.take() {
        let (
            cases,
            clocks,
            assessments,
            plans,
            deliveries,
            (proceedings, flags, disclosures),
            profiles,
            (referrals, repatriations),
        ) = sealing
            .await
            .map_err(|e| AppError::Internal(format!("sealing synthetic cases: {e}")))?;
        next = batches.recv().await.map(seal);
        match app
            .store()
            .insert_generated_cases(&cases, &clocks, &operator(app))
            .await
        {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::conflict("synthetic-seed-used"));
            }
            Err(e) => return Err(e.into()),
        }
        app.store()
            .insert_generated_assessments(&assessments, &operator(app))
            .await?;
        app.store()
            .insert_generated_plans(&plans, &deliveries, &operator(app))
            .await?;
        app.store()
            .insert_generated_justice(&proceedings, &flags, &disclosures, &operator(app))
            .await?;
        app.store()
            .insert_generated_profiles(&profiles, &operator(app))
            .await?;
        app.store()
            .insert_generated_referrals(&referrals, &operator(app))
            .await?;
        app.store()
            .insert_generated_repatriations(&repatriations, &operator(app))
            .await?;
        done += cases.len();
        inserted(done);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountPolicy, Clock};
    use mnir_crypto::{Keys, PasswordCost};
    use mnir_store_sqlite::SqliteStore;
    use std::sync::Arc;

    struct Fixed;

    impl Clock for Fixed {
        fn now_ms(&self) -> i64 {
            1_767_225_600_000
        }
    }

    async fn app(dir: &tempfile::TempDir) -> App {
        let keys = Keys::from_master(&Keys::generate_master());
        let store = SqliteStore::open(&dir.path().join("mnir.db"), keys)
            .await
            .expect("a new SQLite database opens");
        let policy = AccountPolicy {
            password_cost: PasswordCost::Fast,
            ..AccountPolicy::default()
        };
        App::new(Arc::new(store), Arc::new(Fixed), policy)
    }

    /// A partner abroad is of another country; correcting its name keeps its country.
    #[tokio::test]
    async fn a_partner_abroad_keeps_its_country_and_is_never_of_ours() {
        let dir = tempfile::tempdir().unwrap();
        let app = app(&dir).await;
        let partner = |country: Option<&'static str>| NewOrganisation {
            code: "P-MD",
            name: "Partener",
            org_type: OrgType::Ngo,
            kind: OrgKind::Other,
            county: None,
            identify_power: IdentifyPower::None,
            investigates: None,
            country,
        };
        let home = partner(Some("ro")).check().expect("a country's code");
        assert!(matches!(
            save_organisation(&app, &home).await,
            Err(AppError::Invalid(_))
        ));
        save_organisation(&app, &partner(Some("md")).check().unwrap())
            .await
            .unwrap();
        save_organisation(&app, &partner(None).check().unwrap())
            .await
            .unwrap();
        let saved = app.store().organisation("P-MD").await.unwrap().unwrap();
        assert_eq!(saved.country.as_deref(), Some("MD"));
    }

    fn account<'a>(org_code: &'a str, password: &'a str) -> NewAccount<'a> {
        NewAccount {
            login: "maria.ong",
            org_code,
            roles: "case_worker".parse().expect("a known role"),
            password,
        }
    }

    fn field(e: &AppError) -> Option<&str> {
        match e {
            AppError::Invalid(issues) => issues.first().map(|i| i.field.as_ref()),
            _ => None,
        }
    }

    #[test]
    fn an_organisation_code_is_normalised_and_checked() {
        let org = |code, name, county| NewOrganisation {
            code,
            name,
            org_type: OrgType::Ngo,
            kind: OrgKind::Other,
            county,
            identify_power: IdentifyPower::None,
            investigates: None,
            country: None,
        };
        let ok = org(" ong-x ", " X ", Some("RO-CJ")).check().expect("valid");
        assert_eq!(ok.code(), "ONG-X");
        assert_eq!(ok.0.name, "X");
        for (bad, expected) in [
            (org("A B", "X", None), "code"),
            (org("", "X", None), "code"),
            (org("A", "  ", None), "name"),
            (org("A", "X", Some("RO-XX")), "county"),
        ] {
            assert_eq!(bad.check().err().as_ref().and_then(field), Some(expected));
        }
    }

    #[test]
    fn a_short_password_or_an_odd_login_is_refused_before_the_database() {
        let short = account("IGPR", "scurtă").check().err();
        assert_eq!(short.as_ref().and_then(field), Some("password"));
        let odd = NewAccount {
            login: "maria ong",
            ..account("IGPR", "o parolă destul de lungă")
        }
        .check()
        .err();
        assert_eq!(odd.as_ref().and_then(field), Some("login"));
    }

    #[tokio::test]
    async fn an_account_needs_a_known_organisation_and_a_free_login() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let app = app(&dir).await;
        let checked = || account("ONG-NOPE", "o parolă destul de lungă").check();
        let unknown = create_account(&app, checked().expect("valid")).await.err();
        assert_eq!(unknown.as_ref().and_then(field), Some("org"));
        assert!(users(&app).await.expect("listed").is_empty());

        assert!(seed_organisations(&app).await.expect("seeded") > 0);
        assert_eq!(seed_organisations(&app).await.expect("seeded again"), 0);
        let valid = || account("IGPR", "o parolă destul de lungă").check();
        let user = create_account(&app, valid().expect("valid"))
            .await
            .expect("created");
        assert_eq!(user.org.code, "IGPR");
        assert_ne!(user.password_hash, "o parolă destul de lungă");
        match create_account(&app, valid().expect("valid")).await {
            Err(AppError::Conflict(m)) => assert_eq!(m.id, "user-login-exists"),
            other => panic!("a second account with the login: {:?}", other.err()),
        }
    }

    #[tokio::test]
    async fn a_token_is_stored_as_its_hash_and_lasts_its_lifetime() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let app = app(&dir).await;
        assert!(matches!(
            issue_token(&app, "nobody", 60_000).await,
            Err(AppError::NotFound)
        ));
        seed_organisations(&app).await.expect("seeded");
        let valid = account("IGPR", "o parolă destul de lungă").check();
        let user = create_account(&app, valid.expect("valid"))
            .await
            .expect("created");
        // The built-in profile requires a second factor of the account's role: no token before
        // it enrols. Under a profile that requires it of no role, the token is issued.
        match issue_token(&app, "maria.ong", 60_000).await {
            Err(AppError::Conflict(m)) => assert_eq!(m.id, "token-needs-two-factor"),
            other => panic!("a token before enrolling: {:?}", other.err()),
        }
        let mut open = mnir_domain::jurisdiction::Jurisdiction::romania();
        open.two_factor_roles.clear();
        let app = app.with_jurisdiction(open);
        let secret = issue_token(&app, "maria.ong", 60_000)
            .await
            .expect("issued");
        assert!(
            app.store()
                .api_token(&secret)
                .await
                .expect("read")
                .is_none()
        );
        let stored = app
            .store()
            .api_token(&mnir_crypto::secret_hash(&secret))
            .await
            .expect("read")
            .expect("stored by its hash");
        assert_eq!(stored.user_id, user.id);
        assert_eq!(
            stored.expires_at_ms.millis_since(stored.created_at_ms),
            60_000
        );
        assert!(matches!(
            verify_audit(&app).await.expect("verified"),
            AuditVerdict::Intact { .. }
        ));
    }

    #[tokio::test]
    async fn synthetic_cases_need_the_default_organisations() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let app = app(&dir).await;
        let (_, none) = tokio::sync::mpsc::channel::<SyntheticBatch>(1);
        match insert_synthetic(&app, none, |_| {}).await {
            Err(AppError::Conflict(m)) => assert_eq!(m.id, "synthetic-no-organisations"),
            other => panic!("inserted without organisations: {:?}", other.err()),
        }
        assert_eq!(case_count(&app).await.expect("counted"), 0);
    }

    #[tokio::test]
    async fn demo_accounts_get_new_long_passwords_at_every_reset() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let app = app(&dir).await;
        seed_organisations(&app).await.expect("seeded");
        let first = reset_demo_accounts(&app).await.expect("created");
        assert_eq!(first.len(), DEMO_ACCOUNTS.len());
        assert_eq!(
            users(&app).await.expect("listed").len(),
            DEMO_ACCOUNTS.len()
        );
        let second = reset_demo_accounts(&app).await.expect("reset");
        assert_eq!(
            users(&app).await.expect("listed").len(),
            DEMO_ACCOUNTS.len()
        );
        for (a, b) in first.iter().zip(&second) {
            assert_eq!(a.password.len(), 23);
            assert_ne!(a.password, b.password);
        }
    }
}
