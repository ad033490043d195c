//! Romanian and English messages (Fluent files under `locales/`, compiled in), and the locale's
//! way of writing dates and numbers.

use chrono::NaiveDate;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use mnir_store::Timestamp;
use std::collections::BTreeSet;
use std::sync::OnceLock;
use unic_langid::LanguageIdentifier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Ro,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ro, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ro => "ro",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ro" => Some(Lang::Ro),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language of an `Accept-Language` header, in the client's order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .filter_map(|tag| Lang::parse(tag.trim().split('-').next().unwrap_or("")))
            .next()
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Ro => Lang::En,
            Lang::En => Lang::Ro,
        }
    }
}

pub const RO_FTL: &str = include_str!("../../../../locales/ro/main.ftl");
pub const EN_FTL: &str = include_str!("../../../../locales/en/main.ftl");

struct Bundles {
    ro: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: &str, source: &'static str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.parse().expect("static language tag");
    let resource = FluentResource::try_new(source.to_string())
        // The files are compiled in and parsed by a test, so a syntax error is a build defect.
        .unwrap_or_else(|(_, errors)| panic!("locales/{lang}/main.ftl: {errors:?}"));
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Isolation marks would end up as invisible characters in HTML attributes and JSON.
    bundle.set_use_isolating(false);
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("locales/{lang}/main.ftl: {errors:?}"));
    bundle
}

fn bundles() -> &'static Bundles {
    static B: OnceLock<Bundles> = OnceLock::new();
    B.get_or_init(|| Bundles {
        ro: bundle("ro", RO_FTL),
        en: bundle("en", EN_FTL),
    })
}

/// Message ids defined by a Fluent source, for the test that both languages define the same.
pub fn message_ids(source: &str) -> BTreeSet<String> {
    let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

/// A translator for one language, and the time zone its times are shown in; cheap to copy into
/// every page.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub lang: Lang,
    pub zone: chrono_tz::Tz,
}

impl Tr {
    /// Words only: times are shown in UTC, and say so, until [`Tr::in_zone`] names the zone.
    pub fn new(lang: Lang) -> Tr {
        Tr {
            lang,
            zone: chrono_tz::UTC,
        }
    }

    /// Another language, times still shown in this translator's zone (a document printed in the
    /// person's language).
    pub fn with_lang(self, lang: Lang) -> Tr {
        Tr { lang, ..self }
    }

    /// The same words, with times and dates shown in `zone` (the jurisdiction's).
    pub fn in_zone(self, zone: chrono_tz::Tz) -> Tr {
        Tr { zone, ..self }
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let b = bundles();
        let bundle = match self.lang {
            Lang::Ro => &b.ro,
            Lang::En => &b.en,
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::error!(key, lang = self.lang.code(), "missing message");
            // Visible on purpose, so the page walk in the tests finds it.
            return format!("[missing: {key}]");
        };
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned();
        if !errors.is_empty() {
            tracing::error!(key, lang = self.lang.code(), ?errors, "message arguments");
        }
        text
    }

    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// A message with named arguments; numbers are passed as numbers so plural rules apply.
    pub fn t_with(&self, key: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(s) => fluent_args.set(*name, FluentValue::from(s.clone())),
                Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
            }
        }
        self.format(key, Some(&fluent_args))
    }

    /// A use case's message in this language, its terms named.
    pub fn message(&self, message: &mnir_app::Message) -> String {
        let args: Vec<(&str, Arg)> = message
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    mnir_app::Arg::Text(s) => Arg::Text(s.clone()),
                    mnir_app::Arg::Number(n) => Arg::Number(*n),
                    mnir_app::Arg::Term(group, code) => Arg::Text(self.term(group, code)),
                };
                (*name, value)
            })
            .collect();
        self.t_with(message.id, &args)
    }

    /// The label of a vocabulary value, e.g. `state-presumed_victim`.
    pub fn term(&self, prefix: &str, value: &str) -> String {
        self.t(&format!("{prefix}-{value}"))
    }

    pub fn date(&self, date: NaiveDate) -> String {
        match self.lang {
            Lang::Ro => date.format("%d.%m.%Y").to_string(),
            Lang::En => date.format("%d/%m/%Y").to_string(),
        }
    }

    /// An instant on the jurisdiction's clocks (summer time included); a translator without a
    /// zone says that its time is UTC.
    pub fn datetime(&self, at: Timestamp) -> String {
        let local = at.to_utc().with_timezone(&self.zone);
        let utc = if self.zone == chrono_tz::UTC {
            " UTC"
        } else {
            ""
        };
        match self.lang {
            Lang::Ro => format!("{}{utc}", local.format("%d.%m.%Y %H:%M")),
            Lang::En => format!("{}{utc}", local.format("%d/%m/%Y %H:%M")),
        }
    }

    /// The calendar day of an instant, in the translator's zone.
    pub fn date_of(&self, at: Timestamp) -> String {
        self.date(at.to_utc().with_timezone(&self.zone).date_naive())
    }

    /// Thousands grouped as the locale writes them: `12.345` in Romanian, `12,345` in English.
    pub fn number(&self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let sep = match self.lang {
            Lang::Ro => '.',
            Lang::En => ',',
        };
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(ch);
        }
        if n < 0 { format!("-{out}") } else { out }
    }

    pub fn country(&self, code: &str) -> String {
        mnir_domain::reference::country(code)
            .map(|c| match self.lang {
                Lang::Ro => c.name_ro.clone(),
                Lang::En => c.name_en.clone(),
            })
            .unwrap_or_else(|| code.to_string())
    }
}

