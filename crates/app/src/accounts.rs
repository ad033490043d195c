//! Accounts and sign-in: passwords checked off the async threads, failures counted per account
//! and per client address, sessions and API tokens kept only as hashes; what an administrator
//! sees of accounts, organisations and the audit chain.

use crate::throttle::ThrottlePolicy;
use crate::{App, AppError, AppResult, Who};
use mnir_crypto::{PasswordCost, random_secret, secret_hash};
use mnir_domain::{Action, can};
use mnir_store::{
    AuditActor, AuditEntry, AuditVerdict, Organisation, SessionRecord, SessionStage, User,
};

/// Shortest password an account may have.
pub const MIN_PASSWORD: usize = 12;

/// How long sessions last and how failed sign-ins are held back.
#[derive(Debug, Clone)]
pub struct AccountPolicy {
    pub session_idle_ms: i64,
    pub session_absolute_ms: i64,
    /// How failed sign-ins (and wrong current passwords) are held back.
    pub throttle: ThrottlePolicy,
    pub password_cost: PasswordCost,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        AccountPolicy {
            session_idle_ms: 30 * 60 * 1000,
            session_absolute_ms: 12 * 60 * 60 * 1000,
            throttle: ThrottlePolicy::default(),
            password_cost: PasswordCost::Standard,
        }
    }
}

pub enum SignIn {
    /// The secret of the new session, for its cookie (only its hash is stored), and how far it
    /// got: signed in, or waiting for the second factor or its enrolment.
    Success {
        session_secret: String,
        stage: SessionStage,
    },
    BadCredentials,
    /// Too many failures of this login, or from this address: try again after this many
    /// seconds. Said alike of real and made-up logins.
    Wait {
        seconds: i64,
    },
}

pub(crate) fn wait_seconds(ms: i64) -> i64 {
    (ms + 999) / 1000
}

/// Checks a login and password from `client` (the address as the trusted proxy saw it) and
/// opens a session.
pub async fn sign_in(app: &App, login: &str, password: &str, client: &str) -> SignIn {
    let now = app.now();
    let policy = &app.policy().throttle;
    let login = login.trim();
    if let Err(ms) = app.throttle.try_begin(policy, login, client, now.millis()) {
        return SignIn::Wait {
            seconds: wait_seconds(ms),
        };
    }
    let user = app.store().user_by_login(login).await.ok().flatten();
    // An unknown login is checked against a hash of the same cost, and its failure is written
    // to the audit log as a real one's is, so neither the answer nor its timing reveals which
    // logins exist.
    let stored = match &user {
        Some(u) => u.password_hash.clone(),
        None => app
            .dummy_hash
            .get_or_init(|| hash_password(app, mnir_crypto::random_secret()))
            .await
            .clone(),
    };
    let verified = verify_password(app, password.to_string(), stored).await;
    let known_id = user.as_ref().map(|u| u.id.clone());
    let Some(user) = user.filter(|u| verified && u.active && u.org.active) else {
        let _ = match known_id {
            Some(id) => app.store().record_login_attempt(&id, false, now).await,
            None => {
                let by = AuditActor {
                    user_id: None,
                    org_code: None,
                    channel: "web",
                    now_ms: now,
                };
                app.store()
                    .audit("auth.login_failed", "login:unknown", "", &by)
                    .await
            }
        };
        return SignIn::BadCredentials;
    };
    let stage = crate::two_factor::stage_after_password(app, &user);
    if stage == SessionStage::Full {
        return match open_session(app, &user, login, client).await {
            Some(session_secret) => SignIn::Success {
                session_secret,
                stage,
            },
            None => SignIn::BadCredentials,
        };
    }
    // The password alone proves half: the failures counted for this login stay counted (a code
    // guessed after a right password is held back as much as a password), and the session opened
    // here reaches nothing but its second step, for a few minutes.
    app.throttle.password_ok(login, client);
    let by = app.who(&user, "web").by;
    let _ = app
        .store()
        .audit(
            "auth.password_ok",
            &format!("user:{}", user.id),
            &format!("next={}", stage.as_str()),
            &by,
        )
        .await;
    match new_session(app, &user, stage, crate::two_factor::PENDING_MS).await {
        Some(session_secret) => SignIn::Success {
            session_secret,
            stage,
        },
        None => SignIn::BadCredentials,
    }
}

