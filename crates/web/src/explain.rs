//! The identification engine's result as a person reads it: one sentence per dimension and per
//! element, then the outcome, in the user's language. Also the JSON shape shared by
//! `mnir indicators evaluate --json` and `POST /api/v1/identification/evaluate`.

use crate::kit::i18n::{Lang, Tr};
use mnir_domain::identification::{Catalogue, Evaluation, Outcome, Weight};
use serde::Serialize;
use std::collections::BTreeMap;

fn weight_key(w: Weight) -> &'static str {
    match w {
        Weight::Strong => "weight-strong",
        Weight::Medium => "weight-medium",
        Weight::Weak => "weight-weak",
    }
}

/// `DR01 “label” (strong), …` for the present indicators of one dimension.
fn listed(tr: &Tr, catalogue: &Catalogue, e: &Evaluation, codes: &[String]) -> String {
    codes
        .iter()
        .map(|code| {
            let indicator = catalogue.indicator(code);
            let label = indicator
                .map(|i| i.label(tr.lang == Lang::Ro))
                .unwrap_or("");
            let weight = indicator
                .and_then(|i| i.weight(e.profile))
                .map(|w| tr.t(weight_key(w)))
                .unwrap_or_default();
            match tr.lang {
                Lang::Ro => format!("{code} „{label}” ({weight})"),
                Lang::En => format!("{code} “{label}” ({weight})"),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn yes_no(tr: &Tr, value: bool) -> String {
    tr.t(if value { "yes" } else { "no" })
}

pub fn explanation(tr: &Tr, catalogue: &Catalogue, e: &Evaluation) -> Vec<String> {
    let mut sentences = Vec::new();
    for (name, d) in &e.dimensions {
        let dimension = tr.term("dimension", name);
        let sentence = match (d.clause, d.present.is_empty()) {
            (Some(clause), _) => tr.t_with(
                "expl-dimension-positive",
                &[
                    ("dimension", dimension.into()),
                    ("clause", clause.as_str().into()),
                    ("rule", tr.term("clause", clause.as_str()).into()),
                    ("indicators", listed(tr, catalogue, e, &d.present).into()),
                ],
            ),
            (None, false) => tr.t_with(
                "expl-dimension-short",
                &[
                    ("dimension", dimension.into()),
                    ("indicators", listed(tr, catalogue, e, &d.present).into()),
                ],
            ),
            (None, true) => tr.t_with("expl-dimension-none", &[("dimension", dimension.into())]),
        };
        sentences.push(sentence);
    }
    let el = &e.elements;
    if e.profile.is_child() {
        sentences.push(
            tr.t_with(
                "expl-elements-child",
                &[
                    (
                        "act",
                        el.act
                            .map_or_else(|| tr.t("expl-not-recorded"), |a| yes_no(tr, a))
                            .into(),
                    ),
                    ("exploitation", yes_no(tr, el.exploitation).into()),
                ],
            ),
        );
        if el.means_recruitment || el.means_destination {
            sentences.push(tr.t("expl-aggravating"));
        }
    } else {
        sentences.push(tr.t_with(
            "expl-elements-adult",
            &[
                ("recruitment", yes_no(tr, el.means_recruitment).into()),
                ("exploitation", yes_no(tr, el.exploitation).into()),
                ("destination", yes_no(tr, el.means_destination).into()),
            ],
        ));
    }
    let missing: Vec<String> = e
        .missing_elements
        .iter()
        .map(|m| tr.term("element", m))
        .collect();
    sentences.push(match e.outcome {
        Outcome::Indicated if e.profile.is_child() => tr.t("expl-outcome-indicated-child"),
        Outcome::Indicated => tr.t("expl-outcome-indicated-adult"),
        Outcome::NotIndicated => tr.t_with(
            "expl-outcome-not",
            &[("missing", missing.join(", ").into())],
        ),
        Outcome::InsufficientInformation => tr.t_with(
            "expl-outcome-insufficient",
            &[
                ("asked", (e.asked as i64).into()),
                ("total", (e.profile_size as i64).into()),
                ("missing", missing.join(", ").into()),
            ],
        ),
    });
    sentences.push(tr.t("expl-advice"));
    sentences
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DimensionJson {
    pub positive: bool,
    /// `a`, `b`, `c` or `d`: the first rule that made the dimension positive.
    pub clause: Option<String>,
    pub present: Vec<String>,
    pub strong: usize,
    pub medium: usize,
    pub weak: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ElementsJson {
    pub means_recruitment: bool,
    pub exploitation: bool,
    pub means_destination: bool,
    pub act: Option<bool>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EvaluationJson {
    pub catalogue_version: String,
    pub profile: String,
    /// `indicated`, `not_indicated` or `insufficient_information`.
    pub outcome: String,
    pub dimensions: BTreeMap<String, DimensionJson>,
    pub elements: ElementsJson,
    pub missing_elements: Vec<String>,
    pub explanation: Vec<String>,
}

pub fn evaluation_json(tr: &Tr, catalogue: &Catalogue, e: &Evaluation) -> EvaluationJson {
    EvaluationJson {
        catalogue_version: e.catalogue_version.clone(),
        profile: e.profile.as_str().into(),
        outcome: e.outcome.as_str().into(),
        dimensions: e
            .dimensions
            .iter()
            .map(|(name, d)| {
                (
                    name.clone(),
                    DimensionJson {
                        positive: d.positive,
                        clause: d.clause.map(|c| c.as_str().to_string()),
                        present: d.present.clone(),
                        strong: d.strong,
                        medium: d.medium,
                        weak: d.weak,
                    },
                )
            })
            .collect(),
        elements: ElementsJson {
            means_recruitment: e.elements.means_recruitment,
            exploitation: e.elements.exploitation,
            means_destination: e.elements.means_destination,
            act: e.elements.act,
        },
        missing_elements: e.missing_elements.iter().map(|m| m.to_string()).collect(),
        explanation: explanation(tr, catalogue, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mnir_domain::identification::{Answers, Profile, evaluate};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_explanation_names_every_indicator_that_counted(
            picks in proptest::collection::btree_set(0usize..67, 0..25),
            p in 0usize..4,
            ro: bool,
        ) {
            let catalogue = Catalogue::builtin();
            let profile = Profile::ALL[p];
            let codes: Vec<String> = catalogue.profile_indicators(profile).map(|i| i.code.clone()).collect();
            let present = picks.iter().map(|i| codes[i % codes.len()].clone()).collect();
            let e = evaluate(catalogue, profile, &Answers { present, asked: None, act: Some(true) }).unwrap();
            let tr = Tr::new(if ro { Lang::Ro } else { Lang::En });
            let text = explanation(&tr, catalogue, &e).join(" ");
            prop_assert!(!text.contains("[missing"), "{}", text);
            for (_, d) in &e.dimensions {
                for code in &d.present {
                    prop_assert!(text.contains(code.as_str()), "{} is not named", code);
                }
            }
        }
    }

    #[test]
    fn an_adult_result_says_which_elements_are_missing() {
        let catalogue = Catalogue::builtin();
        let present = ["DR01", "DR02", "EX01", "EX02"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let e = evaluate(
            catalogue,
            Profile::AdultLabour,
            &Answers {
                present,
                asked: None,
                act: None,
            },
        )
        .unwrap();
        let en = explanation(&Tr::new(Lang::En), catalogue, &e);
        assert!(
            en[0].starts_with("The dimension “deceptive recruitment” is positive by rule (b)"),
            "{}",
            en[0]
        );
        assert!(
            en.iter()
                .any(|s| s.contains("missing: means at destination")),
            "{en:?}"
        );
        let ro = explanation(&Tr::new(Lang::Ro), catalogue, &e);
        assert!(
            ro[0].starts_with(
                "Dimensiunea „recrutare înșelătoare” este pozitivă conform regulii (b)"
            ),
            "{}",
            ro[0]
        );
    }
}
