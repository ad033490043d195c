//! Indicator catalogue versions: a coordinator (on the page) or an operator (on the command line)
//! imports a revised catalogue, all or nothing, and activates it; each interview keeps the
//! version it used, and every version is parsed once and kept.

use crate::{App, AppError, AppResult, Who};
use mnir_domain::identification::{BUILTIN_VERSION, Catalogue, CatalogueError};
use mnir_domain::{Action, can};
use mnir_store::{AuditActor, CatalogueRecord, StoreError};
use std::sync::Arc;

/// Who changes the catalogues: a signed-in coordinator, or the server's operator on the command
/// line (who holds the database and its key already).
pub enum Changer<'a> {
    User(&'a Who<'a>),
    Operator(AuditActor),
}

impl Changer<'_> {
    fn check(&self) -> AppResult<&AuditActor> {
        self.may(Action::ManageCatalogues)
    }

    /// The audit actor, when the user may do `action` (the operator may do anything).
    pub(crate) fn may(&self, action: Action) -> AppResult<&AuditActor> {
        match self {
            Changer::User(who) => {
                can(&who.actor(), action, None)?;
                Ok(&who.by)
            }
            Changer::Operator(by) => Ok(by),
        }
    }

    pub(crate) fn user_id(&self) -> Option<String> {
        match self {
            Changer::User(who) => Some(who.user.id.clone()),
            Changer::Operator(_) => None,
        }
    }
}

/// Why a catalogue was not imported.
#[derive(Debug)]
pub enum Rejected {
    /// The rows that are wrong, each with its line and field; nothing was stored.
    Rows(Vec<CatalogueError>),
    /// A version of that name exists already (the built-in one included).
    VersionExists(String),
}

/// The catalogues a coordinator may see: the imported versions, then the built-in one.
pub async fn list(app: &App, who: &Who<'_>) -> AppResult<Vec<CatalogueRecord>> {
    can(&who.actor(), Action::ManageCatalogues, None)?;
    all(app).await
}

/// The imported versions and the built-in one (active when no other is), for any adapter that
/// was allowed to look.
pub async fn all(app: &App) -> AppResult<Vec<CatalogueRecord>> {
    let mut rows = app.store().list_catalogues().await?;
    let builtin_active = !rows.iter().any(|c| c.active);
    rows.push(CatalogueRecord {
        version: BUILTIN_VERSION.into(),
        indicator_count: Catalogue::builtin().indicators.len() as i64,
        imported_at_ms: mnir_store::Timestamp::EPOCH,
        imported_by: None,
        active: builtin_active,
    });
    Ok(rows)
}

/// Imports a catalogue version (inactive unless `activate`): parsed and checked whole before
/// anything is stored.
pub async fn import(
    app: &App,
    changer: &Changer<'_>,
    version: &str,
    csv: &str,
    activate: bool,
) -> AppResult<Result<CatalogueRecord, Rejected>> {
    let by = changer.check()?;
    let version = version.trim();
    let catalogue = match Catalogue::parse(version, csv) {
        Ok(c) => c,
        Err(rows) => return Ok(Err(Rejected::Rows(rows))),
    };
    if version == BUILTIN_VERSION {
        return Ok(Err(Rejected::VersionExists(version.into())));
    }
    let record = CatalogueRecord {
        version: catalogue.version.clone(),
        indicator_count: catalogue.indicators.len() as i64,
        imported_at_ms: by.now_ms,
        imported_by: changer.user_id(),
        active: false,
    };
    match app.store().import_catalogue(&record, csv, by).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Ok(Err(Rejected::VersionExists(version.into()))),
        Err(e) => return Err(e.into()),
    }
    if activate {
        app.store().activate_catalogue(Some(version), by).await?;
    }
    Ok(Ok(CatalogueRecord {
        active: activate,
        ..record
    }))
}

/// Makes `version` the catalogue new interviews use (the built-in one by its name);
/// `NotFound` for an unknown version.
pub async fn activate(app: &App, changer: &Changer<'_>, version: &str) -> AppResult<()> {
    let by = changer.check()?;
    let target = (version != BUILTIN_VERSION).then_some(version);
    match app.store().activate_catalogue(target, by).await {
        Ok(()) => Ok(()),
        Err(StoreError::NotFound) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

impl App {
    /// A catalogue version: the built-in one, or one imported into the database.
    pub async fn catalogue(&self, version: &str) -> AppResult<Arc<Catalogue>> {
        if let Some(c) = self
            .catalogues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(version)
        {
            return Ok(c.clone());
        }
        let parsed = if version == BUILTIN_VERSION {
            Catalogue::builtin().clone()
        } else {
            let source = self
                .store()
                .catalogue_source(version)
                .await?
                .ok_or(AppError::NotFound)?;
            Catalogue::parse(version, &source).map_err(|errors| {
                AppError::Internal(format!("catalogue {version}: {} errors", errors.len()))
            })?
        };
        let parsed = Arc::new(parsed);
        self.catalogues
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(version.to_string(), parsed.clone());
        Ok(parsed)
    }

    /// The catalogue new interviews use: the one a coordinator activated, else the built-in one.
    pub async fn active_catalogue(&self) -> AppResult<Arc<Catalogue>> {
        let active = self
            .store()
            .list_catalogues()
            .await?
            .into_iter()
            .find(|c| c.active);
        match active {
            Some(c) => self.catalogue(&c.version).await,
            None => self.catalogue(BUILTIN_VERSION).await,
        }
    }
}
