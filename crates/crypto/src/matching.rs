//! Finding one person notified twice without revealing a name (mnir.md §13): each case carries
//! a keyed hash of its normalised name parts and birth date (equal only for the same person
//! written the same way) and a keyed Bloom-filter encoding of its names' letter pairs, compared
//! by the Dice coefficient (close for names written a little differently). Both are computed
//! from the names while they are in memory to be sealed, under keys of their own derived from the
//! key file; neither can be turned back into a name without those keys.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bits of a name's encoding: 1,024, a size usual for such encodings of personal names.
pub const BLOOM_BITS: usize = 1024;
/// Bits set per letter pair.
const BITS_PER_PAIR: usize = 10;

/// Fewer letters than this across a person's names ("A", "0", an initial) say too little of
/// who they are to be compared: two such notifications would be put to ANITP as one person on
/// no evidence, and every such notification paired with every other.
pub const MIN_LETTERS_TO_COMPARE: usize = 4;

/// A case's matching keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchKeys {
    /// Hex HMAC of the sorted name parts and the birth date; empty, with an empty Bloom
    /// encoding and no years, when the names have fewer than [`MIN_LETTERS_TO_COMPARE`]
    /// letters ([`MatchKeys::comparable`]).
    pub exact: String,
    /// The Bloom-filter encoding, `BLOOM_BITS / 8` bytes.
    pub bloom: Vec<u8>,
    /// Keyed hashes of the year of birth and of the years on either side (the year itself
    /// second), when the birth date is known: cases are compared within a year of each other
    /// without the year being stored in clear.
    pub years: Option<[String; 3]>,
}

impl MatchKeys {
    /// Whether the names said enough to compare this case with others.
    pub fn comparable(&self) -> bool {
        !self.exact.is_empty()
    }
}

/// A letter without its diacritics, as names are written on documents of other countries or
/// typed on keyboards without them.
fn fold(c: char) -> char {
    match c {
        'ă' | 'â' | 'à' | 'á' | 'ä' | 'å' | 'ã' | 'ą' => 'a',
        'î' | 'ì' | 'í' | 'ï' | 'ı' => 'i',
        'ș' | 'ş' | 'ś' | 'š' => 's',
        'ț' | 'ţ' => 't',
        'é' | 'è' | 'ë' | 'ê' | 'ę' | 'ě' => 'e',
        'ó' | 'ò' | 'ö' | 'ô' | 'õ' | 'ő' | 'ø' => 'o',
        'ú' | 'ù' | 'ü' | 'û' | 'ű' | 'ů' => 'u',
        'ç' | 'ć' | 'č' => 'c',
        'ñ' | 'ń' | 'ň' => 'n',
        'ž' | 'ź' | 'ż' => 'z',
        'ł' => 'l',
        'ř' => 'r',
        'ď' => 'd',
        'ý' | 'ÿ' => 'y',
        'ğ' => 'g',
        other => other,
    }
}