/// Records a complete sign-in and opens a full session for it; `None` when the store fails.
async fn open_session(app: &App, user: &User, login: &str, client: &str) -> Option<String> {
    app.store()
        .record_login_attempt(&user.id, true, app.now())
        .await
        .ok()?;
    app.throttle.succeeded(login, client);
    new_session(
        app,
        user,
        SessionStage::Full,
        app.policy().session_absolute_ms,
    )
    .await
}

async fn new_session(
    app: &App,
    user: &User,
    stage: SessionStage,
    lifetime_ms: i64,
) -> Option<String> {
    let now = app.now();
    // A new random id at every step of sign-in: a session id planted or seen before it is never
    // promoted.
    let session_secret = random_secret();
    let record = SessionRecord {
        id_hash: secret_hash(&session_secret),
        user_id: user.id.clone(),
        created_at_ms: now,
        last_seen_ms: now,
        expires_at_ms: now.later_by(lifetime_ms),
        stage,
    };
    app.store().create_session(&record).await.ok()?;
    Some(session_secret)
}

/// The second step of a sign-in: the code (or a recovery code) for the session waiting for it.
/// On success the waiting session is replaced by a full one, whose secret is returned.
pub async fn second_step(
    app: &App,
    pending_secret: &str,
    typed: &str,
    client: &str,
) -> AppResult<String> {
    let Some((user, SessionStage::SecondFactor)) = session_of(app, pending_secret).await else {
        return Err(AppError::conflict("two-factor-session-gone"));
    };
    crate::two_factor::check(app, &user, typed, client).await?;
    finish_sign_in(app, pending_secret, &user, client).await
}

/// Ends a waiting session and opens the full one that replaces it (after the second step, or
/// after enrolling), returning the new secret.
pub async fn finish_sign_in(
    app: &App,
    pending_secret: &str,
    user: &User,
    client: &str,
) -> AppResult<String> {
    let _ = app
        .store()
        .delete_session(&secret_hash(pending_secret))
        .await;
    open_session(app, user, &user.login, client)
        .await
        .ok_or_else(|| AppError::Internal("the session could not be stored".into()))
}

/// Makes what sign-in needs before the first request, so that the first unknown login takes as
/// long as any other.
pub async fn prepare_sign_in(app: &App) {
    app.dummy_hash
        .get_or_init(|| hash_password(app, mnir_crypto::random_secret()))
        .await;
}

/// The user behind a session secret and how far the session got, if it is within its idle and
/// absolute limits. A full session of an account that must have a second factor and has none
/// (the requirement came after it was opened) counts as waiting for enrolment.
pub async fn session_of(app: &App, secret: &str) -> Option<(User, SessionStage)> {
    let hash = secret_hash(secret);
    let store = app.store();
    let (session, user) = store.session(&hash).await.ok()??;
    let now = app.now();
    let policy = app.policy();
    if now >= session.expires_at_ms
        || now.millis_since(session.last_seen_ms) >= policy.session_idle_ms
    {
        let _ = store.delete_session(&hash).await;
        return None;
    }
    if !user.active || !user.org.active {
        return None;
    }
    // Refreshing at most once a minute keeps reads from turning into writes on every click.
    if now.millis_since(session.last_seen_ms) > 60_000 {
        let _ = store.touch_session(&hash, now).await;
    }
    let enrolled = user.two_factor_since.is_some();
    let stage = match session.stage {
        SessionStage::Full if !enrolled && crate::two_factor::required_for(app, &user) => {
            SessionStage::Enrol
        }
        // Enrolled meanwhile (a reset and a new enrolment elsewhere): the code is what is missing.
        SessionStage::Enrol if enrolled => SessionStage::SecondFactor,
        stage => stage,
    };
    let mut user = user;
    if stage == SessionStage::Full {
        crate::break_glass::load_open(app, &mut user).await;
    }
    Some((user, stage))
}

