//! Reference tables compiled in from `data/` (see `data/README.md` for their sources).

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, Deserialize)]
pub struct County {
    #[serde(rename = "iso_3166_2")]
    pub code: String,
    #[serde(rename = "county")]
    pub name: String,
    #[serde(rename = "anitp_regional_centre_default")]
    pub centre_city: String,
    /// The NUTS-2 development region the county belongs to (`RO11`…`RO42`), by which the
    /// national statistics are split and filtered.
    pub development_region: String,
}

/// A development region (NUTS 2), with its names in the two languages of the interface.
#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    #[serde(rename = "nuts_2")]
    pub code: String,
    pub name_en: String,
    pub name_ro: String,
}

impl County {
    /// The code suffix used in organisation codes: `RO-CJ` → `CJ`.
    pub fn suffix(&self) -> &str {
        self.code.trim_start_matches("RO-")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct RegionalCentre {
    pub city: String,
    #[serde(rename = "iso_3166_2")]
    pub county_code: String,
}

impl RegionalCentre {
    /// `ANITP-<county suffix of the centre's city>`, e.g. `ANITP-CJ` for Cluj-Napoca.
    pub fn org_code(&self) -> String {
        format!("ANITP-{}", self.county_code.trim_start_matches("RO-"))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Signal {
    pub code: String,
    #[serde(deserialize_with = "yes_no")]
    pub key: bool,
    pub applies_to: String,
    pub label_en: String,
    pub label_ro: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Country {
    #[serde(rename = "iso_3166_1_alpha2")]
    pub code: String,
    #[serde(deserialize_with = "yes_no")]
    pub eu_member: bool,
    pub name_en: String,
    pub name_ro: String,
}

fn yes_no<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let s = String::deserialize(d)?;
    match s.as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        other => Err(serde::de::Error::custom(format!(
            "expected yes or no, found `{other}`"
        ))),
    }
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        // The tables are compiled in and checked by the tests below, so a parse failure is a
        // build defect, not an input error.
        .unwrap_or_else(|e| panic!("embedded table {name} is malformed: {e}"))
}

pub fn counties() -> &'static [County] {
    static TABLE: OnceLock<Vec<County>> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse(
            "ro-counties.csv",
            include_str!("../../../data/ro-counties.csv"),
        )
    })
}

pub fn regions() -> &'static [Region] {
    static TABLE: OnceLock<Vec<Region>> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse(
            "ro-regions.csv",
            include_str!("../../../data/ro-regions.csv"),
        )
    })
}

pub fn region(code: &str) -> Option<&'static Region> {
    regions().iter().find(|r| r.code == code)
}

pub fn regional_centres() -> &'static [RegionalCentre] {
    static TABLE: OnceLock<Vec<RegionalCentre>> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse(
            "anitp-centres.csv",
            include_str!("../../../data/anitp-centres.csv"),
        )
    })
}

pub fn signals() -> &'static [Signal] {
    static TABLE: OnceLock<Vec<Signal>> = OnceLock::new();
    TABLE.get_or_init(|| {
        parse(
            "frontline-signals.csv",
            include_str!("../../../data/frontline-signals.csv"),
        )
    })
}

pub fn countries() -> &'static [Country] {
    static TABLE: OnceLock<Vec<Country>> = OnceLock::new();
    TABLE.get_or_init(|| parse("countries.csv", include_str!("../../../data/countries.csv")))
}

pub fn county(code: &str) -> Option<&'static County> {
    counties().iter().find(|c| c.code == code)
}

pub fn country(code: &str) -> Option<&'static Country> {
    countries().iter().find(|c| c.code == code)
}

pub fn signal(code: &str) -> Option<&'static Signal> {
    signals().iter().find(|s| s.code == code)
}

/// The organisation code of the ANITP regional centre that covers a county by default.
pub fn regional_centre_for(county_code: &str) -> Option<String> {
    let county = county(county_code)?;
    regional_centres()
        .iter()
        .find(|c| c.city == county.centre_city)
        .map(RegionalCentre::org_code)
}

/// The organisation code of a county's child-protection directorate.
pub fn child_protection_for(county_code: &str) -> Option<String> {
    county(county_code).map(|c| format!("DGASPC-{}", c.suffix()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_county_is_covered_by_one_of_fifteen_centres() {
        assert_eq!(counties().len(), 42);
        assert_eq!(regional_centres().len(), 15);
        for c in counties() {
            let centre =
                regional_centre_for(&c.code).unwrap_or_else(|| panic!("{} has no centre", c.code));
            assert!(centre.starts_with("ANITP-"));
        }
        assert_eq!(regional_centre_for("RO-BN").as_deref(), Some("ANITP-CJ"));
        assert_eq!(regional_centre_for("RO-IF").as_deref(), Some("ANITP-B"));
        assert_eq!(child_protection_for("RO-CJ").as_deref(), Some("DGASPC-CJ"));
        assert_eq!(regional_centre_for("RO-XX"), None);
    }

    #[test]
    fn each_centre_city_lies_in_a_county_it_covers() {
        for centre in regional_centres() {
            let county = county(&centre.county_code).expect("centre county exists");
            assert_eq!(county.centre_city, centre.city);
        }
    }

    #[test]
    fn signals_and_countries_are_complete() {
        assert_eq!(signals().len(), 20);
        assert_eq!(signals().iter().filter(|s| s.key).count(), 5);
        assert_eq!(countries().len(), 249);
        assert_eq!(countries().iter().filter(|c| c.eu_member).count(), 27);
        assert!(country("RO").is_some_and(|c| c.eu_member));
        assert!(country("MD").is_some_and(|c| !c.eu_member));
    }
}
