//! Two-factor sign-in: time-based codes (RFC 6238: HMAC-SHA1, six digits, 30-second steps, the
//! form every authenticator app reads from an `otpauth://` link) and single-use recovery codes.
//!
//! The shared key is encrypted at rest by the store; recovery codes are kept only as keyed
//! hashes. A code is accepted for the step before and after the current one (a phone's clock
//! drifts) but never twice: the store takes a step only when it is later than every step taken
//! before. Codes are guesses like passwords, held back by the same throttle.

use crate::{App, AppError, AppResult, Who};
use mnir_store::{SessionStage, StoreError, User};
use rand::Rng;
use totp_rs::{Algorithm, TOTP};

/// Seconds per code.
pub const STEP_SECONDS: u64 = 30;
const DIGITS: usize = 6;
/// Bytes of a shared key: 160 bits, the length RFC 4226 recommends for HMAC-SHA1.
const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;
/// Letters and digits nobody confuses when copying a code from paper (no 0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_LENGTH: usize = 10;
/// How long a session opened by the password alone waits for its second step.
pub const PENDING_MS: i64 = 10 * 60 * 1000;
/// Wrong codes an account may have, from wherever they come, before each further try must wait.
const FREE_CODE_FAILURES: i64 = 5;
/// The wait after the first failure past the free ones doubles with each further one, up to this.
const MAX_CODE_DELAY_MS: i64 = 15 * 60 * 1000;

/// What a user needs to add the account to an authenticator app.
pub struct Enrolment {
    /// The shared key in base32, in groups of four for typing by hand.
    pub key: String,
    /// The `otpauth://` link the QR code carries.
    pub link: String,
    /// The QR code as an SVG element, ready to be placed in a page.
    pub qr_svg: String,
}

/// Where an account stands with its second factor.
pub struct Status {
    pub enrolled_since: Option<mnir_store::Timestamp>,
    pub recovery_codes_left: i64,
    /// The jurisdiction requires a second factor of this account's roles.
    pub required: bool,
}

fn generator(app: &App, user: &User, secret: Vec<u8>) -> TOTP {
    // Unchecked only because the account label may hold characters the checked constructor
    // refuses; the digits and the key length are this module's constants.
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECONDS,
        secret,
        Some(format!("MNIR {}", app.jurisdiction().name)),
        user.login.clone(),
    )
}

fn current_step(app: &App) -> u64 {
    u64::try_from(app.now().millis() / 1000).unwrap_or(0) / STEP_SECONDS
}

/// The step whose code `code` is, among the previous, current and next step; `None` when it is
/// none of them.
fn step_of(app: &App, generator: &TOTP, code: &str) -> Option<i64> {
    let now = current_step(app);
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|step| mnir_crypto::constant_time_eq(&generator.generate(step * STEP_SECONDS), code))
        .and_then(|step| i64::try_from(step).ok())
}

/// What the user typed, as a six-digit code or as a recovery code: spaces and dashes (as the
/// codes are shown) are dropped, letters lowered.
enum Typed {
    Code(String),
    Recovery(String),
}

fn read_typed(text: &str) -> Option<Typed> {
    let kept: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    if kept.len() == DIGITS && kept.bytes().all(|b| b.is_ascii_digit()) {
        Some(Typed::Code(kept))
    } else if kept.len() == RECOVERY_LENGTH && kept.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))
    {
        Some(Typed::Recovery(kept))
    } else {
        None
    }
}

/// Ten new recovery codes, as shown to the user (`abcde-fghjk`).
fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw: String = (0..RECOVERY_LENGTH)
                .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect();
            format!("{}-{}", &raw[..5], &raw[5..])
        })
        .collect()
}

/// The form the store keeps a recovery code under (it hashes it with the key file).
fn stored_form(shown: &str) -> String {
    shown.replace('-', "")
}