/// The user behind a session secret, if the session is signed in fully.
pub async fn session_user(app: &App, secret: &str) -> Option<User> {
    match session_of(app, secret).await? {
        (user, SessionStage::Full) => Some(user),
        _ => None,
    }
}

/// Ends a session (a sign-out, or the old session replaced at sign-in), audited when a user
/// signs out.
pub async fn end_session(app: &App, secret: &str, who: Option<&Who<'_>>) {
    let _ = app.store().delete_session(&secret_hash(secret)).await;
    if let Some(who) = who {
        let _ = app
            .store()
            .audit("auth.logout", &format!("user:{}", who.user.id), "", &who.by)
            .await;
    }
}

/// Removes the sessions past their absolute limit, so the table does not grow with every
/// sign-in; returns how many went.
pub async fn end_expired_sessions(app: &App) -> AppResult<u64> {
    Ok(app.store().delete_expired_sessions(app.now()).await?)
}

/// The user behind an API token, `None` for an unknown or expired one.
pub async fn token_user(app: &App, token: &str) -> Option<User> {
    let record = app.store().api_token(&secret_hash(token)).await.ok()??;
    if record.expires_at_ms <= app.now() {
        return None;
    }
    let user = app.store().user_by_id(&record.user_id).await.ok()??;
    // A token made before the jurisdiction required a second factor of this account's roles
    // stops with the requirement until the account enrols.
    let second_factor_missing =
        user.two_factor_since.is_none() && crate::two_factor::required_for(app, &user);
    if !(user.active && user.org.active && !second_factor_missing) {
        return None;
    }
    let mut user = user;
    crate::break_glass::load_open(app, &mut user).await;
    Some(user)
}

async fn verify_password(app: &App, password: String, stored: String) -> bool {
    let _permit = app.hashing.acquire().await;
    tokio::task::spawn_blocking(move || mnir_crypto::verify_password(&password, &stored))
        .await
        .unwrap_or(false)
}

/// Hashes a password off the async threads, within the same bound as verification.
pub async fn hash_password(app: &App, password: String) -> String {
    let cost = app.policy().password_cost;
    let _permit = app.hashing.acquire().await;
    tokio::task::spawn_blocking(move || mnir_crypto::hash_password(&password, cost))
        .await
        .expect("password hashing does not panic")
}

/// Changes the user's own password; every session of the account ends with it.
pub async fn change_password(
    app: &App,
    who: &Who<'_>,
    current: &str,
    new: &str,
    confirm: &str,
    client: &str,
) -> AppResult<()> {
    // The current password is a password guess like any other: held back and counted the same
    // way as at sign-in, and checked within the same bound on hashing.
    let policy = &app.policy().throttle;
    let now = app.now().millis();
    if let Err(ms) = app.throttle.try_begin(policy, &who.user.login, client, now) {
        return Err(AppError::Wait {
            seconds: wait_seconds(ms),
        });
    }
    if !verify_password(app, current.to_string(), who.user.password_hash.clone()).await {
        let _ = app
            .store()
            .record_login_attempt(&who.user.id, false, who.now())
            .await;
        return Err(AppError::invalid("current", "account-wrong-current"));
    }
    app.throttle.succeeded(&who.user.login, client);
    if new.chars().count() < MIN_PASSWORD {
        return Err(AppError::invalid("new", "account-too-short"));
    }
    if new != confirm {
        return Err(AppError::invalid("confirm", "account-mismatch"));
    }
    let hash = hash_password(app, new.to_string()).await;
    app.store()
        .set_password(&who.user.id, &hash, &who.by)
        .await?;
    Ok(())
}

