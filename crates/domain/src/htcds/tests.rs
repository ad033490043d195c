use super::*;

fn profile(pairs: &[(ProfileField, &[&str])], age: Option<u32>) -> VictimProfile {
    victim::check(
        pairs
            .iter()
            .map(|(f, v)| (*f, v.iter().map(|s| s.to_string()).collect()))
            .collect(),
        age,
    )
    .unwrap()
}

fn full_case(state: CaseState) -> ExchangeCase {
    ExchangeCase {
        reference: "RO-7K2M9-QX4TB".into(),
        identity: Some(Identity {
            given_name: "Ioana".into(),
            family_name: "Dumitrescu".into(),
            birth_date: NaiveDate::from_ymd_opt(2001, 3, 9),
        }),
        sex: Sex::Female,
        state,
        citizenship: "RO".into(),
        exploitation: Some(Exploitation::Sexual),
        notifying_org: "IGPR".into(),
        notified_on: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
        profile: profile(
            &[
                (ProfileField::Citizenship, &["RO", "MD"]),
                (
                    ProfileField::ExploitationTypes,
                    &["SexualExploitation", "ForcedLabour"],
                ),
                (ProfileField::ForcedLabourIndustry, &["F_Construction"]),
                (
                    ProfileField::SexExploitationTypes,
                    &["Prostitution", "RemoteInteractiveServices"],
                ),
                (
                    ProfileField::RecruitmentMethods,
                    &["ThroughOnlineSocialNetworks"],
                ),
                (
                    ProfileField::ControlMethods,
                    &["DebtBondage", "PhysicalThreats"],
                ),
                (ProfileField::RelationshipToTrafficker, &["Acquainted"]),
                (ProfileField::Education, &["LowerSecondaryEducation"]),
                (ProfileField::RecruitmentPlace, &["RO-VS"]),
                (ProfileField::ExploitationPlace, &["DE"]),
                (ProfileField::Settlement, &["rural"]),
            ],
            Some(19),
        ),
    }
}

#[test]
fn every_column_and_every_value_exported_is_the_standards() {
    assert_eq!(
        standard().len(),
        83,
        "the standard's field list is complete"
    );
    for state in CaseState::ALL
        .iter()
        .filter(|s| **s != CaseState::Duplicate)
    {
        let case = full_case(*state);
        let columns = columns(true);
        let row = case.row(&columns).unwrap();
        for (column, cell) in columns.iter().zip(&row) {
            if *column == Column::Reference {
                assert_eq!(column.as_str(), "", "the template's unnamed first column");
                continue;
            }
            let field = standard_field(column.as_str())
                .unwrap_or_else(|| panic!("{column} is a field of the standard"));
            assert_eq!(field.status, "DRAFT", "{column} is not deprecated");
            let values: Vec<&str> = field.values().collect();
            if values.is_empty() {
                continue;
            }
            for value in cell.split(MULTI_SEPARATOR) {
                assert!(values.contains(&value), "{column}: {value} is a value name");
            }
            if field.kind == "Picklist" {
                assert!(!cell.contains(MULTI_SEPARATOR), "{column} is single");
            }
        }
    }
    // Every sex and state's value is the standard's too.
    for sex in Sex::ALL {
        let f = standard_field("prs_Gender").unwrap();
        assert!(f.values().any(|v| v == sex.htcds_gender()));
    }
    // And the picklists of the victim profile are the standard's value sets.
    for field in ProfileField::ALL {
        if let Some(name) = field.htcds_name() {
            let standard: Vec<&str> = standard_field(name).unwrap().values().collect();
            for option in field.options() {
                assert!(
                    standard.contains(&option.code.as_str()),
                    "{name}: {}",
                    option.code
                );
            }
        }
    }
    assert_eq!(full_case(CaseState::Duplicate).row(&columns(false)), None);
}