/// The parts of a name as compared: lower case, diacritics folded, split at anything that is not
/// a letter (spaces, hyphens, apostrophes), each part once, sorted (so the order in which given
/// and family names were written does not matter).
pub fn name_parts(names: &[&str]) -> Vec<String> {
    let mut parts: Vec<String> = names
        .iter()
        .flat_map(|n| {
            n.to_lowercase()
                .chars()
                // Combining marks (a comma below typed apart, the dot of a lowercased İ) are
                // diacritics too.
                .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
                .map(fold)
                .collect::<String>()
                .split(|c: char| !c.is_alphabetic())
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    parts.sort();
    parts.dedup();
    parts
}

pub(crate) fn match_keys(
    exact_key: &[u8; 32],
    bloom_key: &[u8; 32],
    names: &[&str],
    birth_date: Option<&str>,
) -> MatchKeys {
    let parts = name_parts(names);
    if parts.iter().map(|p| p.chars().count()).sum::<usize>() < MIN_LETTERS_TO_COMPARE {
        return MatchKeys {
            exact: String::new(),
            bloom: vec![0u8; BLOOM_BITS / 8],
            years: None,
        };
    }
    let keyed = <HmacSha256 as Mac>::new_from_slice(exact_key).expect("HMAC takes any key");
    let mut mac = keyed.clone();
    mac.update(parts.join(" ").as_bytes());
    mac.update(b"|");
    mac.update(birth_date.unwrap_or("").as_bytes());
    let exact = hex::encode(mac.finalize().into_bytes());
    let year_key = |year: i64| {
        let mut mac = keyed.clone();
        mac.update(format!("year:{year}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    };
    let years = birth_date
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse::<i64>().ok())
        .map(|y| [year_key(y - 1), year_key(y), year_key(y + 1)]);
    let mut bloom = vec![0u8; BLOOM_BITS / 8];
    // Keyed once; each pair hashes on a copy.
    let bloom_mac = <HmacSha256 as Mac>::new_from_slice(bloom_key).expect("HMAC takes any key");
    for part in &parts {
        // Padded so that a part's first and last letters make pairs of their own.
        let padded: Vec<char> = format!("_{part}_").chars().collect();
        for pair in padded.windows(2) {
            let pair: String = pair.iter().collect();
            // One keyed hash per pair gives all its bits: two bytes of the digest each.
            let mut mac = bloom_mac.clone();
            mac.update(pair.as_bytes());
            let digest = mac.finalize().into_bytes();
            for i in 0..BITS_PER_PAIR {
                let at = 2 * i;
                let bit =
                    usize::from(u16::from_be_bytes([digest[at], digest[at + 1]])) % BLOOM_BITS;
                bloom[bit / 8] |= 1 << (bit % 8);
            }
        }
    }
    MatchKeys {
        exact,
        bloom,
        years,
    }
}

/// The Dice coefficient of two encodings: twice the bits they share over the bits each sets;
/// 1 for the same names, near 0 for unrelated ones, 0 when either is empty or they differ in size.
pub fn dice(a: &[u8], b: &[u8]) -> f64 {
    if a.len() != b.len() {
        return 0.0;
    }
    let ones = |x: &[u8]| x.iter().map(|b| b.count_ones()).sum::<u32>();
    let shared: u32 = a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum();
    let total = ones(a) + ones(b);
    if total == 0 {
        0.0
    } else {
        f64::from(2 * shared) / f64::from(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXACT: [u8; 32] = [7; 32];
    const BLOOM: [u8; 32] = [9; 32];

    fn keys(given: &str, family: &str, born: Option<&str>) -> MatchKeys {
        match_keys(&EXACT, &BLOOM, &[given, family], born)
    }

    #[test]
    fn names_of_fewer_than_four_letters_are_compared_with_none() {
        for (given, family) in [("0", ""), ("A", ""), ("Al", "B"), ("", "")] {
            let weak = keys(given, family, Some("2001-03-09"));
            assert!(!weak.comparable(), "{given} {family}");
            assert_eq!(
                weak,
                keys(given, family, Some("1990-01-01")),
                "nothing of the date"
            );
            assert_eq!(dice(&weak.bloom, &weak.bloom), 0.0);
        }
        assert!(keys("Ana", "B", None).comparable(), "four letters");
    }

    #[test]
    fn the_same_person_written_differently_scores_high_and_others_low() {
        let a = keys("Ștefania", "Ionescu", Some("2001-03-09"));
        // Without diacritics and in the other order: the same exact key.
        let b = keys("IONESCU", "Stefania", Some("2001-03-09"));
        assert_eq!(a, b);
        // A letter changed: another exact key, a close encoding.
        let c = keys("Stefania", "Ionesco", Some("2001-03-09"));
        assert_ne!(a.exact, c.exact);
        assert!(
            dice(&a.bloom, &c.bloom) > 0.8,
            "{}",
            dice(&a.bloom, &c.bloom)
        );
        // Another birth date: another exact key, the same encoding.
        assert_ne!(
            a.exact,
            keys("Ștefania", "Ionescu", Some("2001-03-10")).exact
        );
        let other = keys("Mihaela", "Dumitrașcu", Some("2001-03-09"));
        assert!(
            dice(&a.bloom, &other.bloom) < 0.5,
            "{}",
            dice(&a.bloom, &other.bloom)
        );
        assert_eq!(dice(&a.bloom, &a.bloom), 1.0);
        assert_eq!(dice(&a.bloom, &[0u8; 3]), 0.0);
    }

    #[test]
    fn the_encodings_depend_on_the_key() {
        let a = keys("Ana", "Pop", None);
        let b = match_keys(&[1; 32], &[2; 32], &["Ana", "Pop"], None);
        assert_ne!(a.exact, b.exact);
        assert!(dice(&a.bloom, &b.bloom) < 0.6);
        assert_eq!(
            name_parts(&["  Ana-Maria ", "O'Neil  Pop"]),
            ["ana", "maria", "neil", "o", "pop"]
        );
        // A comma below typed as a combining mark, and a Turkish capital dotted I.
        assert_eq!(name_parts(&["S\u{0326}tefan", "İlie"]), ["ilie", "stefan"]);
    }

    #[test]
    fn years_on_either_side_meet_and_others_do_not() {
        let a = keys("Ana", "Pop", Some("2001-03-09")).years.unwrap();
        let b = keys("Ion", "Rus", Some("2002-12-31")).years.unwrap();
        let c = keys("Ion", "Rus", Some("2004-01-01")).years.unwrap();
        assert!(a.contains(&b[1]) && b.contains(&a[1]));
        assert!(!a.contains(&c[1]));
        assert_eq!(keys("Ana", "Pop", None).years, None);
    }
}