/// What the navigation offers a user: decided by the same rules as the pages behind it.
#[derive(Clone, Debug, Default)]
pub struct Menu {
    pub cases: bool,
    pub notify: bool,
    pub admin: bool,
    pub catalogues: bool,
    pub inbox: bool,
    pub no_removal: bool,
    /// The register of disclosures of support records.
    pub disclosures: bool,
    /// The national statistics (at least their published view).
    pub statistics: bool,
    /// The register's exchange in HTCDS (export and import).
    pub exchange: bool,
    /// The trainer's sessions, curriculum, vignettes and certificates.
    pub training: bool,
    /// The e-learning and one's own certificates.
    pub elearning: bool,
    /// The retention schedules and the register of erasures.
    pub retention: bool,
    /// The pairs of notifications that may be one person.
    pub duplicates: bool,
}

pub fn menu(user: &User) -> Menu {
    let actor = user.actor();
    let may = |action| can(&actor, action, None).is_ok();
    Menu {
        cases: may(Action::ListCases),
        notify: may(Action::NotifyCase),
        admin: user.roles.contains(mnir_domain::Role::Admin),
        catalogues: may(Action::ManageCatalogues),
        inbox: may(Action::WorkInbox),
        no_removal: may(Action::SeeNoRemovalFlags),
        disclosures: may(Action::ListDisclosures),
        statistics: may(Action::ViewStatistics { published: true }),
        exchange: may(Action::ExportCases),
        training: may(Action::ManageTraining),
        elearning: may(Action::TakeElearning),
        retention: may(Action::ViewRetention),
        duplicates: may(Action::ReviewDuplicates),
    }
}

/// Every account, for an administrator.
pub async fn users(app: &App, who: &Who<'_>) -> AppResult<Vec<User>> {
    can(&who.actor(), Action::ManageUsers, None)?;
    Ok(app.store().list_users().await?)
}

/// The logins of these accounts by id, each read once; an account gone is named by its id, and
/// an empty id (a generated record's) is left out.
pub async fn logins(
    app: &App,
    ids: Vec<&str>,
) -> AppResult<std::collections::BTreeMap<String, String>> {
    let mut out = std::collections::BTreeMap::new();
    for id in ids {
        if id.is_empty() || out.contains_key(id) {
            continue;
        }
        let login = app
            .store()
            .user_by_id(id)
            .await?
            .map_or_else(|| id.to_string(), |u| u.login);
        out.insert(id.to_string(), login);
    }
    Ok(out)
}

/// The login of an account in a map made by [`logins`], or its id when the account is gone.
pub(crate) fn login_in(logins: &std::collections::BTreeMap<String, String>, id: &str) -> String {
    logins.get(id).cloned().unwrap_or_else(|| id.to_string())
}

/// Every organisation. Their names and codes are public routing data, shown wherever a case
/// names an organisation.
pub async fn organisations(app: &App) -> AppResult<Vec<Organisation>> {
    app.organisations().await
}