fn grouped(key: &str) -> String {
    key.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn qr_svg(link: &str) -> AppResult<String> {
    let code = qrcode::QrCode::new(link.as_bytes())
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // The renderer writes a standalone document; inside a page only the <svg> element belongs.
    Ok(svg
        .find("<svg")
        .map_or(svg.clone(), |start| svg[start..].to_string()))
}

/// Whether the account must have a second factor under the jurisdiction's profile.
pub fn required_for(app: &App, user: &User) -> bool {
    app.jurisdiction().requires_two_factor(&user.roles)
}

/// Where the account stands, for its own account page.
pub async fn status(app: &App, user: &User) -> AppResult<Status> {
    let recovery_codes_left = if user.two_factor_since.is_some() {
        app.store().recovery_codes_left(&user.id).await?
    } else {
        0
    };
    Ok(Status {
        enrolled_since: user.two_factor_since,
        recovery_codes_left,
        required: required_for(app, user),
    })
}

/// The enrolment waiting for the first code of the session `session_secret`: the one this
/// session began if there is one (so that reloading the page does not change a key already
/// scanned), else a new one. A key another session was shown is never offered again: whoever
/// saw it might keep a copy.
pub async fn enrolment(app: &App, who: &Who<'_>, session_secret: &str) -> AppResult<Enrolment> {
    let user = who.user;
    if user.two_factor_since.is_some() {
        return Err(AppError::conflict("two-factor-already-on"));
    }
    let session = mnir_crypto::secret_hash(session_secret);
    let secret = match app.store().two_factor(&user.id).await? {
        Some(pending)
            if pending.confirmed_at_ms.is_none()
                && pending.pending_session.as_deref() == Some(session.as_str()) =>
        {
            pending.secret
        }
        _ => {
            let mut secret = vec![0u8; SECRET_BYTES];
            rand::rngs::OsRng.fill(secret.as_mut_slice());
            match app
                .store()
                .begin_two_factor(&user.id, &secret, &session, &who.by)
                .await
            {
                Ok(()) => secret,
                Err(StoreError::Conflict(_)) => {
                    return Err(AppError::conflict("two-factor-already-on"));
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let generator = generator(app, user, secret);
    let link = generator.get_url();
    Ok(Enrolment {
        key: grouped(&generator.get_secret_base32()),
        qr_svg: qr_svg(&link)?,
        link,
    })
}

/// Holds a code back like a password guess: `Wait` while this login or address must wait.
fn begin_attempt(app: &App, user: &User, client: &str) -> AppResult<()> {
    let policy = &app.policy().throttle;
    app.throttle
        .try_begin(policy, &user.login, client, app.now().millis())
        .map_err(|ms| AppError::Wait {
            seconds: crate::accounts::wait_seconds(ms),
        })
}

/// How long the account must still wait before its next code, in milliseconds, after the wrong
/// codes it had from any address: past a few free ones, a delay that doubles with each.
fn account_wait_ms(record: &mnir_store::TwoFactorRecord, now: mnir_store::Timestamp) -> i64 {
    let past_free = record.failed_codes - FREE_CODE_FAILURES;
    let Some(last) = record.last_failed_code_ms.filter(|_| past_free >= 0) else {
        return 0;
    };
    let delay = 1000i64
        .checked_shl(u32::try_from(past_free).unwrap_or(u32::MAX))
        .filter(|d| *d > 0)
        .map_or(MAX_CODE_DELAY_MS, |d| d.min(MAX_CODE_DELAY_MS));
    (delay - now.millis_since(last)).max(0)
}

/// The enrolled second factor of an account, once any wait its wrong codes earned is over.
async fn enrolled_ready(app: &App, user: &User) -> AppResult<Option<mnir_store::TwoFactorRecord>> {
    let Some(record) = app
        .store()
        .two_factor(&user.id)
        .await?
        .filter(|t| t.confirmed_at_ms.is_some())
    else {
        return Ok(None);
    };
    match account_wait_ms(&record, app.now()) {
        0 => Ok(Some(record)),
        ms => Err(AppError::Wait {
            seconds: crate::accounts::wait_seconds(ms),
        }),
    }
}

/// Confirms the pending enrolment with the first code from the user's app, and returns the ten
/// recovery codes: shown once, never again.
pub async fn confirm_enrolment(
    app: &App,
    who: &Who<'_>,
    session_secret: &str,
    code: &str,
    client: &str,
) -> AppResult<Vec<String>> {
    let user = who.user;
    if user.two_factor_since.is_some() {
        return Err(AppError::conflict("two-factor-already-on"));
    }
    let session = mnir_crypto::secret_hash(session_secret);
    let pending = app
        .store()
        .two_factor(&user.id)
        .await?
        .filter(|t| {
            t.confirmed_at_ms.is_none() && t.pending_session.as_deref() == Some(session.as_str())
        })
        .ok_or_else(|| AppError::conflict("two-factor-no-enrolment"))?;
    begin_attempt(app, user, client)?;
    let generator = generator(app, user, pending.secret);
    let step = match read_typed(code) {
        Some(Typed::Code(digits)) => step_of(app, &generator, &digits),
        _ => None,
    }
    .ok_or_else(|| AppError::invalid("code", "two-factor-wrong-code"))?;
    let codes = new_recovery_codes();
    let stored: Vec<String> = codes.iter().map(|c| stored_form(c)).collect();
    match app
        .store()
        .confirm_two_factor(&user.id, &session, step, &stored, &who.by)
        .await
    {
        Ok(()) => {}
        Err(StoreError::NotFound) => return Err(AppError::conflict("two-factor-no-enrolment")),
        Err(e) => return Err(e.into()),
    }
    // The throttle's count is given back by the sign-in that follows (every session of the
    // account ended with the confirmation, and the caller opens the new one).
    Ok(codes)
}

/// Checks the second step of a sign-in: a code from the app, or one of the recovery codes.
/// A wrong one counts as a failed sign-in of the account, and against the account's codes.
pub async fn check(app: &App, user: &User, typed: &str, client: &str) -> AppResult<()> {
    begin_attempt(app, user, client)?;
    let by = app.who(user, "web").by;
    let record = enrolled_ready(app, user).await?;
    let accepted = match (read_typed(typed), &record) {
        (_, None) | (None, _) => false,
        (Some(Typed::Code(digits)), Some(record)) => {
            take_code(app, user, record.secret.clone(), &digits).await?
        }
        (Some(Typed::Recovery(code)), Some(_)) => {
            app.store().use_recovery_code(&user.id, &code, &by).await?
        }
    };
    if !accepted {
        if record.is_some() {
            app.store().record_code_failure(&user.id, by.now_ms).await?;
        }
        let _ = app
            .store()
            .record_login_attempt(&user.id, false, by.now_ms)
            .await;
        return Err(AppError::invalid("code", "two-factor-wrong-code"));
    }
    Ok(())
}

/// Takes a six-digit code of the enrolled key if it is one of the steps around now and later than
/// every step taken before.
async fn take_code(app: &App, user: &User, secret: Vec<u8>, digits: &str) -> AppResult<bool> {
    match step_of(app, &generator(app, user, secret), digits) {
        Some(step) => Ok(app.store().use_two_factor_step(&user.id, step).await?),
        None => Ok(false),
    }
}

/// New recovery codes for an enrolled account, replacing the old ones; a current code from the
/// app proves the device is still in hand.
pub async fn renew_recovery_codes(
    app: &App,
    who: &Who<'_>,
    typed: &str,
    client: &str,
) -> AppResult<Vec<String>> {
    let user = who.user;
    begin_attempt(app, user, client)?;
    let record = enrolled_ready(app, user)
        .await?
        .ok_or_else(|| AppError::conflict("two-factor-no-enrolment"))?;
    let taken = match read_typed(typed) {
        Some(Typed::Code(digits)) => take_code(app, user, record.secret, &digits).await?,
        _ => false,
    };
    if !taken {
        app.store().record_code_failure(&user.id, who.now()).await?;
        return Err(AppError::invalid("code", "two-factor-wrong-code"));
    }
    app.throttle.succeeded(&user.login, client);
    let codes = new_recovery_codes();
    let stored: Vec<String> = codes.iter().map(|c| stored_form(c)).collect();
    app.store()
        .replace_recovery_codes(&user.id, &stored, &who.by)
        .await?;
    Ok(codes)
}

/// An administrator removes another account's second factor (a lost device). The account's
/// sessions and tokens end; at its next sign-in it enrols again if its roles require it.
pub async fn reset_by_admin(app: &App, who: &Who<'_>, user_id: &str) -> AppResult<()> {
    mnir_domain::can(&who.actor(), mnir_domain::Action::ManageUsers, None)?;
    if user_id == who.user.id {
        return Err(AppError::Forbidden(crate::Message::new(
            "admin-not-yourself",
        )));
    }
    match app.store().reset_two_factor(user_id, &who.by).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// The stage a session opened by a right password starts in.
pub fn stage_after_password(app: &App, user: &User) -> SessionStage {
    if user.two_factor_since.is_some() {
        SessionStage::SecondFactor
    } else if required_for(app, user) {
        SessionStage::Enrol
    } else {
        SessionStage::Full
    }
}

/// The code an authenticator app shows for `secret` at `unix_seconds`: for the tests, which
/// act as the user's phone.
pub fn code_at(secret_base32: &str, unix_seconds: u64) -> Option<String> {
    let secret = totp_rs::Secret::Encoded(secret_base32.replace(' ', ""))
        .to_bytes()
        .ok()?;
    Some(
        TOTP::new_unchecked(
            Algorithm::SHA1,
            DIGITS,
            1,
            STEP_SECONDS,
            secret,
            None,
            String::new(),
        )
        .generate(unix_seconds),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_codes_are_read_as_shown_or_as_typed() {
        assert!(matches!(read_typed(" 123 456 "), Some(Typed::Code(c)) if c == "123456"));
        assert!(matches!(read_typed("ABCDE-FGHJK"), Some(Typed::Recovery(c)) if c == "abcdefghjk"));
        for wrong in [
            "",
            "12345",
            "1234567",
            "12345a",
            "abcde-fghj0",
            "abcdefghjkm",
        ] {
            assert!(read_typed(wrong).is_none(), "{wrong}");
        }
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_readable_back() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::BTreeSet<&String> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), RECOVERY_LENGTH + 1);
            assert!(matches!(read_typed(code), Some(Typed::Recovery(c)) if c == stored_form(code)));
        }
    }

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B, SHA-1: the key is the ASCII of "12345678901234567890"; the
        // eight-digit values there end in these six digits.
        let key = totp_rs::Secret::Raw(b"12345678901234567890".to_vec())
            .to_encoded()
            .to_string();
        assert_eq!(code_at(&key, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(&key, 1_111_111_109).as_deref(), Some("081804"));
        assert_eq!(code_at(&key, 2_000_000_000).as_deref(), Some("279037"));
    }

    #[test]
    fn wrong_codes_past_the_free_ones_make_the_account_wait_longer_each_time() {
        let at = |ms| mnir_store::Timestamp::from_millis(ms).unwrap();
        let record = |failed_codes, last| mnir_store::TwoFactorRecord {
            secret: Vec::new(),
            created_at_ms: at(0),
            confirmed_at_ms: Some(at(0)),
            last_step: 0,
            pending_session: None,
            failed_codes,
            last_failed_code_ms: Some(at(last)),
        };
        let now = at(100_000);
        assert_eq!(
            account_wait_ms(&record(4, 100_000), now),
            0,
            "five are free"
        );
        assert_eq!(account_wait_ms(&record(5, 100_000), now), 1_000);
        assert_eq!(account_wait_ms(&record(6, 100_000), now), 2_000);
        assert_eq!(
            account_wait_ms(&record(6, 99_500), now),
            1_500,
            "the wait runs"
        );
        assert_eq!(account_wait_ms(&record(6, 90_000), now), 0, "and ends");
        assert_eq!(
            account_wait_ms(&record(70, 100_000), now),
            MAX_CODE_DELAY_MS
        );
        assert_eq!(
            account_wait_ms(&record(i64::MAX, 100_000), now),
            MAX_CODE_DELAY_MS
        );
    }

    #[test]
    fn the_key_is_shown_in_groups_of_four() {
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
