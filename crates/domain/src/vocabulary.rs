//! Closed lists of codes: an enum per list, with the text form that is stored, sent in the API
//! and looked up in the message catalogue, so a code is never a bare string inside the program.

/// Declares a closed list: the enum, `ALL` in declaration order (which is also its order), the
/// text of each value and the parse of a text.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == text.trim())
            }
        }
        impl $crate::vocabulary::Vocabulary for $name {
            fn texts() -> Vec<&'static str> {
                $name::ALL.iter().map(|v| v.as_str()).collect()
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use codes;

/// A closed list seen from outside: the texts it accepts, in its order (the API's document
/// states them as the enum of the fields that take one).
pub trait Vocabulary {
    fn texts() -> Vec<&'static str>;
}