#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Arg {
        Arg::Number(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_define_the_same_messages() {
        let ro = message_ids(RO_FTL);
        let en = message_ids(EN_FTL);
        let only_ro: Vec<_> = ro.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ro).collect();
        assert!(
            only_ro.is_empty() && only_en.is_empty(),
            "only in ro: {only_ro:?}; only in en: {only_en:?}"
        );
        assert!(ro.len() > 100, "{} messages", ro.len());
    }

    #[test]
    fn every_vocabulary_value_has_a_label_in_both_languages() {
        use mnir_domain::*;
        for lang in Lang::ALL {
            let tr = Tr::new(lang);
            let mut keys: Vec<String> = Vec::new();
            keys.extend(CaseState::ALL.iter().map(|v| format!("state-{v}")));
            keys.extend(Sex::ALL.iter().map(|v| format!("sex-{v}")));
            keys.extend(AgeGroup::ALL.iter().map(|v| format!("age-{v}")));
            keys.extend(
                Exploitation::ALL
                    .iter()
                    .map(|v| format!("exploitation-{v}")),
            );
            keys.extend(Role::ALL.iter().map(|v| format!("role-{v}")));
            keys.extend(
                ["notifier", "regional_centre", "child_protection"].map(|b| format!("basis-{b}")),
            );
            for key in keys {
                assert!(!tr.t(&key).starts_with("[missing"), "{key} in {lang:?}");
            }
        }
    }

    #[test]
    fn dates_numbers_and_plurals_follow_the_locale() {
        let ro = Tr::new(Lang::Ro);
        let en = Tr::new(Lang::En);
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(ro.date(day), "28.11.2026");
        assert_eq!(en.date(day), "28/11/2026");
        assert_eq!(ro.number(1234567), "1.234.567");
        assert_eq!(en.number(-1234), "-1,234");
        assert_eq!(ro.t_with("cases-count", &[("count", 1.into())]), "1 caz");
        assert_eq!(ro.t_with("cases-count", &[("count", 3.into())]), "3 cazuri");
        assert_eq!(
            ro.t_with("cases-count", &[("count", 20.into())]),
            "20 de cazuri"
        );
        assert_eq!(en.t_with("cases-count", &[("count", 1.into())]), "1 case");
        assert_eq!(
            en.t_with("cases-count", &[("count", 20.into())]),
            "20 cases"
        );
    }

    /// Times are shown on the jurisdiction's clocks, summer time included; a translator that
    /// was given no zone says its times are UTC.
    #[test]
    fn times_are_shown_in_the_jurisdictions_zone() {
        let bucharest = chrono_tz::Europe::Bucharest;
        let ro = Tr::new(Lang::Ro).in_zone(bucharest);
        let en = Tr::new(Lang::En).in_zone(bucharest);
        let winter = Timestamp::from_utc(
            NaiveDate::from_ymd_opt(2026, 12, 31)
                .unwrap()
                .and_hms_opt(21, 30, 0)
                .unwrap()
                .and_utc(),
        );
        let summer = Timestamp::from_utc(
            NaiveDate::from_ymd_opt(2026, 7, 15)
                .unwrap()
                .and_hms_opt(21, 30, 0)
                .unwrap()
                .and_utc(),
        );
        assert_eq!(ro.datetime(winter), "31.12.2026 23:30");
        assert_eq!(en.datetime(summer), "16/07/2026 00:30");
        assert_eq!(ro.date_of(summer), "16.07.2026");
        assert_eq!(en.with_lang(Lang::Ro).datetime(winter), "31.12.2026 23:30");
        assert_eq!(Tr::new(Lang::Ro).datetime(winter), "31.12.2026 21:30 UTC");
        assert_eq!(Tr::new(Lang::En).date_of(summer), "15/07/2026");
    }

    #[test]
    fn accept_language_picks_the_first_supported_tag() {
        assert_eq!(
            Lang::from_accept_language("fr-FR, en-GB;q=0.8, ro;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("ro-RO"), Some(Lang::Ro));
        assert_eq!(Lang::from_accept_language("de"), None);
    }
}
