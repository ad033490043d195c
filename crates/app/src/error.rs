//! Why a use case refused, in codes: the adapters (pages, API, command line) turn a refusal into
//! the user's language at their edge, so nothing here depends on who reads it.

use mnir_domain::clocks::ClockKind;
use mnir_domain::{CaseState, Denial};
use mnir_store::StoreError;

/// A value a message refers to. Terms stay codes (a state, a clock kind, a purpose) and are
/// named in the reader's language only when the message is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Number(i64),
    /// A vocabulary code, shown as its term of `group` (`state`, `clock`, `purpose`, …).
    Term(&'static str, String),
}

/// A message by its id in the message catalogue (`locales/*/main.ftl`), with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

impl Message {
    pub fn new(id: &'static str) -> Message {
        Message {
            id,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, arg: Arg) -> Message {
        self.args.push((name, arg));
        self
    }

    /// "Someone else moved the case meanwhile: it is now …".
    pub fn stale(current: CaseState) -> Message {
        Message::new("transition-stale").with("state", Arg::Term("state", current.as_str().into()))
    }

    /// Why a running clock forbids a step.
    pub fn blocked_by_clock(clock_kind: ClockKind) -> Message {
        if clock_kind == ClockKind::ReflectionPeriod {
            Message::new("transition-reflection-running")
        } else {
            Message::new("transition-blocked-by-clock")
                .with("clock", Arg::Term("clock", clock_kind.as_str().into()))
        }
    }
}

/// What is wrong with one field of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// The field's name as a form or the API sends it (`measures.escort.due_on` for a line of a
    /// list).
    pub field: std::borrow::Cow<'static, str>,
    pub message: Message,
    /// The value is well formed but does not fit the records it meets: the case (its age
    /// group, its state), its other records (a consent's last day, the day proceedings opened),
    /// or the caller (their own organisation). A page shows it as any other field error; the
    /// API answers it as a conflict (409), since no description of the request alone could
    /// have foreseen it, while 422 says the request broke a rule its document states.
    pub against_records: bool,
}

impl FieldIssue {
    pub fn new(field: impl Into<std::borrow::Cow<'static, str>>, id: &'static str) -> FieldIssue {
        FieldIssue {
            field: field.into(),
            message: Message::new(id),
            against_records: false,
        }
    }

    /// A field that does not fit the stored records (see `against_records`).
    pub fn against_records(
        field: impl Into<std::borrow::Cow<'static, str>>,
        id: &'static str,
    ) -> FieldIssue {
        FieldIssue {
            against_records: true,
            ..FieldIssue::new(field, id)
        }
    }
}

#[derive(Debug)]
pub enum AppError {
    /// The thing does not exist, or the actor may not know that it does.
    NotFound,
    /// The rules of the mechanism refuse the action to this actor.
    Denied(Denial),
    /// Allowed in general, refused here (e.g. the consent a referral relied on was withdrawn).
    Forbidden(Message),
    /// What was sent is wrong, field by field; nothing was stored.
    Invalid(Vec<FieldIssue>),
    /// The thing changed meanwhile (moved by someone else, answered, ended, already running).
    Conflict(Message),
    /// A rule refuses the step now, for a reason the API names by its own code (a repatriation's
    /// guard: `no_consent`, `reflection_period_running`, …); answered as a conflict.
    Refused {
        code: &'static str,
        message: Message,
    },
    /// Too many failed password guesses: the same request may be tried after this many seconds.
    Wait { seconds: i64 },
    /// The store failed or holds something unreadable; the cause is for the log only.
    Internal(String),
}

impl AppError {
    pub fn invalid(field: &'static str, id: &'static str) -> AppError {
        AppError::Invalid(vec![FieldIssue::new(field, id)])
    }

    /// One field that does not fit the stored records (see [`FieldIssue::against_records`]).
    pub fn against_records(field: &'static str, id: &'static str) -> AppError {
        AppError::Invalid(vec![FieldIssue::against_records(field, id)])
    }

    pub fn conflict(id: &'static str) -> AppError {
        AppError::Conflict(Message::new(id))
    }

    /// The stable machine code the API reports.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound | AppError::Denied(Denial::NotVisible) => "not_found",
            AppError::Denied(_) | AppError::Forbidden(_) => "forbidden",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::Refused { code, .. } => code,
            AppError::Wait { .. } => "too_many_attempts",
            AppError::Internal(_) => "internal",
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Internal(cause) => write!(f, "internal: {cause}"),
            AppError::Invalid(fields) => {
                let names: Vec<&str> = fields.iter().map(|i| i.field.as_ref()).collect();
                write!(f, "invalid: {}", names.join(", "))
            }
            AppError::Forbidden(m)
            | AppError::Conflict(m)
            | AppError::Refused { message: m, .. } => {
                write!(f, "{}: {}", self.code(), m.id)
            }
            other => f.write_str(other.code()),
        }
    }
}

impl std::error::Error for AppError {}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::StaleState { current } => AppError::Conflict(Message::stale(current)),
            StoreError::BlockedByClock(kind) => AppError::Conflict(Message::blocked_by_clock(kind)),
            StoreError::Erased => AppError::Denied(mnir_domain::Denial::Erased),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<Denial> for AppError {
    fn from(d: Denial) -> AppError {
        AppError::Denied(d)
    }
}

pub type AppResult<T> = Result<T, AppError>;
