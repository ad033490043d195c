//! The schemas the API's document gives the value sets that request structs take, for the
//! structs of this crate and the web's alike: closed lists of codes, blanks, and the sets a
//! deployment keeps in its database (organisations, the indicator catalogue, the curriculum's
//! modules). A field of the last kind carries a marker (`x-mnir-values`) that the served
//! document replaces with the set of the moment, so an organisation added through the
//! directory is in the next document.

use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::schema::{AnyOfBuilder, Object, ObjectBuilder, Type};

/// One of `texts`.
pub fn one_of(texts: impl IntoIterator<Item = &'static str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(texts))
        .build()
}

/// A code of a closed list.
pub fn code<T: mnir_domain::Vocabulary>() -> Object {
    one_of(T::texts())
}

/// `schema` with a description: a field stated by `schema_with` loses its doc comment.
pub fn described(mut schema: Object, description: &str) -> Object {
    schema.description = Some(description.into());
    schema
}

/// An organisation of the register, by its code: the marker that the served document
/// replaces with the codes registered at the moment, the same as the web's
/// `kit::schema::organisation`.
pub fn organisation() -> Object {
    marked(ValueSet::Organisation)
}

/// A text of spaces only, or none at all: what a use case takes for a field left empty.
pub fn blank() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(r"^\s*$"))
        .build()
}

/// JSON's `null`.
pub fn null() -> Object {
    ObjectBuilder::new().schema_type(Type::Null).build()
}

/// A value that one of `schemas` describes.
pub fn any_of(schemas: impl IntoIterator<Item = Object>) -> AnyOfBuilder {
    schemas
        .into_iter()
        .fold(AnyOfBuilder::new(), |any, schema| any.item(schema))
}

/// The value sets kept in the database, named by the marker of the fields that take them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ValueSet {
    /// The code of an organisation of the register.
    Organisation,
    /// An indicator of the catalogue in force.
    Indicator,
    /// A module of the curriculum in force.
    Module,
}

/// The extension naming a field's value set, replaced in the served document.
pub const MARKER: &str = "x-mnir-values";

impl ValueSet {
    pub const ALL: [ValueSet; 3] = [
        ValueSet::Organisation,
        ValueSet::Indicator,
        ValueSet::Module,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ValueSet::Organisation => "organisation",
            ValueSet::Indicator => "indicator",
            ValueSet::Module => "module",
        }
    }

    pub fn parse(name: &str) -> Option<ValueSet> {
        ValueSet::ALL.into_iter().find(|set| set.name() == name)
    }
}

/// A text of `set`, before the served document names its values.
pub fn marked(set: ValueSet) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(r"\S"))
        .extensions(Some(
            ExtensionsBuilder::new().add(MARKER, set.name()).build(),
        ))
        .build()
}

/// An indicator of the catalogue in force.
pub fn indicator() -> Object {
    marked(ValueSet::Indicator)
}

/// A module of the curriculum in force.
pub fn module() -> Object {
    marked(ValueSet::Module)
}
