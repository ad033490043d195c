//! `mnir training …`: the trainer's data imported by the server's operator (a curriculum, the
//! vignettes, the record of past sessions), the versions listed, a certificate verified; and the
//! demo's training register.

use crate::DbArgs;
use crate::commands::{operator_app, refusal};
use crate::open::open;
use crate::usage;
use mnir_app::App;
use mnir_app::catalogue::Changer;
use mnir_app::training::{AttemptInput, Rejected};
use mnir_domain::training::{self, Audience, Curriculum, TrainingProblem};
use mnir_store::{AuditActor, TrainingData, TrainingSessionRecord};
use std::process::ExitCode;

/// A problem of a file as the terminal prints it (English, like every message of the CLI).
fn problem_text(p: &TrainingProblem) -> String {
    use TrainingProblem as P;
    match p {
        P::Syntax(d) | P::Unreadable(d) => format!("cannot be read: {d}"),
        P::Missing => "missing or empty".into(),
        P::TooLong { max } => format!("longer than {max} characters"),
        P::ControlCharacters => "holds control characters".into(),
        P::BadCode(v) => format!("`{v}` is not a code (letters, digits, `._-`, up to 40)"),
        P::Repeated(v) => format!("`{v}` comes twice"),
        P::ObjectivesDiffer { ro, en } => {
            format!("{ro} objectives in Romanian but {en} in English")
        }
        P::UnknownProfile(v) => format!("`{v}` is not a profile"),
        P::UnknownIndicator(v) => format!("`{v}` is not an indicator of the catalogue in use"),
        P::NotInProfile { code, profile } => {
            format!(
                "{code} is not an indicator of the {} profile",
                profile.as_str()
            )
        }
        P::ActMissing => "a child's vignette must say whether an act took place".into(),
        P::ActForAdult => "an adult's vignette takes no act".into(),
        P::UnknownDecision(v) => format!("`{v}` is not presumed_victim or not_a_victim"),
        P::Contradicts { expected, engine } => format!(
            "expects {expected} but the identification engine finds {} on the vignette's own indicators",
            engine.as_str()
        ),
        P::Empty => "nothing to import".into(),
        P::TooMany { max } => format!("more than {max} items"),
        P::BadDate(v) => format!("`{v}` is not a date YYYY-MM-DD"),
        P::UnknownAudience(v) => format!("`{v}` is not national_victims or foreign_victims"),
        P::UnknownCounty(v) => format!("`{v}` is not a county code such as RO-CJ"),
        P::UnknownModule(v) => format!("`{v}` is not a module of the curriculum in use"),
        P::UnknownColumn(v) => format!("`{v}` is not a column of this file"),
        P::MissingColumn(v) => format!("the column `{v}` is missing"),
    }
}

fn print_problems(file: &std::path::Path, errors: &[training::DataError]) {
    eprintln!(
        "mnir: nothing was imported from {} ({} problems):",
        file.display(),
        errors.len()
    );
    for e in errors {
        let field = if e.field.is_empty() {
            String::new()
        } else {
            format!(", {}", e.field)
        };
        eprintln!("  line {}{field}: {}", e.line, problem_text(&e.problem));
    }
}

fn read(file: &std::path::Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).map_err(|e| usage(format!("cannot read {}: {e}", file.display())))
}