/// An administrator replaces an account's roles (not their own: an administrator who removed
/// their own role would need the command line). The screener role needs a valid certificate
/// where the profile says so.
pub async fn set_roles_by_admin(
    app: &App,
    who: &Who<'_>,
    user_id: &str,
    roles: &[String],
) -> AppResult<User> {
    can(&who.actor(), Action::ManageUsers, None)?;
    if user_id == who.user.id {
        return Err(AppError::Forbidden(crate::Message::new("admin-own-roles")));
    }
    let user = app
        .store()
        .user_by_id(user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let roles = parse_roles(roles)?;
    crate::training::check_screener_rule(app, Some(user_id), &roles).await?;
    app.store().set_user_roles(user_id, &roles, &who.by).await?;
    Ok(User { roles, ..user })
}

/// Roles as a form or the API sends them: at least one, each a role of the mechanism.
pub fn parse_roles(roles: &[String]) -> AppResult<mnir_domain::RoleSet> {
    let mut parsed = Vec::new();
    for text in roles {
        match text.trim().parse::<mnir_domain::Role>() {
            Ok(role) => parsed.push(role),
            Err(_) => return Err(AppError::invalid("roles", "user-role-unknown")),
        }
    }
    if parsed.is_empty() {
        return Err(AppError::invalid("roles", "user-roles-required"));
    }
    Ok(mnir_domain::RoleSet::new(parsed))
}

/// An administrator disables or enables an account (not their own: an administrator who locked
/// themselves out would need the command line). A disabled account's sessions and API tokens end
/// at once.
pub async fn set_active_by_admin(
    app: &App,
    who: &Who<'_>,
    user_id: &str,
    active: bool,
) -> AppResult<()> {
    can(&who.actor(), Action::ManageUsers, None)?;
    if user_id == who.user.id {
        return Err(AppError::Forbidden(crate::Message::new(
            "admin-not-yourself",
        )));
    }
    match app.store().set_user_active(user_id, active, &who.by).await {
        Ok(()) => Ok(()),
        Err(mnir_store::StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// An administrator disables or enables an organisation (not their own, for the same reason as
/// their own account). Its users' sessions and tokens stop working at once: every request
/// checks that the organisation is active.
pub async fn set_organisation_active_by_admin(
    app: &App,
    who: &Who<'_>,
    code: &str,
    active: bool,
) -> AppResult<()> {
    can(&who.actor(), Action::ManageUsers, None)?;
    if code == who.user.org.code {
        return Err(AppError::Forbidden(crate::Message::new(
            "admin-not-own-organisation",
        )));
    }
    switch_organisation(app, code, active, &who.by).await
}

/// How an API token is named where it is listed and revoked: the start of its hash, which is
/// all the database knows of it.
pub fn token_id(token: &mnir_store::ApiTokenRecord) -> &str {
    &token.token_hash[..token.token_hash.len().min(12)]
}

/// The signed-in user's own API tokens that still work, oldest first.
pub async fn own_tokens(app: &App, who: &Who<'_>) -> AppResult<Vec<mnir_store::ApiTokenRecord>> {
    let now = app.now();
    let mut tokens = app.store().api_tokens_of(&who.user.id).await?;
    tokens.retain(|t| t.expires_at_ms > now);
    Ok(tokens)
}

/// Revokes one of the user's own tokens by its id ([`token_id`]); `NotFound` for a token that
/// is not theirs.
pub async fn revoke_own_token(app: &App, who: &Who<'_>, id: &str) -> AppResult<()> {
    let token = token_named(own_tokens(app, who).await?, id)?;
    Ok(app
        .store()
        .revoke_api_token(&token.token_hash, &who.by)
        .await?)
}

/// The token of `tokens` named `id` ([`token_id`]); `NotFound` when there is none.
pub(crate) fn token_named(
    tokens: Vec<mnir_store::ApiTokenRecord>,
    id: &str,
) -> AppResult<mnir_store::ApiTokenRecord> {
    let id = id.trim();
    tokens
        .into_iter()
        .find(|t| !id.is_empty() && token_id(t) == id)
        .ok_or(AppError::NotFound)
}

/// Switches an organisation on or off as `by`; `NotFound` for an unknown code.
pub(crate) async fn switch_organisation(
    app: &App,
    code: &str,
    active: bool,
    by: &AuditActor,
) -> AppResult<()> {
    let mut org = app
        .store()
        .organisation(code)
        .await?
        .ok_or(AppError::NotFound)?;
    org.active = active;
    app.save_organisation(&org, by).await
}

/// Every organisation with its settings, for an administrator.
pub async fn organisations_for_admin(app: &App, who: &Who<'_>) -> AppResult<Vec<Organisation>> {
    can(&who.actor(), Action::ManageUsers, None)?;
    organisations(app).await
}

/// One organisation by its code.
pub async fn organisation(app: &App, code: &str) -> AppResult<Option<Organisation>> {
    Ok(app.store().organisation(code).await?)
}

/// The state of the audit chain and its latest entries, for an administrator.
pub struct AuditOverview {
    pub verdict: AuditVerdict,
    pub recent: Vec<AuditEntry>,
    pub users: Vec<User>,
}

pub async fn audit_overview(app: &App, who: &Who<'_>, limit: i64) -> AppResult<AuditOverview> {
    can(&who.actor(), Action::ManageUsers, None)?;
    let store = app.store();
    Ok(AuditOverview {
        verdict: store.verify_audit().await?,
        recent: store.recent_audit(limit).await?,
        users: store.list_users().await?,
    })
}