#[test]
fn identifying_columns_only_when_asked_for() {
    let open = columns(false);
    assert!(open.iter().all(|c| !c.identifying()));
    assert_eq!(open[0], Column::Reference);
    let named = columns(true);
    assert_eq!(named.len(), open.len() + 3);
    let row = full_case(CaseState::InAssistance).row(&named).unwrap();
    assert_eq!(&row[1..4], ["Ioana", "Dumitrescu", "2001-03-09"]);
    assert_eq!(
        row[named
            .iter()
            .position(|c| *c == Column::Citizenship)
            .unwrap()],
        "RO;MD"
    );
}

#[test]
fn the_status_pair_of_every_state_reads_back_to_a_state_with_the_same_pair() {
    for state in CaseState::ALL {
        let Some((status, case_status)) = status_pair(*state) else {
            assert_eq!(*state, CaseState::Duplicate);
            continue;
        };
        let read = state_from(status, case_status).unwrap();
        assert_eq!(status_pair(read), Some((status, case_status)), "{state}");
    }
    assert_eq!(state_from("PossibleVictimOfTrafficking", "Closed"), None);
    assert_eq!(
        state_from("ActualVictimOfTrafficking", "ClosedReferred"),
        Some(CaseState::Closed)
    );
}

#[test]
fn an_imported_case_walks_the_transition_table_from_its_notification() {
    for state in CaseState::ALL {
        let path = path_to(*state);
        assert_eq!(path.first(), Some(&CaseState::Notified), "{state}");
        assert_eq!(path.last(), Some(state));
        for step in path.windows(2) {
            assert!(
                crate::case::transition_rule(step[0], step[1]).is_some(),
                "{} → {}",
                step[0],
                step[1]
            );
        }
    }
    assert_eq!(
        path_to(CaseState::Closed),
        [
            CaseState::Notified,
            CaseState::PotentialVictim,
            CaseState::PresumedVictim,
            CaseState::IdentifiedVictim,
            CaseState::InAssistance,
            CaseState::Closed
        ]
    );
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_header_names_standard_fields_once_each_and_the_required_ones() {
    let header: Vec<String> = columns(true)
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    let read = read_header(&header).unwrap();
    assert_eq!(read.len(), header.len());
    assert!(read.iter().all(Option::is_some));
    // Standard fields mnir does not keep are skipped; the template's misspelling too.
    let read = read_header(&strings(&[
        "",
        "prs_Email",
        "vic_TraffickinStatusDecisionMakingOrg",
        "vic_TraffickingStatus",
        "cas_Status",
        "cas_ReferringOrganisation",
        "cas_IncomingReferralDate",
    ]))
    .unwrap();
    assert_eq!(read[1], None);
    assert_eq!(read[2], None);
    let problems = read_header(&strings(&[
        "case",
        "vic_TraffickingStatus",
        "vic_TraffickingStatus",
        "cas_Status",
        "prs_Nickname",
    ]))
    .unwrap_err();
    assert!(problems.contains(&ImportProblem::UnknownColumn("case".into())));
    assert!(problems.contains(&ImportProblem::UnknownColumn("prs_Nickname".into())));
    assert!(problems.contains(&ImportProblem::RepeatedColumn(
        "vic_TraffickingStatus".into()
    )));
    assert!(problems.contains(&ImportProblem::MissingColumn(Column::Reference)));
    assert!(problems.contains(&ImportProblem::MissingColumn(Column::IncomingReferralDate)));
}

#[test]
fn an_exported_row_reads_back_as_the_same_case() {
    for identifying in [true, false] {
        let columns = columns(identifying);
        let header: Vec<Option<Column>> = columns.iter().map(|c| Some(*c)).collect();
        let mut case = full_case(CaseState::Returned);
        if !identifying {
            case.identity = None;
        }
        let row = case.row(&columns).unwrap();
        let read = read_row(&header, &row).unwrap();
        assert_eq!(read.case.row(&columns).unwrap(), row, "the same row again");
        assert_eq!(read.case.state, CaseState::Returned);
        assert_eq!(
            read.age_group(),
            AgeGroup::Adult,
            "born 2001, or trafficked at 19"
        );
        assert_eq!(read.case.citizenship, "RO");
        assert_eq!(read.case.exploitation, Some(Exploitation::Sexual));
        assert_eq!(
            read.case.profile.get(ProfileField::Settlement),
            [] as [String; 0]
        );
        if identifying {
            assert_eq!(read.age_years, Some(23));
            assert_eq!(read.age_group(), AgeGroup::Adult);
        } else {
            assert_eq!(read.age_years, None);
            assert_eq!(read.case.identity, None);
            let mut child = read.clone();
            child.case.profile.age_when_trafficked = Some(16);
            assert_eq!(
                child.age_group(),
                AgeGroup::Unknown,
                "16 then, perhaps a child still"
            );
        }
        // The county: the organisation's, else the place of exploitation's or recruitment's.
        assert_eq!(read.county(Some("RO-CJ")).as_deref(), Some("RO-CJ"));
        assert_eq!(read.county(None).as_deref(), Some("RO-VS"));
    }
}

#[test]
fn every_problem_of_a_row_is_named() {
    let columns = [
        Some(Column::Reference),
        Some(Column::Gender),
        Some(Column::Birthdate),
        Some(Column::TraffickingStatus),
        Some(Column::CaseStatus),
        Some(Column::ReferringOrganisation),
        Some(Column::IncomingReferralDate),
        Some(Column::ExploitationTypes),
        Some(Column::ForcedLabourIndustry),
        Some(Column::Education),
        Some(Column::AgeWhenTrafficked),
        Some(Column::Citizenship),
    ];
    let problems = read_row(
        &columns,
        &strings(&[
            "RO 1",
            "Female",
            "2001-02-30",
            "ActualVictimOfTrafficking",
            "",
            "IGPR",
            "31.12.2024",
            "SexualExploitation;Trafficking",
            "F_Construction",
            "PrimaryEducation;UpperSecondaryEducation",
            "-3",
            "RO;ZZ",
        ]),
    )
    .unwrap_err();
    for expected in [
        ImportProblem::BadReference("RO 1".into()),
        ImportProblem::UnknownValue {
            column: Column::Gender,
            value: "Female".into(),
        },
        ImportProblem::BadDate {
            column: Column::Birthdate,
            value: "2001-02-30".into(),
        },
        ImportProblem::Missing(Column::CaseStatus),
        ImportProblem::BadDate {
            column: Column::IncomingReferralDate,
            value: "31.12.2024".into(),
        },
        ImportProblem::UnknownValue {
            column: Column::ExploitationTypes,
            value: "Trafficking".into(),
        },
        ImportProblem::OneOnly(Column::Education),
        ImportProblem::BadAge("-3".into()),
        ImportProblem::UnknownValue {
            column: Column::Citizenship,
            value: "ZZ".into(),
        },
    ] {
        assert!(problems.contains(&expected), "{expected:?} in {problems:?}");
    }
    // A pair of statuses mnir has no state for, a birth after the notification, an industry
    // without labour.
    let problems = read_row(
        &columns,
        &strings(&[
            "A-1",
            "Feminine",
            "2025-01-01",
            "PossibleVictimOfTrafficking",
            "Closed",
            "IGPR",
            "2024-12-31",
            "SexualExploitation",
            "F_Construction",
            "",
            "",
            "",
        ]),
    )
    .unwrap_err();
    assert_eq!(
        problems,
        [
            ImportProblem::NoSuchState {
                status: "PossibleVictimOfTrafficking".into(),
                case_status: "Closed".into()
            },
            ImportProblem::Inconsistent {
                column: Column::ForcedLabourIndustry
            },
            ImportProblem::BornAfterNotification,
        ]
    );
}

#[test]
fn a_row_number_is_no_reference_and_a_name_has_its_limits() {
    let columns = [
        Some(Column::Reference),
        Some(Column::FirstName),
        Some(Column::TraffickingStatus),
        Some(Column::CaseStatus),
        Some(Column::ReferringOrganisation),
        Some(Column::IncomingReferralDate),
    ];
    let long = "a".repeat(MAX_NAME + 1);
    let problems = read_row(
        &columns,
        &strings(&[
            "17",
            &long,
            "PossibleVictimOfTrafficking",
            "Active",
            "IGPR",
            "2024-05-01",
        ]),
    )
    .unwrap_err();
    assert_eq!(
        problems,
        [
            ImportProblem::NumberedRow("17".into()),
            ImportProblem::BadName(Column::FirstName)
        ]
    );
    let problems = read_row(
        &columns,
        &strings(&[
            "A-17",
            "Ana\u{7}",
            "PossibleVictimOfTrafficking",
            "Active",
            "IGPR",
            "2024-05-01",
        ]),
    )
    .unwrap_err();
    assert_eq!(problems, [ImportProblem::BadName(Column::FirstName)]);
    let read = read_row(
        &columns,
        &strings(&[
            "A-17",
            "Ana",
            "PossibleVictimOfTrafficking",
            "Active",
            "IGPR",
            "2024-05-01",
        ]),
    )
    .unwrap();
    assert_eq!(
        read.case.state,
        CaseState::PotentialVictim,
        "the weakest claim"
    );
}

fn victim(year: i32, sex: Sex, age: Option<u32>, exploitation: Exploitation) -> OpenVictim {
    OpenVictim {
        year,
        sex,
        age_group: AgeGroup::from_age(age),
        age_years: age,
        citizenship: "RO".into(),
        exploitation: Some(exploitation),
        identified: age.is_some_and(|a| a % 2 == 0),
    }
}

fn combinations(extract: &OpenExtract) -> HashMap<&[String], usize> {
    let mut sizes: HashMap<&[String], usize> = HashMap::new();
    for row in &extract.rows {
        *sizes.entry(&row[..5]).or_default() += 1;
    }
    sizes
}

#[test]
fn the_open_extract_keeps_no_combination_shared_by_fewer_than_k() {
    // 60 women of 20 in sexual exploitation, 12 men of 30 in labour, and 3 of rarer kinds.
    let mut victims: Vec<OpenVictim> = (0..60)
        .map(|i| victim(2024, Sex::Female, Some(20 + i % 4), Exploitation::Sexual))
        .collect();
    victims
        .extend((0..12).map(|i| victim(2024, Sex::Male, Some(30 + i % 3), Exploitation::Labour)));
    victims.push(victim(2024, Sex::Male, Some(15), Exploitation::Begging));
    victims.push(victim(2024, Sex::Female, Some(50), Exploitation::Sexual));
    victims.push(victim(2023, Sex::Female, Some(20), Exploitation::Sexual));
    let extract = open_extract(&victims, 11, "RO");
    assert_eq!(
        extract.level,
        Generalisation::Detailed,
        "3 of 75 dropped is under 5%"
    );
    assert_eq!(extract.dropped_rows, 3);
    assert_eq!(extract.dropped_combinations, 3);
    assert_eq!(extract.rows.len(), 72);
    assert!(combinations(&extract).values().all(|n| *n >= 11));
    assert_eq!(
        extract.rows[0][..5],
        strings(&[
            "2024",
            "Feminine",
            "18_24",
            "national",
            "SexualExploitation"
        ])
    );

    // Spread over the adult bands, the women's groups fall under k: ages go to groups.
    let spread: Vec<OpenVictim> = (0..40)
        .map(|i| victim(2024, Sex::Female, Some(18 + i), Exploitation::Sexual))
        .collect();
    let extract = open_extract(&spread, 11, "RO");
    assert_eq!(extract.level, Generalisation::AgeGroups);
    assert_eq!(extract.dropped_rows, 0);
    assert!(extract.rows.iter().all(|r| r[2] == "adult"));

    // Nothing reaches k: the coarsest level, with everything dropped.
    let few: Vec<OpenVictim> = (0..5)
        .map(|i| {
            victim(
                2024,
                Sex::Male,
                Some(30),
                if i % 2 == 0 {
                    Exploitation::Begging
                } else {
                    Exploitation::Criminality
                },
            )
        })
        .collect();
    let extract = open_extract(&few, 11, "RO");
    assert_eq!(extract.level, Generalisation::AgeGroupsAndMainForms);
    assert_eq!((extract.rows.len(), extract.dropped_rows), (0, 5));
}
