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

/// A translator for one language, cheap to clone into every page.
#[derive(Clone, Copy, Debug)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
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

    pub fn datetime(&self, at: Timestamp) -> String {
        let at = at.to_utc();
        match self.lang {
            // Shown in UTC, and said so: several servers and users in several zones see one time.
            Lang::Ro => at.format("%d.%m.%Y %H:%M UTC").to_string(),
            Lang::En => at.format("%d/%m/%Y %H:%M UTC").to_string(),
        }
    }

    pub fn date_of(&self, at: Timestamp) -> String {
        self.date(at.to_utc().date_naive())
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