/// `mnir training import --kind curriculum|vignettes --file F [--activate]`.
pub async fn import(
    db: &DbArgs,
    kind: TrainingData,
    file: &std::path::Path,
    activate: bool,
) -> anyhow::Result<ExitCode> {
    let text = read(file)?;
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    let changer = Changer::Operator(AuditActor::cli(app.now()));
    match mnir_app::training::import_data(&app, &changer, kind, &text, activate)
        .await
        .map_err(refusal)?
    {
        Ok(record) => {
            println!(
                "{} {} imported: {} items{}",
                kind.as_str(),
                record.version,
                record.item_count,
                if activate { ", in use" } else { "" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(Rejected::VersionExists(version)) => Err(usage(format!(
            "{} version {version} exists already; give the revision a new version",
            kind.as_str()
        ))),
        Err(Rejected::Rows(errors)) => {
            print_problems(file, &errors);
            Ok(ExitCode::from(2))
        }
    }
}

/// `mnir training import-sessions --file F [--org CODE]`: past sessions, all or none.
pub async fn import_sessions(
    db: &DbArgs,
    file: &std::path::Path,
    org: &str,
) -> anyhow::Result<ExitCode> {
    let text = read(file)?;
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    let changer = Changer::Operator(AuditActor::cli(app.now()));
    match mnir_app::training::import_sessions(&app, &changer, org, &text)
        .await
        .map_err(refusal)?
    {
        Ok(count) => {
            println!("{count} sessions imported, recorded for {org}");
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            print_problems(file, &errors);
            Ok(ExitCode::from(2))
        }
    }
}

/// `mnir training list --kind curriculum|vignettes`.
pub async fn list(db: &DbArgs, kind: TrainingData) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    for v in mnir_app::training::data_versions(&app, kind)
        .await
        .map_err(refusal)?
    {
        println!(
            "{}{}\t{} items{}",
            v.version,
            if v.active { " (in use)" } else { "" },
            v.item_count,
            v.catalogue_version
                .map(|c| format!("\tcatalogue {c}"))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `mnir training verify CODE`: what the public verification shows.
pub async fn verify(db: &DbArgs, code: &str) -> anyhow::Result<ExitCode> {
    let (store, _) = open(db).await?;
    let app = operator_app(store);
    match mnir_app::training::verify(&app, code).await {
        Ok(v) => {
            println!(
                "{}: {} (holder {}, course {}, issued {}, valid until {})",
                code.trim().to_ascii_uppercase(),
                v.standing,
                v.holder_initials,
                v.audience,
                v.issued_on,
                v.last_valid_day
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(mnir_app::AppError::NotFound) => {
            eprintln!("mnir: no certificate has the code {code}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(refusal(e)),
    }
}

/// The demo's training register, into an empty one: the project's 17 sessions of 2018–2019
/// with synthetic participants, a recent session attended by the demo's screener and case
/// worker, the screener certified through five vignettes passed and the case worker part of
/// the way. Returns (sessions, certificates issued).
pub async fn seed_demo(app: &App, seed: u64) -> anyhow::Result<(usize, usize)> {
    if mnir_app::training::has_sessions(app)
        .await
        .map_err(refusal)?
    {
        return Ok((0, 0));
    }
    let curriculum = Curriculum::builtin();
    let rows = training::parse_sessions(training::PROJECT_SESSIONS, &curriculum)
        .map_err(|e| anyhow::anyhow!("the project's sessions: {} problems", e.len()))?;
    let now = app.now();
    let mut sessions: Vec<(TrainingSessionRecord, Vec<mnir_store::ParticipantRecord>)> = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let session = mnir_app::training::session_of_row(
                row,
                format!("demo-session-{:02}", i + 1),
                &curriculum.version,
                "ANITP",
                now,
            );
            let people = mnir_synth::training::participants(seed, &session, 18 + (i % 5) * 3, now);
            (session, people)
        })
        .collect();
    let today = app.jurisdiction().local_date(now.to_utc());
    let recent = TrainingSessionRecord {
        id: "demo-session-recent".into(),
        held_on: today - chrono::Days::new(40),
        city: "București".into(),
        county: "RO-B".into(),
        audience: Audience::NationalVictims,
        curriculum_version: curriculum.version.clone(),
        trainers: vec!["Carmen Vlădescu".into(), "Andrei Popovici".into()],
        modules: curriculum.modules.iter().map(|m| m.code.clone()).collect(),
        org_code: "ANITP".into(),
        recorded_by: None,
        recorded_at_ms: now,
        participants: 0,
    };
    let mut people = mnir_synth::training::participants(seed, &recent, 12, now);
    let demo_people = [
        (
            "demo.screener",
            "Radu Ionescu",
            training::ProfessionalCategory::PolicePublicOrder,
        ),
        (
            "demo.caseworker",
            "Ana Munteanu",
            training::ProfessionalCategory::SocialAssistance,
        ),
    ];
    let mut trainees = Vec::new();
    for (login, name, category) in demo_people {
        let Some(user) = mnir_app::training::account(app, login)
            .await
            .map_err(refusal)?
        else {
            continue;
        };
        people.push(mnir_store::ParticipantRecord {
            id: format!("demo-session-recent-{login}"),
            session_id: recent.id.clone(),
            user_id: Some(user.id.clone()),
            name: name.into(),
            org_code: Some(user.org.code.clone()),
            org_name: None,
            category,
            attended: true,
            modules: recent.modules.clone(),
            recorded_by: None,
            recorded_at_ms: now,
        });
        trainees.push(user);
    }
    sessions.push((recent, people));
    // Three years ago, less three weeks: demo.officer's course, whose certificate reaches its
    // last day within the notice, so that demo.supervisor finds the task in the inbox.
    let earlier_certificate = (today + chrono::Days::new(21))
        .checked_sub_months(chrono::Months::new(36))
        .unwrap_or(today);
    let officer = mnir_app::training::account(app, "demo.officer")
        .await
        .map_err(refusal)?;
    let mut earlier_course = None;
    if let Some(officer) = officer {
        let earlier = TrainingSessionRecord {
            id: "demo-session-earlier".into(),
            held_on: earlier_certificate - chrono::Days::new(7),
            city: "București".into(),
            county: "RO-B".into(),
            audience: Audience::NationalVictims,
            curriculum_version: curriculum.version.clone(),
            trainers: vec!["Carmen Vlădescu".into()],
            modules: curriculum.modules.iter().map(|m| m.code.clone()).collect(),
            org_code: "ANITP".into(),
            recorded_by: None,
            recorded_at_ms: now,
            participants: 0,
        };
        let mut people = mnir_synth::training::participants(seed, &earlier, 10, now);
        let attendance = mnir_store::ParticipantRecord {
            id: "demo-session-earlier-demo.officer".into(),
            session_id: earlier.id.clone(),
            user_id: Some(officer.id.clone()),
            name: "Elena Stoica".into(),
            org_code: Some(officer.org.code.clone()),
            org_name: None,
            category: training::ProfessionalCategory::SocialAssistance,
            attended: true,
            modules: earlier.modules.clone(),
            recorded_by: None,
            recorded_at_ms: now,
        };
        people.push(attendance.clone());
        sessions.push((earlier, people));
        earlier_course = Some((officer, attendance));
    }
    mnir_app::training::insert_generated_sessions(app, &sessions)
        .await
        .map_err(refusal)?;
    let mut certificates = 0;
    if let Some((officer, attendance)) = earlier_course {
        mnir_app::training::insert_generated_certificate(
            app,
            &officer,
            &attendance,
            Audience::NationalVictims,
            earlier_certificate,
        )
        .await
        .map_err(refusal)?;
        certificates += 1;
    }
    // The screener passes five vignettes with the author's answers; the case worker tries two,
    // one of them with the wrong decision.
    let vignettes = training::VignetteSet::parse(
        training::BUILTIN_VIGNETTES,
        mnir_domain::identification::Catalogue::builtin(),
    )
    .map_err(|e| anyhow::anyhow!("the built-in vignettes: {} problems", e.len()))?;
    for (user, tries) in trainees.iter().zip([5usize, 2]) {
        let who = app.who(user, "cli");
        for (i, v) in vignettes.vignettes.iter().take(tries).enumerate() {
            let right = user.login == "demo.screener" || i == 0;
            let decision = match (v.expected, right) {
                (d, true) => d,
                (training::TraineeDecision::PresumedVictim, false) => {
                    training::TraineeDecision::NotAVictim
                }
                (training::TraineeDecision::NotAVictim, false) => {
                    training::TraineeDecision::PresumedVictim
                }
            };
            let outcome = mnir_app::training::attempt(
                app,
                &who,
                &v.code,
                AttemptInput {
                    present: v.present.iter().cloned().collect(),
                    act: v.act,
                    decision: decision.as_str().into(),
                },
            )
            .await
            .map_err(refusal)?;
            certificates += outcome.certificates.len();
        }
    }
    Ok((sessions.len(), certificates))
}
