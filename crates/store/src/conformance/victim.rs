//! Checks of [`crate::VictimProfileStore`].

use super::*;
use mnir_domain::victim::{ProfileField, VictimProfile};

fn profile(pairs: &[(ProfileField, &[&str])], age: Option<u32>) -> VictimProfile {
    VictimProfile {
        values: pairs
            .iter()
            .map(|(f, v)| (*f, v.iter().map(|s| s.to_string()).collect()))
            .collect(),
        age_when_trafficked: age,
    }
}

pub async fn a_victim_profile_is_replaced_whole_and_its_changes_audited_by_name(db: TestDb) {
    let s = db.store.as_ref();
    seed_orgs(s).await;
    s.create_case(
        &new_case("c1", "R-1", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    assert_eq!(s.victim_profile("c1").await.unwrap(), None);
    let first = VictimProfileRecord {
        case_id: "c1".into(),
        profile: profile(
            &[
                (ProfileField::Citizenship, &["RO", "MD"]),
                (
                    ProfileField::ExploitationTypes,
                    &["SexualExploitation", "ForcedLabour"],
                ),
                (
                    ProfileField::ControlMethods,
                    &["DebtBondage", "WithholdsDocuments"],
                ),
                (ProfileField::RecruitmentPlace, &["RO-CJ"]),
            ],
            Some(17),
        ),
        org_code: "ANITP-CJ".into(),
        recorded_by: "u1".into(),
        updated_at_ms: at(2000),
    };
    s.put_victim_profile(&first, CaseState::Notified, &actor(2000))
        .await
        .unwrap();
    assert_eq!(s.victim_profile("c1").await.unwrap().as_ref(), Some(&first));
    let audit = s.recent_audit(1).await.unwrap();
    assert_eq!(audit[0].action, "victim_profile.record");
    assert_eq!(
        audit[0].detail,
        "channel=web fields=citizenship,exploitation_types,control_methods,recruitment_place,age_when_trafficked"
    );
    assert!(
        !audit[0].detail.contains("DebtBondage"),
        "values stay out of the log"
    );

    // A correction replaces the whole profile: a field left out is gone, the order kept.
    let second = VictimProfileRecord {
        profile: profile(
            &[
                (ProfileField::Citizenship, &["MD", "RO"]),
                (
                    ProfileField::ExploitationTypes,
                    &["SexualExploitation", "ForcedLabour"],
                ),
                (ProfileField::Settlement, &["rural"]),
            ],
            Some(17),
        ),
        updated_at_ms: at(3000),
        ..first.clone()
    };
    s.put_victim_profile(&second, CaseState::Notified, &actor(3000))
        .await
        .unwrap();
    let read = s.victim_profile("c1").await.unwrap().unwrap();
    assert_eq!(read, second);
    assert_eq!(read.profile.get(ProfileField::Citizenship), ["MD", "RO"]);
    assert!(read.profile.get(ProfileField::ControlMethods).is_empty());
    let audit = s.recent_audit(1).await.unwrap();
    assert_eq!(
        audit[0].detail,
        "channel=web fields=citizenship,control_methods,recruitment_place,settlement"
    );

    // No case, no profile; nothing written.
    let orphan = VictimProfileRecord {
        case_id: "nobody".into(),
        ..first.clone()
    };
    assert!(matches!(
        s.put_victim_profile(&orphan, CaseState::Notified, &actor(4000))
            .await,
        Err(StoreError::NotFound)
    ));
    // A case no longer in the state the checks saw: nothing written.
    let stale = VictimProfileRecord {
        profile: VictimProfile::default(),
        ..first.clone()
    };
    assert!(matches!(
        s.put_victim_profile(&stale, CaseState::PresumedVictim, &actor(4500))
            .await,
        Err(StoreError::StaleState {
            current: CaseState::Notified
        })
    ));
    assert_eq!(s.victim_profile("c1").await.unwrap(), Some(second.clone()));
    assert_eq!(s.victim_profile("nobody").await.unwrap(), None);

    // Generated in bulk, read back the same.
    s.create_case(
        &new_case("c2", "R-2", &["ANITP-CJ"], 1000),
        &[],
        &actor(1000),
    )
    .await
    .unwrap();
    let generated = VictimProfileRecord {
        case_id: "c2".into(),
        ..first.clone()
    };
    s.insert_generated_profiles(std::slice::from_ref(&generated), &actor(5000))
        .await
        .unwrap();
    assert_eq!(s.victim_profile("c2").await.unwrap(), Some(generated));
}
